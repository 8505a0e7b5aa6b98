from __future__ import annotations

import pytest

from pytest_burnin.alerting.secrets import (
    MissingSecretError,
    Redactor,
    expand,
    redact_url,
    references,
)


def test_expand_replaces_references_and_registers_values() -> None:
    r = Redactor()
    out = expand("https://h/${A}/x?t=${B}", {"A": "alpha", "B": "beta"}, r)
    assert out == "https://h/alpha/x?t=beta"
    assert r("alpha and beta") == "*** and ***"


def test_only_braced_references_expand() -> None:
    assert expand("pa$$word $HOME ${}", {"HOME": "/root"}) == "pa$$word $HOME ${}"
    assert references("${A}-${B_2}-$C") == ["A", "B_2"]


def test_missing_variable_names_it() -> None:
    with pytest.raises(MissingSecretError) as info:
        expand("${SLACK_HOOK}", {}, where="channel 'ops' url")
    assert str(info.value) == (
        "environment variable SLACK_HOOK is not set (referenced by channel 'ops' url)"
    )
    assert info.value.variable == "SLACK_HOOK"
    assert isinstance(info.value, ValueError)  # callers catch spec-value errors as one


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/services/***"),
        (
            "https://user:pw@example.com:8443/hook?token=x#f",
            "https://***@example.com:8443/hook?***",
        ),
        ("http://127.0.0.1:9093/api/v2/alerts", "http://127.0.0.1:9093/api/v2/alerts"),
        ("https://discord.com/api/webhooks/1/abc", "https://discord.com/api/webhooks/***"),
        ("not a url", "***"),
        ("http://[::1]:80/x", "http://[::1]:80/x"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redactor_hides_longest_first_and_url_encoded_forms() -> None:
    r = Redactor(["abc", "abcdef", "a b/c"])
    assert r("xabcdefx abc") == "x***x ***"
    assert r("a%20b%2Fc and a%20b/c") == "*** and ***"
    assert "abc" not in repr(r)
