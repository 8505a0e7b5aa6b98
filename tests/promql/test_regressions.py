"""Regression cases for every engine cause found by fuzzing against Prometheus.

The cases are ``.test`` scripts (``testdata/``), the format of Prometheus'
own PromQL tests, run by ``scripttest``; this module adds what a script
cannot say: time bounds, and that no Python exception escapes the engine.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from pytest_burnin.promql import goregex
from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.labels import labels_from
from pytest_burnin.promql.lexer import ParseError
from pytest_burnin.promql.storage import Storage
from pytest_burnin.promql.values import QueryError, Vector
from tests.promql.scripttest import run_file

DATA = Path(__file__).parent / "testdata"


@pytest.mark.parametrize(
    ("script", "compat"), [("engine_fixes_compat2.test", 2), ("engine_fixes.test", 3)]
)
def test_regression_script_passes(script: str, compat: int) -> None:
    results = run_file(DATA / script, compat=compat)
    assert len(results) > 15
    bad = [
        f"line {r.line}: {r.expr}: {r.status} {r.reason}" for r in results if r.status != "passed"
    ]
    assert bad == []


def test_nested_quantifier_regex_is_linear_time() -> None:
    """`(a+)+b` on 34 a's backtracks for minutes in Python's re; RE2 is linear."""
    if not goregex.RE2_AVAILABLE:
        pytest.skip("google-re2 is not installed: the re fallback is not linear-time")
    storage = Storage()
    storage.append(labels_from({"__name__": "x", "a": "a" * 34}), 0, 1.0)
    engine = Engine(storage)
    started = time.perf_counter()
    got = engine.instant('x{a=~"(a+)+b"}', 0)
    assert time.perf_counter() - started < 1.0
    assert got == Vector()
    miss = engine.instant('x{a!~"(a+)+b"}', 0)
    assert isinstance(miss, Vector) and len(miss) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('m{le=~"+Inf"}', "missing argument to repetition operator: `+`"),
        ('up{job=~"(?!test).*"} == 0', "invalid or unsupported Perl syntax: `(?!`"),
        ('m{a=~"(?=x)"}', "invalid or unsupported Perl syntax: `(?=`"),
        ('m{a=~"(?<=x)y"}', "invalid named capture: `(?<=x)y`"),
        ('m{a=~"(?<!x)>y"}', "invalid named capture: `(?<!x)>`"),
        ('m{a=~"(?>x)"}', "invalid or unsupported Perl syntax: `(?>`"),
        ('m{a=~"(x)\\\\1"}', "invalid escape sequence: `\\1`"),
        ('m{a=~"x*+"}', "invalid nested repetition operator: `*+`"),
        ('m{a!~"x{1001}"}', "invalid repeat count: `{1001}`"),
    ],
)
def test_regexes_prometheus_refuses_are_parse_errors(query: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        Engine(Storage()).instant(query, 0)
    assert f"error parsing regexp: {message}" in str(info.value)


def test_go_syntax_python_lacks_still_matches() -> None:
    storage = Storage()
    storage.append(labels_from({"__name__": "x", "a": "Prod-eu"}), 0, 1.0)
    engine = Engine(storage)
    for regex in ("(?i)prod.*", ".*((?i)EU)", "[[:alpha:]]+-eu", r"\\QProd-\\E.*", r"Prod-eu\\z"):
        got = engine.instant(f'x{{a=~"{regex}"}}', 0)
        assert isinstance(got, Vector) and len(got) == 1, regex


def test_unexpected_python_error_becomes_a_query_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backstop: an unknown cause is reported with the query, never as a traceback."""
    from pytest_burnin.promql import functions

    def broken(name: str, x: float) -> float:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(functions, "date_part", broken)
    with pytest.raises(QueryError, match=r"internal error evaluating 'minute\(vector\(1\)\)'"):
        Engine(Storage()).instant("minute(vector(1))", 0)


def test_lookbehind_in_compat_2_is_worded_as_2_42() -> None:
    with pytest.raises(ParseError, match="unsupported Perl syntax: `\\(\\?<`"):
        Engine(Storage(), compat=2).instant('m{a=~"(?<=x)y"}', 0)


def test_date_functions_answer_every_float() -> None:
    engine = Engine(Storage())
    for x in ("NaN", "Inf", "-Inf", "1e15", "-1e15", "1e300", "-62135596801"):
        for fn in ("year", "month", "day_of_month", "day_of_week", "day_of_year", "hour"):
            got = engine.instant(f"{fn}(vector({x}))", 0)
            assert isinstance(got, Vector) and math.isfinite(got[0].v), (fn, x)


@pytest.mark.parametrize(
    "query",
    ["sum_over_time(m[1y:1ms])", "max_over_time(sum_over_time(m[1w:10s])[1w:10s])"],
)
def test_subquery_work_is_bounded(query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_burnin.promql import evaluator

    # The per-query bound at a hundredth of its size, to keep the test quick.
    monkeypatch.setattr(evaluator, "MAX_QUERY_SUBQUERY_STEPS", 100_000)
    storage = Storage()
    storage.append(labels_from({"__name__": "m"}), 0, 1.0)
    started = time.perf_counter()
    with pytest.raises(QueryError, match="use a larger subquery step or a shorter range"):
        Engine(storage).instant(query, 0)
    assert time.perf_counter() - started < 60
