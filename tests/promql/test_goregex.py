"""goregex: Go's regexp syntax and errors, with RE2 and with the checked ``re`` fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_burnin.promql import goregex, lint
from pytest_burnin.promql.lexer import ParseError
from pytest_burnin.promql.parser import parse


def _clear() -> None:
    goregex._compile.cache_clear()
    goregex._tester.cache_clear()
    goregex.full_match.cache_clear()


@pytest.fixture(params=["re2", "fallback"])
def engine_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "re2" and not goregex.RE2_AVAILABLE:
        pytest.skip("google-re2 is not installed")
    if request.param == "fallback":
        monkeypatch.setattr(goregex, "_re2", None)
    _clear()
    yield request.param
    _clear()


@pytest.mark.parametrize(
    "pattern", ["(?!test).*", "(?=x)", "(?>x)", "(?P=n)", "(x)\\1", "a++", "a*+", "(?#c)x", "x\\Z"]
)
def test_perl_only_syntax_is_refused(engine_kind: str, pattern: str) -> None:
    with pytest.raises(goregex.RegexError, match=r"^error parsing regexp: "):
        goregex.check(pattern)


@pytest.mark.parametrize(
    ("pattern", "value", "dotall", "hit"),
    [
        ("(?i)prod.*", "PROD-1", True, True),
        (".*((?i)EU)", "west-eu", True, True),
        ("[[:digit:]]+", "123", True, True),
        ("x.*", "x\ny", True, True),
        ("x.*", "x\ny", False, False),
        ("a|b", "ab", True, False),  # fully anchored
        ("foo\\z", "foo", True, True),
        ("foo", "foo\n", True, False),  # "$" is end of text, not before a final newline
    ],
)
def test_matching(engine_kind: str, pattern: str, value: str, dotall: bool, hit: bool) -> None:
    assert goregex.full_match(pattern, value, dotall) is hit


def test_lone_surrogates_in_values_do_not_crash() -> None:
    assert goregex.full_match(".*", "a\udc80b") is True


def test_wording_follows_the_prometheus_line() -> None:
    with pytest.raises(goregex.RegexError, match="missing closing \\]: `\\[\\)\\$`"):
        goregex.check("([", compat=2)
    with pytest.raises(goregex.RegexError, match="missing closing \\]: `\\[`"):
        goregex.check("([", compat=3)
    goregex.check("(?<name>x)", compat=3)  # Go 1.22+
    with pytest.raises(goregex.RegexError, match="`\\(\\?<`"):
        goregex.check("(?<name>x)", compat=2)


def test_label_replace_regex_is_found_by_lint_not_by_the_parser() -> None:
    """Prometheus parses it and fails each evaluation; lint reports it up front."""
    text = 'sum(label_replace(up, "a", "$1", "b", "(.*"))'
    expr = parse(text)
    errors = lint.regex_errors(expr, text)
    assert [str(e) for e in errors] == [
        "1:39: parse error: invalid regular expression in label_replace(): (.* "
        "(error parsing regexp: missing closing ): `(.*`)"
    ]
    with pytest.raises(ParseError):
        lint.check(text)
    lint.check('label_replace(up, "a", "$1", "b", "(.*)")')
