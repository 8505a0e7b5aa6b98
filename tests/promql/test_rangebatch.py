"""Range queries batched over all steps (promql/rangebatch.py) give the step-by-step answers, bit for bit.

The step-by-step path is the one the conformance suites prove against
Prometheus; here both run over awkward data (NaN, +-Inf, -0, staleness
markers, counter resets, irregular scrapes, gaps, windows past the
prefix-sum threshold) and every value must have the same bits.
"""

from __future__ import annotations

import math
import random
import struct

import pytest

from pytest_burnin.promql import rangebatch
from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.evaluator import Evaluator
from pytest_burnin.promql.storage import STALE_NAN, Storage
from pytest_burnin.promql.values import Matrix

FUNCS = sorted(rangebatch.BATCHED - {"predict_linear"})
MIN = 60_000


def _awkward_storage(seed: int) -> Storage:
    rnd = random.Random(seed)
    storage = Storage()
    specials = [math.nan, math.inf, -math.inf, -0.0, 0.0, STALE_NAN, 1e308, -1e308]
    for i in range(12):
        labels = (("__name__", "m_total" if i % 2 else "g"), ("i", str(i)), ("job", f"j{i % 3}"))
        t = rnd.randint(0, 30_000)
        v = rnd.uniform(-5, 5)
        for _ in range(700):
            t += rnd.choice((1_000, 15_000, 15_000, 15_000, 29_999, 61_000, 600_000))
            r = rnd.random()
            if r < 0.03:
                v = rnd.choice(specials)
            elif r < 0.06:
                v = rnd.uniform(0, 3)  # a counter reset for the counters
            elif i in (4, 5):
                v = 7.25  # constant series: regression's special case
            else:
                v = (v if math.isfinite(v) else 0.0) + rnd.uniform(0, 10) * rnd.choice(
                    (1, 1e-9, 1e9)
                )
            storage.append(labels, t, v)
    return storage


def _bits(v: float) -> object:
    return "NaN" if v != v else struct.pack(">d", v)


def _flatten(m: Matrix) -> list[tuple[object, ...]]:
    return [(sp.labels, t, _bits(v)) for sp in m for t, v in sp.points]


