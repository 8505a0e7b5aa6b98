"""Label values for regex matchers, and series that drive real SLI queries to an error ratio."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_burnin.slo.regex_values import matching_value, non_matching_value
from pytest_burnin.slo.synth import Design, design, split_raw, uses_subquery
from pytest_burnin.slo.synth_gauge import GaugeDesign
from pytest_burnin.slo.synth_probe import Unsupported


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        ("(5..|429)", "500"),
        ("5..", "500"),
        ("GET|POST", "GET"),
        ("[45]xx", "4xx"),
        (".+", "0"),
        ("[[:digit:]]{3}", "000"),
        ("(?i)prod", "prod"),
    ],
)
def test_a_value_each_matcher_accepts(pattern: str, value: str) -> None:
    assert matching_value(pattern) == value


def test_a_value_a_matcher_rejects_is_the_absent_label_first() -> None:
    assert non_matching_value("(5..|429)") == ""
    assert non_matching_value(".*") is None  # matches everything, even the absent label
    assert non_matching_value(".+") == ""


words = st.text(alphabet="abcXYZ019_-:", min_size=1, max_size=6)


@given(st.lists(words, min_size=1, max_size=4))
def test_an_alternation_of_literals_is_always_matched(alternatives: list[str]) -> None:
    pattern = "|".join(re.escape(a) for a in alternatives)
    picked = matching_value(pattern)
    assert picked is not None and re.fullmatch(pattern, picked)


def test_a_regex_error_ratio_over_a_total_that_counts_it_too() -> None:
    plan = design(
        'sum(rate(http_requests_total{job="api",code=~"(5..|429)"}[{{window}}]))',
        'sum(rate(http_requests_total{job="api"}[{{window}}]))',
        True,
    )
    assert isinstance(plan, Design)
    rates = dict(zip(plan.labels, plan.rates(100, 0.25), strict=True))
    bad = (("__name__", "http_requests_total"), ("code", "500"), ("job", "api"))
    good = (("__name__", "http_requests_total"), ("job", "api"))
    assert rates[bad] == pytest.approx(25)
    assert rates[good] == pytest.approx(75)


def test_a_numerator_of_two_selectors_and_a_count_per_window() -> None:
    plan = design(
        'sum(increase(lat_count[{{window}}])) - sum(increase(lat_bucket{le="0.4"}[{{window}}]))',
        "sum(increase(lat_count[{{window}}]))",
        True,
    )
    assert isinstance(plan, Design)
    by_name = {
        dict(ls)["__name__"] + dict(ls).get("le", ""): r
        for ls, r in zip(plan.labels, plan.rates(10, 0.1), strict=True)
    }
    # 10 events/s, 1 of them slower than 0.4s: the bucket counts the other 9.
    assert by_name["lat_count"] == pytest.approx(10)
    assert by_name["lat_bucket0.4"] == pytest.approx(9)


def test_good_events_with_a_negative_regex() -> None:
    plan = design(
        'sum(rate(x{code!~"5.."}[{{window}}]))', "sum(rate(x[{{window}}]))", num_is_bad=False
    )
    assert isinstance(plan, Design)
    assert dict(zip(plan.labels, plan.bad, strict=True))[(("__name__", "x"), ("code", "500"))] == 1


def test_gauges_by_time_share() -> None:
    num, total, bad = split_raw(
        "1 - (sum(sum_over_time(g[{{window}}])) / sum(count_over_time(g[{{window}}])))"
    )
    plan = design(num, total, bad)
    assert isinstance(plan, GaugeDesign)
    assert (plan.good, plan.bad) == (1.0, 0.0)
    ((_, values),) = plan.series([(10 * 60_000, 0.0, 0.3)], 60_000)
    assert values[1:].count(0.0) == 3  # 30% of ten minutes, the first one among them


def test_counted_gauges_get_copies_that_share_the_bad_samples() -> None:
    """count(g < 0.75) counts clients: three copies of the gauge, the bad samples spread
    over (minute, copy) slots, taking turns, so the share is as fine as 1/(3 x minutes)."""
    num = "sum_over_time((count(g < 0.75))[{{window}}:])"
    total = "sum_over_time((count(g))[{{window}}:])"
    plan = design(num, total, True, copies=3)
    assert isinstance(plan, GaugeDesign) and plan.copies == 3
    series = plan.series([(10 * 60_000, 0.0, 0.2)], 60_000)
    assert [dict(ls)["burnin_copy"] for ls, _ in series] == ["0", "1", "2"]
    bad = [[v == plan.bad for v in values[1:]] for _, values in series]
    assert sum(map(sum, bad)) == 6  # 20% of 30 slots
    assert [sum(column) for column in bad] == [2, 2, 2]  # turns: no copy takes them all
    assert all(sum(minute) <= 1 for minute in zip(*bad, strict=True))  # one per minute here


def test_copies_are_dropped_where_the_sli_does_not_count_them_as_samples() -> None:
    """min(g) over the copies is bad whenever one copy is: not a share of samples, so
    the design keeps one series (and the proofs stay as coarse as the SLI is)."""
    num = "sum_over_time((count(min(g) < 0.75))[{{window}}:])"
    total = "sum_over_time((count(min(g)))[{{window}}:])"
    plan = design(num, total, True, copies=3)
    assert isinstance(plan, GaugeDesign) and plan.copies == 1


def test_what_cannot_be_synthesised_says_why() -> None:
    with pytest.raises(Unsupported, match="both counters and gauges"):
        design("sum(rate(a[{{window}}]))", "sum(count_over_time(b[{{window}}]))", True)
    with pytest.raises(Unsupported, match="neither A / B nor 1 - "):
        split_raw("sum(rate(a[{{window}}]))")
    assert uses_subquery("sum_over_time((count(g < 1))[{{window}}:])")
    assert not uses_subquery("sum(rate(a[{{window}}]))")
