"""Behaviour checks of generated alerts: each tier pages in time, and only when it should."""

from __future__ import annotations

import pytest

from pytest_burnin.slo import behaviour
from pytest_burnin.slo.behaviour import check_names, run_check
from pytest_burnin.slo.rules_gen import slo_rules

from .test_rules_gen import CUSTOM, ratio_slo, slo

GOOD_RATIO = 'good: sum(increase(requests_total{code="200"}[{{window}}]))'
THRESHOLD = """\
apiVersion: burnin/v1
kind: SLO
metadata: {name: leaks, runbook: docs/rb.md}
spec:
  indicator: {threshold: {query: "sum(increase(leaks_total[{{window}}]))"}}
  objective: {at_most: 0}
  window: 30d
"""


def test_check_names_per_slo_shape() -> None:
    assert check_names(slo_rules(slo(ratio_slo()))) == [
        "page-1h",
        "page-6h",
        "ticket-3d",
        "within-objective",
    ]
    assert check_names(slo_rules(slo(ratio_slo(alerting=CUSTOM)))) == [
        "page-1h",
        "ticket-1d",
        "within-objective",
        "min-traffic",
    ]
    assert check_names(slo_rules(slo(THRESHOLD))) == ["breach", "within-objective"]


@pytest.mark.parametrize("name", ["page-1h", "page-6h", "ticket-3d", "within-objective"])
def test_default_tiers_fire_in_time_and_stay_quiet_inside_the_objective(name: str) -> None:
    result = run_check(slo_rules(slo(ratio_slo())), name)
    assert result.passed, result.headline
    assert result.skipped is None


def test_a_tier_fires_within_its_detection_time() -> None:
    result = run_check(slo_rules(slo(ratio_slo())), "page-1h")
    # 1h x 14.4 / 18: crossing after 48m; + for 1m, + 1m evaluation, + 1m scrape.
    assert result.headline == (
        "SLOAlerts:checkout/page-1h: SLOCheckoutBurnRatePage1h fired 49m into a 18x burn "
        "(allowed 51m)"
    )
    assert dict(result.properties)["fired_after_s"] == "2940"


@pytest.mark.parametrize("name", ["page-1h", "ticket-1d", "within-objective", "min-traffic"])
def test_custom_tiers_and_the_min_traffic_guard(name: str) -> None:
    result = run_check(slo_rules(slo(ratio_slo(alerting=CUSTOM))), name)
    assert result.passed, result.headline


def test_min_traffic_check_says_what_it_held() -> None:
    result = run_check(slo_rules(slo(ratio_slo(alerting=CUSTOM))), "min-traffic")
    assert result.headline == (
        "SLOAlerts:checkout/min-traffic: no alert at 0.25 events/s (guard 0.5) with error "
        "ratio 0.0288; all fire at twice the guard"
    )


def test_without_the_guard_low_traffic_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_burnin.slo.rules_gen import SLORules

    rules = slo_rules(slo(ratio_slo(alerting=CUSTOM)))
    original = SLORules.group

    def no_guard(self: SLORules) -> dict[str, object]:
        group = original(self)
        for rule in group["rules"]:
            rule["expr"] = rule["expr"].split("\nand on ()")[0]
        return group

    # On the class: a proof runs on a copy of the rules without the SLO's names (proof_key.py).
    monkeypatch.setattr(SLORules, "group", no_guard)
    result = run_check(rules, "min-traffic")
    assert not result.passed
    assert result.headline.startswith(
        "SLOAlerts:checkout/min-traffic: SLOCheckoutBurnRatePage1h, SLOCheckoutBurnRateTicket1d "
        "fired at 0.25 events/s"
    )


def test_a_lower_bound_on_good_events_is_checked_through_its_complement() -> None:
    rules = slo_rules(slo(ratio_slo(objective="{above: 0.99}", indicator=GOOD_RATIO)))
    for name in ("page-1h", "within-objective"):
        result = run_check(rules, name)
        assert result.passed, result.headline


def test_a_burn_below_the_factor_never_fires_and_the_check_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(behaviour, "OVER_BUDGET", 0.9)
    result = run_check(slo_rules(slo(ratio_slo())), "page-1h")
    assert not result.passed
    assert result.headline == (
        "SLOAlerts:checkout/page-1h: SLOCheckoutBurnRatePage1h never fired at a 12.96x burn; "
        "allowed 1h9m"
    )
    assert result.details == [
        "detection 1h6m (long window x 14.4/12.96) + for 1m + evaluation 1m + scrape 1m"
    ]


def test_an_objective_missed_by_the_quiet_traffic_fails_naming_the_alerts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(behaviour, "QUIET_SHARE", 1.5)
    result = run_check(slo_rules(slo(ratio_slo())), "within-objective")
    assert not result.passed
    assert "SLOCheckoutBurnRateTicket3d fired at error ratio 0.0015" in result.headline


@pytest.mark.parametrize("name", ["breach", "within-objective"])
def test_threshold_slo_breach_and_quiet(name: str) -> None:
    result = run_check(slo_rules(slo(THRESHOLD)), name)
    assert result.passed, result.headline


def test_an_indicator_with_two_selectors_is_proved() -> None:
    # Once skipped; proving it found that `a + b` over `total` was recorded as
    # `a + (b / total)`: the numerator is now parenthesised.
    indicator = "bad: sum(increase(a_total[{{window}}])) + sum(increase(b_total[{{window}}]))"
    rules = slo_rules(slo(ratio_slo(indicator=indicator)))
    assert "(sum(increase(a_total[1h])) + sum(increase(b_total[1h])))" in rules.error_queries["1h"]
    result = run_check(rules, "page-1h")
    assert result.skipped is None
    assert result.headline == (
        "SLOAlerts:checkout/page-1h: SLOCheckoutBurnRatePage1h fired 49m into a 18x burn "
        "(allowed 51m)"
    )


def test_a_proof_that_cannot_be_built_says_why_in_its_headline() -> None:
    indicator = "bad: sum(count_over_time(up[{{window}}]))"
    result = run_check(slo_rules(slo(ratio_slo(indicator=indicator))), "page-1h")
    assert (
        result.skipped
        == result.headline
        == (
            "SLOAlerts:checkout/page-1h: cannot be proved: the SLI reads both counters and "
            "gauges (up)"
        )
    )


def test_exercised_alerts_name_what_each_check_makes_fire() -> None:
    from pytest_burnin.slo.behaviour import exercised_alerts

    rules = slo_rules(slo(ratio_slo(alerting=CUSTOM)))
    assert exercised_alerts(rules, "page-1h") == ["SLOCheckoutBurnRatePage1h"]
    assert exercised_alerts(rules, "within-objective") == []
    assert exercised_alerts(rules, "min-traffic") == [
        "SLOCheckoutBurnRatePage1h",
        "SLOCheckoutBurnRateTicket1d",
    ]
    assert exercised_alerts(slo_rules(slo(THRESHOLD)), "breach") == ["SLOLeaksObjectiveBreached"]


def test_a_lower_bound_threshold_is_skipped_with_the_reason() -> None:
    rules = slo_rules(slo(THRESHOLD.replace("{at_most: 0}", "{at_least: 5}")))
    result = run_check(rules, "within-objective")
    assert result.skipped == (
        "SLOAlerts:leaks/within-objective: cannot be proved: checks cover upper bounds "
        "(at_most, below) "
        "on threshold queries"
    )
