"""Issue 12, items 10, 13 and 16 for channels: a wall-clock deadline on every
attempt, a clear error for an invalid SMTP host, secrets with a redacted repr,
and ``ca_file`` read from the spec file's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.alerting import ChannelSpecError, Notification, build_channel, deliver
from pytest_burnin.alerting.secrets import Secret, expand
from pytest_burnin.alerting.smtp import EmailChannel
from tests.httpfaults import Server, TrickleTCP, elapsed, trickle

FAST = {"retries": 0, "timeout": "1s"}


@pytest.mark.parametrize("kind", ["webhook", "slack", "alertmanager"])
@pytest.mark.parametrize("in_headers", [False, True], ids=["slow-body", "slow-headers"])
def test_an_http_channel_stops_at_its_timeout_whatever_the_server_trickles(
    notification: Notification, tmp_path: Path, kind: str, in_headers: bool
) -> None:
    with Server(trickle(in_headers=in_headers)) as server:
        channel = build_channel("c", {"type": kind, "url": server.url + "/hook", **FAST})
        took, result = elapsed(lambda: deliver(notification, channel, spool_dir=tmp_path))
    assert took < 2.5, f"{kind}: one attempt took {took:.1f}s with timeout: 1s"
    assert not getattr(result, "delivered", True)
    assert "timed out after 1s" in str(getattr(result, "last_error", result))


def test_email_stops_at_its_timeout_when_the_server_trickles(
    notification: Notification,
) -> None:
    with TrickleTCP() as server:
        channel = build_channel(
            "mail",
            {
                "type": "email",
                "host": "127.0.0.1",
                "port": server.port,
                "from": "a@example.com",
                "to": ["b@example.com"],
                "starttls": False,
                **FAST,
            },
        )
        took, result = elapsed(lambda: deliver(notification, channel))
    assert took < 2.5, f"one SMTP attempt took {took:.1f}s with timeout: 1s"
    assert "no complete exchange within 1s" in str(getattr(result, "last_error", result))


def test_an_invalid_smtp_host_is_a_config_error_not_a_unicode_error() -> None:
    # Refused where the Channel is read (a located spec error in a run), not at
    # delivery, and never as IDNA's UnicodeError.
    from pytest_burnin.alerting.config import ChannelSpecError

    with pytest.raises(ChannelSpecError) as caught:
        build_channel(
            "mail",
            {
                "type": "email",
                "host": "mail..example.com",
                "from": "a@example.com",
                "to": ["b@example.com"],
                "username": "u",
                "password": "${SMTP_PW}",
                **FAST,
            },
            env={"SMTP_PW": "canary-pw-0042"},
        )
    assert "'mail..example.com' is not a valid host name" in str(caught.value)
    assert "canary-pw-0042" not in str(caught.value)


def test_an_expanded_secret_has_a_redacted_repr() -> None:
    value = expand("Bearer ${T}", {"T": "canary-0042"})
    assert isinstance(value, Secret) and value == "Bearer canary-0042"
    assert repr(value) == "'***'" and "canary" not in repr({"Authorization": value})
    assert not isinstance(expand("no reference", {}), Secret)


def test_showlocals_never_prints_an_expanded_secret(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        from pytest_burnin.alerting.secrets import Environment, expand

        def test_fails_with_a_secret_in_locals():
            env = Environment()
            password = expand("${PW}", env)
            raise RuntimeError("delivery broke with the password in a local")
        """
    )
    monkeypatch.setenv("PW", "canary-pw-0042")
    r = pytester.runpytest("-l", "--junitxml=out.xml", "-p", "no:randomly")
    r.assert_outcomes(failed=1)
    assert "password   = '***'" in r.stdout.str()
    assert "env        = <environment: " in r.stdout.str()
    assert "canary-pw-0042" not in r.stdout.str()
    assert "canary-pw-0042" not in (pytester.path / "out.xml").read_text()


def _email(ca_file: str, base_dir: Path) -> object:
    spec = {"type": "email", "host": "h", "from": "a@x", "to": ["b@x"], "ca_file": ca_file}
    return build_channel("mail", spec, base_dir=base_dir)


def test_a_relative_ca_file_is_read_from_the_spec_files_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "ca.pem").write_text("x")
    monkeypatch.chdir(tmp_path)  # not where ca.pem is
    channel = _email("ca.pem", tmp_path / "specs")
    assert isinstance(channel, EmailChannel)
    assert channel.ca_file == str(tmp_path / "specs" / "ca.pem")


def test_a_missing_ca_file_is_a_located_spec_error(tmp_path: Path) -> None:
    with pytest.raises(ChannelSpecError) as err:
        _email("certs/ca.pem", tmp_path)
    assert err.value.path == ("ca_file",)
    assert "ca_file: no such file 'certs/ca.pem'" in str(err.value)
    assert "spec file's folder" in str(err.value)


def test_flush_against_a_trickling_receiver_ends_within_the_channel_deadline(
    tmp_path: Path,
) -> None:
    from datetime import timedelta

    from pytest_burnin.alerting import flush

    from .conftest import T0, make_alert

    spec = {"timeout": "1s", "retries": 3, "backoff": 0.05, "deadline": "3s"}
    with Server(trickle()) as server:
        channel = build_channel("c", {"type": "webhook", "url": server.url, **spec})
        for i in range(3):
            n = Notification.of(make_alert(starts_at=T0 + timedelta(minutes=i)))
            deliver(n, channel, spool_dir=tmp_path, sleep=lambda s: None)
        took, results = elapsed(lambda: flush(tmp_path, [channel]))
    # Before: each attempt lasted as long as the server trickled (170 s and more).
    assert took < 6, f"flush took {took:.1f}s for a channel with deadline: 3s"
    assert isinstance(results, list) and not any(r.delivered for r in results)