def _both(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, q: str, start: int, end: int, step: int
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    batched = _flatten(engine.range(q, start, end, step))
    monkeypatch.setattr(rangebatch, "ENABLED", False)
    plain = _flatten(engine.range(q, start, end, step))
    monkeypatch.setattr(rangebatch, "ENABLED", True)
    return batched, plain


@pytest.mark.parametrize("compat", [2, 3])
@pytest.mark.parametrize("func", FUNCS)
def test_every_batched_function_matches_the_step_by_step_path(
    monkeypatch: pytest.MonkeyPatch, func: str, compat: int
) -> None:
    engine = Engine(_awkward_storage(compat), compat=compat)
    end = 700 * 15_000
    for sel in ("m_total[5m]", "g[1h]", "{job=~'j.'}[3h] offset 7m", "m_total[7m]"):
        batched, plain = _both(monkeypatch, engine, f"{func}({sel})", 0, end, 97_000)
        assert batched, f"{func}({sel}) gave no points: the comparison would prove nothing"
        assert batched == plain, f"{func}({sel}) compat={compat}"


@pytest.mark.parametrize("compat", [2, 3])
def test_predict_linear_and_aggregations_over_batched_calls(
    monkeypatch: pytest.MonkeyPatch, compat: int
) -> None:
    engine = Engine(_awkward_storage(10 + compat), compat=compat)
    for q in (
        "predict_linear(g[1h], 600)",
        "predict_linear(m_total[30m], -(3600))",
        "sum by (job) (rate(m_total[5m]))",
        "topk(2, increase(m_total[1h]))",
        "avg without (i) (deriv(g[30m]))",
        "max_over_time(rate(m_total[5m])[10m:1m])",  # inner steps on and off the grid
    ):
        batched, plain = _both(monkeypatch, engine, q, 0, 700 * 15_000, MIN)
        assert batched, q
        assert batched == plain, f"{q} compat={compat}"


@pytest.mark.parametrize("delayed", [False, True])
@pytest.mark.parametrize("compat", [2, 3])
@pytest.mark.parametrize("op", ["sum", "count", "min", "max", "group"])
def test_fused_aggregations_match_the_step_by_step_path(
    monkeypatch: pytest.MonkeyPatch, op: str, compat: int, delayed: bool
) -> None:
    engine = Engine(_awkward_storage(20 + compat), compat=compat, delayed_name_removal=delayed)
    for q in (
        f"{op} by (job) (rate(m_total[5m]))",
        f"{op} without (i) (sum_over_time({{job=~'j.'}}[10m]))",
        f"{op} by (__name__) (last_over_time({{job=~'j[01]'}}[2m]))",
        f"{op}((max_over_time(g[3m])))",
        # limitk keeps the first groups in the order the aggregation gives them.
        *([f"limitk(1, {op} by (job) (rate(m_total[5m])))"] if compat >= 3 else []),
    ):
        batched, plain = _both(monkeypatch, engine, q, 0, 700 * 15_000, MIN)
        assert batched, q
        assert batched == plain, f"{q} compat={compat} delayed={delayed}"


def test_an_aggregation_over_a_batched_call_is_fused() -> None:
    from pytest_burnin.promql import ast
    from pytest_burnin.promql.aggregations import eval_aggregate

    engine = Engine(_awkward_storage(2), compat=3)
    ev = Evaluator(engine, 0, 10 * MIN, MIN)
    node = engine.parse("sum by (job) (rate(m_total[5m]))")
    assert isinstance(node, ast.AggregateExpr)
    eval_aggregate(ev, node, 0)
    assert ev.agg_memo[id(node)] is not None


@pytest.mark.parametrize("max_windows", [1, 25, 100])
def test_steps_computed_in_chunks_give_the_same_answers(
    monkeypatch: pytest.MonkeyPatch, max_windows: int
) -> None:
    """A long query over many series is batched a chunk of steps at a time (bounded memory)."""
    monkeypatch.setattr(rangebatch, "MAX_WINDOWS", max_windows)
    engine = Engine(_awkward_storage(5), compat=3)
    for q in (
        "deriv(g[30m])",
        "sum by (job) (increase(m_total[1h]))",
        "max_over_time(rate(m_total[5m])[10m:1m])",
    ):
        batched, plain = _both(monkeypatch, engine, q, 0, 700 * 15_000, 7 * MIN)
        assert batched, q
        assert batched == plain, f"{q} max_windows={max_windows}"


def test_a_long_window_uses_the_prefix_corrections_as_the_plain_path_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine(_awkward_storage(7), compat=3)
    batched, plain = _both(monkeypatch, engine, "increase(m_total[2d])", 0, 700 * 15_000, 600_000)
    assert batched and batched == plain


def test_a_range_query_takes_the_batched_path() -> None:
    engine = Engine(_awkward_storage(1), compat=3)
    ev = Evaluator(engine, 0, 10 * MIN, MIN)
    node = engine.parse("rate(m_total[5m])")
    from pytest_burnin.promql import ast

    assert isinstance(node, ast.Call)
    first = rangebatch.batched_call(ev, node, 0)
    assert first is not None and ev.batch_memo[id(node)][2] is not None
    # Between two steps (a subquery's time), and in an instant query: the ordinary path.
    assert rangebatch.batched_call(ev, node, MIN // 2) is None
    instant = Evaluator(engine, 5 * MIN, 5 * MIN, 0)
    assert rangebatch.batched_call(instant, node, 5 * MIN) is None


def test_duplicate_series_after_dropping_the_name_still_raise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage = Storage()
    for name in ("a", "b"):
        for k in range(20):
            storage.append((("__name__", name), ("job", "x")), k * 15_000, float(k))
    engine = Engine(storage)
    from pytest_burnin.promql.values import QueryError

    with pytest.raises(QueryError, match="same labelset"):
        engine.range("rate({job='x'}[1m])", 60_000, 240_000, 15_000)


def test_a_rewritten_last_sample_is_seen_by_the_reset_counts() -> None:
    """increase() skips windows without resets by cached counts; a rewrite must refresh them."""
    storage = Storage()
    labels = (("__name__", "c_total"),)
    for k in range(20):
        storage.append(labels, k * 15_000, float(k))
    engine = Engine(storage)
    q = "increase(c_total[5m])"
    before = engine.instant(q, 19 * 15_000)
    storage.append(labels, 19 * 15_000, 5.0)  # the same timestamp: now a counter reset
    after = engine.instant(q, 19 * 15_000)
    plain_storage = Storage()
    for k in range(19):
        plain_storage.append(labels, k * 15_000, float(k))
    plain_storage.append(labels, 19 * 15_000, 5.0)
    expected = Engine(plain_storage).instant(q, 19 * 15_000)
    assert before != after
    assert after == expected


def test_a_range_query_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    engine = Engine(_awkward_storage(3))
    assert gc.isenabled()
    engine.range("rate(m_total[5m])", 0, 10 * MIN, MIN)
    assert gc.isenabled()
    from pytest_burnin.promql.values import QueryError

    with pytest.raises(QueryError):
        engine.range("rate(m_total[5m]) + on() group_left rate(m_total[5m])", 0, 10 * MIN, MIN)
    assert gc.isenabled()
    gc.disable()
    try:
        engine.range("rate(m_total[5m])", 0, 10 * MIN, MIN)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_queries_leave_no_reference_cycles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Engine queries pause the cyclic collector: their objects must be freed without it."""
    import gc
    import weakref

    from pytest_burnin.promql import evaluator

    made: list[weakref.ref[Evaluator]] = []
    original = evaluator.Evaluator.__init__

    def tracking_init(self: Evaluator, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(weakref.ref(self))

    monkeypatch.setattr(evaluator.Evaluator, "__init__", tracking_init)
    engine = Engine(_awkward_storage(4))
    gc.disable()
    try:
        engine.instant("sum by (job) (rate(m_total[5m])) + on(job) group_left max(g)", 3_600_000)
        engine.range(
            "max_over_time(deriv(g[10m])[5m:1m]) / sum(rate(m_total[5m]))", 0, 20 * MIN, MIN
        )
        assert len(made) == 2
        assert all(ref() is None for ref in made)
    finally:
        gc.enable()


def test_instant_queries_do_not_load_numpy() -> None:
    """Rule tests and proofs run instant queries only: they need not pay numpy's import."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pytest_burnin.promql.engine import Engine\n"
        "from pytest_burnin.promql.storage import Storage\n"
        "s = Storage()\n"
        "s.append((('__name__', 'x'),), 0, 1.0)\n"
        "Engine(s).instant('sum by (a) (rate(x[5m])) + max_over_time(x[1m])', 60_000)\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_series_of_non_float_samples_takes_the_ordinary_path() -> None:
    """Samples numpy cannot hold as floats (as native histograms would be) are not batched
    (where a window reads them: only the span a chunk of steps reaches is converted)."""
    engine = Engine(_awkward_storage(6))
    series = engine.storage.select([])[0]
    series.vs[0] = "not a float"  # type: ignore[call-overload]  # read by the first hour
    node = engine.parse("count_over_time({i=~'.+'}[5m])")
    from pytest_burnin.promql import ast

    assert isinstance(node, ast.Call)
    ev = Evaluator(engine, 0, 60 * MIN, MIN)
    assert rangebatch.batched_call(ev, node, 0) is None
