"""Subquery steps remembered across a forward simulation's evaluations give exactly the
results of evaluating every window afresh (promql/subquery_memo.py, issue 14: Sloth's
Wi-Fi SLIs, a subquery per window up to 3d, are proved in seconds)."""

from __future__ import annotations

import math
import random
import struct

import pytest

from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.labels import Labels
from pytest_burnin.promql.storage import STALE_NAN, Storage
from pytest_burnin.promql.subquery_memo import SubqueryMemo, volatile_names
from pytest_burnin.promql.values import Matrix, Sample, Scalar, Value, Vector
from pytest_burnin.rules.rulefile import parse_rule_file

STEP = 60_000

REMEMBERED = [
    "sum_over_time((count(g < 0.75))[1h:])",
    "sum_over_time((count(g < 0.75))[1h:]) / sum_over_time((count(g))[1h:])",
    "sum_over_time((count(g < 0.75))[3h:]) or on() vector(0)",
    "sum_over_time((sum(g))[30m:5m])",  # fractional values: Kahan over the window
    "avg_over_time((rate(c[5m]))[1h:])",
    "max_over_time((g)[20m:])",
    "count_over_time((g > 0.5)[10m:])",
    "quantile_over_time(0.9, (sum by (job) (g))[15m:2m])",
    "max_over_time((sum_over_time((count(g))[5m:]))[30m:])",
    "sum_over_time((count(g))[10m:] offset 5m)",
    "sum_over_time((big)[30m:])",  # integers beyond 2^53 in sum: no prefix sums
    "sum_over_time((odd)[30m:])",  # NaN and Inf among the values
    "last_over_time((sum by (job) (g))[7m:3m])",
]
# Inner queries never remembered: they read past their time, at a fixed time, or
# by a name without an equality matcher.
NEVER = [
    "sum_over_time((count(g offset -5m))[30m:])",
    "sum_over_time((count(g @ 600))[30m:])",
    'sum_over_time((count({__name__=~"g"}))[30m:])',
]
# A subquery whose own reference time is fixed or ahead: remembered only once that
# time has passed (the samples up to it are in).
AHEAD = [
    "max_over_time((g)[20m:] @ 1200)",
    "max_over_time((g)[20m:] offset -10m)",
]


def _series() -> dict[Labels, list[float | None]]:
    rnd = random.Random(7)
    out: dict[Labels, list[float | None]] = {}
    for i in range(6):
        job = f"j{i % 2}"
        lab: Labels = (("__name__", "g"), ("instance", f"i{i}"), ("job", job))
        vals: list[float | None] = []
        for n in range(300):
            if i == 5 and 100 <= n < 160:  # a gap, then a staleness marker
                vals.append(STALE_NAN if n == 100 else None)
                continue
            if i == 4 and n < 50:  # appears late
                vals.append(None)
                continue
            vals.append(round(rnd.random(), 3))
        out[lab] = vals
    out[(("__name__", "c"), ("job", "j0"))] = [float(n * rnd.randint(1, 9)) for n in range(300)]
    out[(("__name__", "big"),)] = [2.0**52 + 2.0 * n for n in range(300)]
    odd = [1.0] * 300
    odd[40], odd[90] = math.nan, math.inf
    out[(("__name__", "odd"),)] = odd
    return out


def _same(a: Value, b: Value) -> bool:
    """Bit for bit: values (NaN payloads aside), labels, order."""

    def bits(v: float) -> bytes:
        return b"nan" if v != v else struct.pack(">d", v)

    if type(a) is not type(b):
        return False
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        return bits(a.v) == bits(b.v)
    if isinstance(a, Vector) and isinstance(b, Vector):
        return [(s.labels, bits(s.v)) for s in a] == [(s.labels, bits(s.v)) for s in b]
    if isinstance(a, Matrix) and isinstance(b, Matrix):
        return [(s.labels, [(t, bits(v)) for t, v in s.points]) for s in a] == [
            (s.labels, [(t, bits(v)) for t, v in s.points]) for s in b
        ]
    return a == b


def _run(
    queries: list[str], compat: int
) -> tuple[SubqueryMemo, list[list[Value]], list[list[Value]]]:
    data = _series()
    fresh, kept = Storage(), Storage()
    plain = Engine(fresh, compat=compat, default_subquery_step_ms=STEP)
    remembering = Engine(kept, compat=compat, default_subquery_step_ms=STEP)
    memo = remembering.subquery_memo = SubqueryMemo()
    got_plain: list[list[Value]] = []
    got_memo: list[list[Value]] = []
    for n in range(300):
        t = n * STEP
        for lab, vals in data.items():
            v = vals[n]
            if v is not None:
                fresh.append(lab, t, v)
                kept.append(lab, t, v)
        if n % 3:  # not every step: windows move by more than one step, too
            continue
        got_plain.append([plain.instant(q, t) for q in queries])
        got_memo.append([remembering.instant(q, t) for q in queries])
    return memo, got_plain, got_memo


