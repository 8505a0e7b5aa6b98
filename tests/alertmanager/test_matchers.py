"""Matchers: the classic syntax as 0.25 reads it, the UTF-8 syntax of 0.27+, RE2 anchoring."""

from __future__ import annotations

import pytest

from pytest_burnin.alertmanager.matchers import MatcherError, parse_matcher, parse_matchers


@pytest.mark.parametrize(
    ("text", "op", "name", "value"),
    [
        ('foo="bar"', "=", "foo", "bar"),
        ("foo=bar", "=", "foo", "bar"),
        ("  foo != bar  ", "!=", "foo", "bar"),
        ('foo=~"a|b"', "=~", "foo", "a|b"),
        (r'foo="a\"b"', "=", "foo", 'a"b'),
        (r'foo="a\nb"', "=", "foo", "a\nb"),
        (r'foo="a\qb"', "=", "foo", r"a\qb"),  # unknown escapes are kept, as 0.25 keeps them
        ("foo=", "=", "foo", ""),
        ('"service.name"="api"', "=", "service.name", "api"),  # UTF-8 syntax (0.27+)
    ],
)
def test_parse(text: str, op: str, name: str, value: str) -> None:
    m = parse_matcher(text)
    assert (m.op, m.name, m.value) == (op, name, value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('foo="bar', 'matcher value contains unescaped double quote: "bar'),
        ("=bar", "bad matcher format: =bar"),
        ('foo=~"("', "error parsing regexp"),
    ],
)
def test_errors_use_alertmanagers_words(text: str, message: str) -> None:
    with pytest.raises(MatcherError, match=message.replace("(", r"\(")):
        parse_matcher(text)


def test_regex_is_anchored_and_dot_does_not_match_newline() -> None:
    m = parse_matcher('x=~"prod"')
    assert m.matches("prod") and not m.matches("production") and not m.matches("preprod")
    assert not parse_matcher('x=~"a.b"').matches("a\nb")
    assert parse_matcher('x!~"dev|test"').matches("prod")
    assert parse_matcher('x=~"(?i)PROD"').matches("prod")


def test_comma_list_and_string_forms() -> None:
    ms = parse_matchers('{a="1,2", b!~"x|y"}')
    assert [str(m) for m in ms] == ['a="1,2"', 'b!~"x|y"']
    assert str(parse_matcher('"service.name"="a\\"b"')) == '"service.name"="a\\"b"'
