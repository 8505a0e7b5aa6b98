"""The burn-in summary in pytest's conventions: counts per kind and what is not passing by
default, every item under -rA or -v, grouped by service when the items name several."""

from __future__ import annotations

import pytest

from tests.conftest import SMALL_DATA, SOURCE_SPEC

SERVICES = ("billing", "checkout", "search", "shipping")
RULES_PER_SERVICE = 20
SLOS_PER_SERVICE = 10


def _rules(service: str) -> str:
    rules = "".join(
        f"""\
      - alert: {service.title()}Errors{i}
        expr: sum(rate(errors_total{{service="{service}",route="r{i}"}}[5m])) > 1
        labels: {{severity: ticket, service: {service}}}
        annotations: {{summary: errors on r{i}, runbook_url: "https://runbooks.example/{service}"}}
"""
        for i in range(RULES_PER_SERVICE)
    )
    return f"groups:\n  - name: {service}\n    rules:\n{rules}"


def _tests(service: str, failing: int | None = None) -> str:
    groups = "".join(
        f"""\
  - name: {service} r{i} errors open a ticket
    interval: 1m
    input_series:
      - {{series: 'errors_total{{service="{service}",route="r{i}"}}', values: '0+120x10'}}
    alert_rule_test:
      - eval_time: 5m
        alertname: {service.title()}Errors{i}
        exp_alerts:
          - exp_labels: {{severity: ticket, service: {service}}}
            exp_annotations: {{summary: errors on r{i}, runbook_url: "https://runbooks.example/{service}"}}
"""
        if i != failing
        else f"""\
  - name: {service} r{i} errors open a ticket
    interval: 1m
    input_series:
      - {{series: 'errors_total{{service="{service}",route="r{i}"}}', values: '0x10'}}
    alert_rule_test:
      - eval_time: 5m
        alertname: {service.title()}Errors{i}
        exp_alerts: [{{exp_labels: {{severity: ticket, service: {service}}}}}]
"""
        for i in range(RULES_PER_SERVICE)
    )
    return f"rule_files: [alerts.yaml]\ntests:\n{groups}"


def _slos(service: str) -> str:
    return "---\n".join(
        f"""\
apiVersion: burnin/v1
kind: SLO
metadata: {{name: {service}-{i}, owner: team-{service}, labels: {{service: {service}}}}}
spec:
  indicator:
    ratio:
      bad: sum(increase(failed_total[{{{{window}}}}]))
      total: sum(increase(checked_total[{{{{window}}}}]))
  objective: {{below: 0.05}}
  window: 1h
"""
        for i in range(SLOS_PER_SERVICE)
    )


def fleet(pytester: pytest.Pytester, services: tuple[str, ...], failing: str = "") -> int:
    """A repository of services, each with rules, their tests and SLOs; the item count."""
    specs = pytester.mkdir("slo_specs")
    (specs / "data.om").write_text(SMALL_DATA)
    (specs / "source.yaml").write_text(SOURCE_SPEC)
    for service in services:
        folder = specs / service
        folder.mkdir()
        (folder / "alerts.yaml").write_text(_rules(service))
        (folder / "alerts_test.yaml").write_text(
            _tests(service, failing=3 if service == failing else None)
        )
        (folder / "slos.yaml").write_text(_slos(service))
    return 1 + len(services) * (2 * RULES_PER_SERVICE + SLOS_PER_SERVICE)


def test_a_green_run_of_two_hundred_items_fits_one_screen(pytester: pytest.Pytester) -> None:
    items = fleet(pytester, SERVICES)
    assert items >= 200
    result = pytester.runpytest("--burnin")
    result.assert_outcomes(passed=items)
    lines = result.outlines
    assert len(lines) < 40, "\n".join(lines)
    result.stdout.fnmatch_lines(
        [
            "*burn-in summary*",
            "PromtoolTest   80 passed",
            "Rule           80 passed",
            "SLO            40 passed",
            "Source         1 passed",
            "4 services all green (200 items): billing, checkout, search, shipping",
            "1 item with no service: all green",
            f"gate: green ({items} items, 0 not passing); -rA or -v lists the {items} passing*",
        ]
    )
    assert "PASS " not in result.stdout.str()


def test_minus_r_a_lists_every_item_under_its_service(pytester: pytest.Pytester) -> None:
    fleet(pytester, SERVICES[:2])
    result = pytester.runpytest(
        "--burnin", "-rA", "-k", "BillingErrors2 or CheckoutErrors2 or billing-1 or checkout-2"
    )
    result.stdout.fnmatch_lines(
        [
            "*burn-in summary*",
            "billing: 3 passed",
            "  PASS  promtool test billing r2 errors open a ticket: 1 assertions passed",
            "  PASS  Rule BillingErrors2: gate checks pass; exercised by 1 test",
            "  PASS  SLO billing-1: *",
            "checkout: 3 passed",
            "  PASS  promtool test checkout r2 errors open a ticket: *",
            "  PASS  Rule CheckoutErrors2: *",
            "  PASS  SLO checkout-2: *",
            "gate: green (6 items, 0 not passing); add --junitxml=FILE*",
        ]
    )
    # -v lists them too, as pytest lists every test.
    verbose = pytester.runpytest("--burnin", "-v", "-k", "BillingErrors2")
    verbose.stdout.fnmatch_lines(["*PASS  Rule BillingErrors2: gate checks pass*"])


def test_a_failure_is_listed_under_its_service_and_the_green_ones_fold(
    pytester: pytest.Pytester,
) -> None:
    items = fleet(pytester, SERVICES[:3], failing="checkout")
    result = pytester.runpytest("--burnin")
    result.assert_outcomes(passed=items - 1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*burn-in summary*",
            "PromtoolTest   59 passed, 1 failed",
            "checkout: 49 passed, 1 failed",
            "  FAIL  promtool test checkout r3 errors open a ticket: 1 failure: *",
            "        at slo_specs/checkout/alerts_test.yaml:*",
            "2 more services all green (100 items): billing, search",
            f"gate: BLOCKED ({items} items, 1 not passing); -rA or -v lists the {items - 1} passing*",
        ]
    )
    assert "PASS " not in result.stdout.str()