@pytest.mark.parametrize("compat", [3, 2])
def test_remembered_steps_give_the_fresh_results_bit_for_bit(compat: int) -> None:
    memo, plain, remembered = _run(REMEMBERED, compat)
    for step, (a_row, b_row) in enumerate(zip(plain, remembered, strict=True)):
        for query, a, b in zip(REMEMBERED, a_row, b_row, strict=True):
            assert _same(a, b), f"{query} at step {step * 3}: {a} != {b}"
    # The memo served most steps: each inner step evaluated about once per window size.
    assert memo.hits > 10 * memo.evaluated


def test_queries_that_read_past_their_time_or_fixed_times_are_not_remembered() -> None:
    memo, plain, remembered = _run(NEVER, 3)
    assert memo.hits == 0 and memo.evaluated == 0
    for a_row, b_row in zip(plain, remembered, strict=True):
        assert all(_same(a, b) for a, b in zip(a_row, b_row, strict=True))


@pytest.mark.parametrize("query", AHEAD)
def test_a_window_ahead_of_its_evaluation_time_is_evaluated_afresh(query: str) -> None:
    _, plain, remembered = _run([query], 3)
    for step, (a_row, b_row) in enumerate(zip(plain, remembered, strict=True)):
        assert _same(a_row[0], b_row[0]), f"{query} at step {step * 3}"


def test_series_the_rules_write_are_not_remembered() -> None:
    groups = parse_rule_file(
        """\
groups:
  - name: g
    rules:
      - record: job:g:count
        expr: count by (job) (g)
      - alert: A
        expr: sum_over_time((job:g:count)[10m:]) > 3
""",
        "<test>",
    ).groups
    memo = SubqueryMemo(volatile_names(groups))
    assert volatile_names(groups) >= {"job:g:count", "ALERTS", "ALERTS_FOR_STATE"}
    parsed = Engine(Storage()).parse("sum_over_time((job:g:count)[10m:])")
    assert not memo.eligible(parsed.args[0].expr)  # type: ignore[attr-defined]
    assert memo.eligible(Engine(Storage()).parse("count(g)"))


def test_the_prefix_sum_is_only_used_where_it_is_exact() -> None:
    """Counts are summed by subtraction; big values and NaN/Inf take Prometheus' Kahan sum."""
    _, plain, remembered = _run(["sum_over_time((big)[30m:])", "sum_over_time((odd)[30m:])"], 3)
    last_plain, last_memo = plain[-1], remembered[-1]
    assert all(_same(a, b) for a, b in zip(last_plain, last_memo, strict=True))
    big = last_memo[0]
    assert isinstance(big, Vector) and isinstance(big[0], Sample)
    assert big[0].v != float(sum(int(2.0**52 + 2.0 * n) for n in range(270, 300)))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_expressions_under_subqueries_agree_step_by_step(seed: int) -> None:
    """The fuzzer's well-typed expressions (offsets, ``@``, nested subqueries, NaN, Inf,
    staleness, histogram-free data) under a subquery, evaluated forward as a simulation
    does, with and without remembered steps."""
    from pytest_burnin.promql.typecheck import FUNCTIONS
    from tests.fuzz.data import STALE, DataGenerator
    from tests.fuzz.gen import AGGREGATIONS, SKIPPED_FUNCTIONS, ExprGenerator

    rnd = random.Random(seed)
    data_gen = DataGenerator(rnd)
    functions = frozenset(FUNCTIONS) - SKIPPED_FUNCTIONS - {"holt_winters"}
    gen = ExprGenerator(rnd, functions, frozenset(AGGREGATIONS))
    compared = remembered_steps = 0
    for _ in range(20):
        data = data_gen.dataset()
        data.series = [s for s in data.series if s.labels["__name__"] != "h_bucket"]
        queries = [
            f"{fn}(({gen.gen('vector', 0).text('')})[{rng}:{step}])"
            for fn, rng, step in (
                ("sum_over_time", "5m", "1m"),
                ("max_over_time", "7m", "2m"),
                ("count_over_time", "3m", "30s"),
            )
        ]
        fresh, kept = Storage(), Storage()
        plain, remembering = Engine(fresh), Engine(kept)
        memo = remembering.subquery_memo = SubqueryMemo()
        samples = sorted((t, labels, v) for labels, points in data.samples("") for t, v in points)
        done = 0
        for i in range(data.length):
            t = i * data.step_ms
            while done < len(samples) and samples[done][0] <= t:
                _, labels, v = samples[done]
                value = STALE_NAN if v == STALE else float(v)
                fresh.append(labels, samples[done][0], value)
                kept.append(labels, samples[done][0], value)
                done += 1
            for q in queries:
                try:
                    a = plain.instant(q, t)
                except Exception as exc:  # an error must be the same error
                    with pytest.raises(type(exc)):
                        remembering.instant(q, t)
                    continue
                b = remembering.instant(q, t)
                assert _same(a, b), f"{q} at {t} ms: {a} != {b}"
                compared += 1
        remembered_steps += memo.hits
    assert compared > 300 and remembered_steps > 500
