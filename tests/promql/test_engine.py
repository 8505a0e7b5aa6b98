"""Unit tests for the PromQL engine's core behaviours (selectors, windows, rate, matching)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import pytest

from pytest_burnin.promql import ast
from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.labels import Labels, labels_from
from pytest_burnin.promql.storage import STALE_NAN, Storage
from pytest_burnin.promql.values import Matrix, QueryError, Scalar, String, Vector

M = 60_000  # one minute in ms


def lab(name: str, **labels: str) -> Labels:
    return labels_from({"__name__": name, **labels})


def store(*series: tuple[Labels, Sequence[float | None]], step: int = M) -> Storage:
    s = Storage()
    for labels, values in series:
        for i, v in enumerate(values):
            if v is not None:
                s.append(labels, i * step, v)
    return s


def values(result: object) -> dict[Labels, float]:
    assert isinstance(result, Vector)
    return {s.labels: s.v for s in result}


# -- selectors, lookback and staleness ------------------------------------


def test_instant_selector_uses_latest_sample_within_lookback() -> None:
    e = Engine(store((lab("up", job="a"), [1, 2, 3])))
    assert values(e.instant("up", 2 * M + 30_000)) == {lab("up", job="a"): 3}
    assert values(e.instant("up", 7 * M - 1)) == {lab("up", job="a"): 3}  # within 5m
    assert values(e.instant("up", 7 * M)) == {}  # lookback ran out


@pytest.mark.parametrize(("compat", "visible"), [(3, False), (2, True)])
def test_lookback_boundary_is_left_open_in_prometheus_3(compat: int, visible: bool) -> None:
    e = Engine(store((lab("up"), [1])), compat=compat)
    got = values(e.instant("up", 5 * M))
    assert (got == {lab("up"): 1}) is visible


def test_staleness_marker_ends_the_series_for_instant_lookups() -> None:
    e = Engine(store((lab("up"), [1, STALE_NAN, None, 4])))
    assert values(e.instant("up", 0)) == {lab("up"): 1}
    assert values(e.instant("up", M)) == {}
    assert values(e.instant("up", 2 * M)) == {}
    assert values(e.instant("up", 3 * M)) == {lab("up"): 4}
    # ... and never shows up inside a range window.
    assert values(e.instant("count_over_time(up[10m])", 3 * M)) == {(): 2}


@pytest.mark.parametrize(("compat", "count"), [(3, 2), (2, 3)])
def test_range_window_is_left_open_in_prometheus_3(compat: int, count: int) -> None:
    e = Engine(store((lab("x"), [0, 1, 2])), compat=compat)
    assert values(e.instant("count_over_time(x[2m])", 2 * M)) == {(): count}


def test_offset_negative_offset_and_at_modifier() -> None:
    e = Engine(store((lab("x"), [0, 10, 20, 30])))
    assert values(e.instant("x offset 2m", 3 * M)) == {lab("x"): 10}
    assert values(e.instant("x offset -1m", M)) == {lab("x"): 20}
    assert values(e.instant("x @ 60", 3 * M)) == {lab("x"): 10}
    assert values(e.instant("timestamp(x @ 60)", 3 * M)) == {(): 60.0}


def test_at_start_and_end_resolve_against_the_range_query() -> None:
    e = Engine(store((lab("x"), [0, 10, 20, 30])))
    mat = e.range("x @ start()", M, 3 * M, M)
    assert mat[0].points == [(M, 10), (2 * M, 10), (3 * M, 10)]
    mat = e.range("x @ end()", M, 3 * M, M)
    assert [v for _, v in mat[0].points] == [30, 30, 30]


def test_instant_query_of_a_range_selector_returns_the_raw_points() -> None:
    e = Engine(store((lab("x"), [0, 10, 20])))
    got = e.instant("x[2m]", 2 * M)
    assert isinstance(got, Matrix)
    assert got[0].points == [(M, 10), (2 * M, 20)]


def test_subquery_steps_are_aligned_to_absolute_multiples_of_the_step() -> None:
    e = Engine(store((lab("x"), list(range(10)))))
    got = e.instant("x[5m:2m]", 9 * M + 30_000)
    assert isinstance(got, Matrix)
    assert [t for t, _ in got[0].points] == [6 * M, 8 * M]


# -- rate and friends ------------------------------------------------------


def test_rate_extrapolates_to_the_window_boundaries() -> None:
    # 0, 10, ..., 100 every minute: exactly 10/min wherever the window sits.
    e = Engine(store((lab("c_total"), [10.0 * i for i in range(11)])))
    assert values(e.instant("rate(c_total[5m])", 10 * M)) == pytest.approx({(): 10 / 60})
    assert values(e.instant("increase(c_total[5m])", 10 * M)) == pytest.approx({(): 50})


def test_increase_handles_counter_resets_and_stops_at_the_zero_point() -> None:
    e = Engine(store((lab("c_total"), [5, 10, 2, 4])))
    # Samples 10 -> 2 is a reset: the raw increase is 10 - 5 + 4 = 9 over 3 minutes;
    # extrapolation to the window start is capped where the counter would hit 0.
    got = values(e.instant("increase(c_total[4m])", 3 * M))[()]
    assert got == pytest.approx(9 * (3 + min(1, 3 * 5 / 9) + 0) / 3)


def test_rate_needs_two_samples() -> None:
    e = Engine(store((lab("c_total"), [1])))
    assert values(e.instant("rate(c_total[5m])", 0)) == {}


def test_long_increase_uses_prefix_corrections_and_matches_a_scan() -> None:
    vals = [float(i % 700) for i in range(3000)]  # resets every 700 samples
    e = Engine(store((lab("c_total"), list(vals))))
    t = 2999 * M
    got = values(e.instant("increase(c_total[1000m])", t))[()]
    window = vals[2000:3000]
    raw = window[-1] - window[0] + sum(a for a, b in itertools.pairwise(window) if b < a)
    assert got == pytest.approx(raw * 1000 / 999)


def test_deriv_and_predict_linear() -> None:
    e = Engine(store((lab("g"), [0, 60, 120, 180])))
    assert values(e.instant("deriv(g[5m])", 3 * M)) == pytest.approx({(): 1.0})
    assert values(e.instant("predict_linear(g[5m], 60)", 3 * M)) == pytest.approx({(): 240})


# -- binary operators --------------------------------------------------------


def test_duplicate_match_on_the_one_side_is_prometheus_error() -> None:
    e = Engine(
        store(
            (lab("a", x="1"), [1]),
            (lab("b", x="1", y="1"), [1]),
            (lab("b", x="1", y="2"), [1]),
        )
    )
    with pytest.raises(QueryError) as info:
        e.instant("a + on(x) b", 0)
    assert str(info.value) == (
        'found duplicate series for the match group {x="1"} on the right hand-side of the '
        'operation: [{__name__="b", x="1", y="1"}, {__name__="b", x="1", y="2"}];'
        "many-to-many matching not allowed: matching labels must be unique on one side"
    )
    assert values(e.instant("b * on(x) group_left a", 0)) == {
        labels_from({"x": "1", "y": "1"}): 1,
        labels_from({"x": "1", "y": "2"}): 1,
    }


def test_same_labelset_after_dropping_the_name_is_an_error() -> None:
    e = Engine(store((lab("a", x="1"), [1]), (lab("b", x="1"), [2])))
    with pytest.raises(QueryError, match="vector cannot contain metrics with the same labelset"):
        e.instant('abs({x="1"})', 0)


def test_comparison_filters_and_bool_returns_zero_or_one() -> None:
    e = Engine(store((lab("a", i="1"), [1]), (lab("a", i="2"), [5])))
    assert values(e.instant("a > 2", 0)) == {lab("a", i="2"): 5}
    assert values(e.instant("2 < a", 0)) == {lab("a", i="2"): 5}  # vector's value kept
    assert values(e.instant("a > bool 2", 0)) == {
        labels_from({"i": "1"}): 0,
        labels_from({"i": "2"}): 1,
    }


def test_set_operators() -> None:
    e = Engine(store((lab("a", i="1"), [1]), (lab("a", i="2"), [2]), (lab("b", i="2"), [9])))
    assert values(e.instant("a and b", 0)) == {lab("a", i="2"): 2}
    assert values(e.instant("a unless b", 0)) == {lab("a", i="1"): 1}
    assert set(values(e.instant("b or a", 0))) == {lab("b", i="2"), lab("a", i="1")}


def test_division_by_zero_and_modulo_follow_ieee() -> None:
    e = Engine(Storage())
    assert e.instant("1 / 0", 0) == Scalar(0, math.inf)
    got = e.instant("0 / 0", 0)
    assert isinstance(got, Scalar) and math.isnan(got.v)
    assert e.instant("-7 % 3", 0) == Scalar(0, -1.0)
    assert e.instant("2 ^ 1024", 0) == Scalar(0, math.inf)


# -- aggregations and functions ------------------------------------------------


def test_topk_keeps_labels_orders_by_value_and_breaks_ties_as_go_heap() -> None:
    e = Engine(store(*[(lab("m", i=str(i)), [float(v)]) for i, v in enumerate([3, 7, 7, 1])]))
    got = e.instant("topk(2, m)", 0)
    assert isinstance(got, Vector)
    # Prometheus 3.5: 7(i=2) overwrites the heap's top 3, sifts below 7(i=1)...
    assert [(s.labels, s.v) for s in got] == [(lab("m", i="2"), 7), (lab("m", i="1"), 7)]
    # ... while 2.42 pops 3 and pushes 7(i=2) under 7(i=1).
    got2 = Engine(e.storage, compat=2).instant("topk(2, m)", 0)
    assert [(s.labels, s.v) for s in got2] == [(lab("m", i="1"), 7), (lab("m", i="2"), 7)]  # type: ignore[union-attr]
    assert [s.v for s in e.instant("bottomk(1, m)", 0)] == [1]  # type: ignore[union-attr]


def test_sort_puts_nan_last_both_ways() -> None:
    e = Engine(store(*[(lab("m", i=str(i)), [v]) for i, v in enumerate([2.0, math.nan, 1.0])]))
    asc = [s.v for s in e.instant("sort(m)", 0)]  # type: ignore[union-attr]
    desc = [s.v for s in e.instant("sort_desc(m)", 0)]  # type: ignore[union-attr]
    assert asc[:2] == [1.0, 2.0] and math.isnan(asc[2])
    assert desc[:2] == [2.0, 1.0] and math.isnan(desc[2])


def test_aggregation_by_and_without_drop_the_name() -> None:
    e = Engine(store((lab("m", a="1", b="x"), [1]), (lab("m", a="1", b="y"), [2])))
    assert values(e.instant("sum by (a) (m)", 0)) == {labels_from({"a": "1"}): 3}
    assert values(e.instant("max without (b) (m)", 0)) == {labels_from({"a": "1"}): 2}
    assert values(e.instant('count_values("v", m)', 0)) == {
        labels_from({"v": "1"}): 1,
        labels_from({"v": "2"}): 1,
    }


def test_count_values_formats_like_go() -> None:
    e = Engine(store((lab("m"), [1e21]), (lab("n"), [0.1])))
    assert set(values(e.instant('count_values("v", {__name__=~"m|n"})', 0))) == {
        labels_from({"v": "1000000000000000000000"}),
        labels_from({"v": "0.1"}),
    }


def test_absent_derives_labels_from_equality_matchers() -> None:
    e = Engine(Storage())
    got = values(e.instant('absent(nope{job="a", env=~"p.*", x="1", x="2"})', 0))
    assert got == {labels_from({"job": "a"}): 1}
    assert values(e.instant('absent_over_time(nope{job="a"}[5m])', 0)) == {
        labels_from({"job": "a"}): 1
    }
    assert values(e.instant("absent(sum(nope))", 0)) == {(): 1}


def test_label_replace_and_its_validation() -> None:
    e = Engine(store((lab("m", src="a-b"), [1])))
    got = values(e.instant('label_replace(m, "dst", "$2/$1", "src", "(.*)-(.*)")', 0))
    assert got == {lab("m", src="a-b", dst="b/a"): 1}
    with pytest.raises(QueryError, match=r"invalid regular expression in label_replace\(\)"):
        e.instant('label_replace(m, "dst", "x", "src", "(")', 0)


def test_histogram_quantile_over_classic_buckets() -> None:
    buckets = [("0.1", 10.0), ("0.5", 60.0), ("1", 100.0), ("+Inf", 100.0)]
    e = Engine(store(*[(lab("h_bucket", le=le), [c]) for le, c in buckets]))
    assert values(e.instant("histogram_quantile(0.5, h_bucket)", 0)) == pytest.approx(
        {(): 0.1 + 0.4 * (50 - 10) / 50}
    )
    # Without the +Inf bucket there is no answer.
    e2 = Engine(store((lab("h_bucket", le="1"), [5])))
    assert math.isnan(values(e2.instant("histogram_quantile(0.5, h_bucket)", 0))[()])


def test_string_and_scalar_results() -> None:
    e = Engine(Storage())
    assert e.instant('"hello"', 5) == String(5, "hello")
    assert e.instant("time()", 5000) == Scalar(5000, 5.0)


def test_range_query_returns_series_sorted_by_labels() -> None:
    e = Engine(store((lab("m", i="2"), [1, 2]), (lab("m", i="1"), [3, 4])))
    mat = e.range("m * 2", 0, M, M)
    assert [sp.labels for sp in mat] == [labels_from({"i": "1"}), labels_from({"i": "2"})]
    assert mat[0].points == [(0, 6), (M, 8)]
    with pytest.raises(QueryError, match="invalid expression type"):
        e.range("m[1m]", 0, M, M)


def test_accepts_a_hand_built_syntax_tree() -> None:
    e = Engine(store((lab("x", a="1"), [4])))
    sel = ast.VectorSelector("x", [ast.Matcher("__name__", ast.MatchType.EQUAL, "x")])
    tree = ast.BinaryExpr("*", sel, ast.NumberLiteral(2.0))
    assert values(e.instant(tree, 0)) == {labels_from({"a": "1"}): 8}


def test_delayed_name_removal_lets_label_replace_keep_the_name() -> None:
    st = store((lab("c_total"), [0, 60, 120]))
    query = 'label_replace(rate(c_total[2m]), "__name__", "r_$1", "__name__", "(.+)")'
    assert values(Engine(st, delayed_name_removal=True).instant(query, 2 * M)) == {
        lab("r_c_total"): pytest.approx(1.0)
    }
    assert values(Engine(st).instant(query, 2 * M)) == {(): pytest.approx(1.0)}


def test_holt_winters_is_renamed_in_prometheus_3() -> None:
    st = store((lab("g"), [1, 2, 3]))
    assert values(Engine(st, compat=2).instant("holt_winters(g[5m], 0.5, 0.5)", 2 * M))
    assert values(Engine(st).instant("double_exponential_smoothing(g[5m], 0.5, 0.5)", 2 * M))
    with pytest.raises(QueryError):
        Engine(st).instant("holt_winters(g[5m], 0.5, 0.5)", 2 * M)
