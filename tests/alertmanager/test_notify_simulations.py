"""Time to notify routes the label sets simulations really fire each alert with (issue 13 item 4)."""

from __future__ import annotations

import pytest

CONFIG = """\
route:
  receiver: hook
  group_by: [alertname, service]
  group_wait: 0s
  routes:
    - matchers: ['service="billing"']
      receiver: billing-hook
      group_wait: 5m
    - matchers: ['severity="page"']
      receiver: hook
receivers:
  - {name: hook, webhook_configs: [{url: 'http://127.0.0.1:9/'}]}
  - {name: billing-hook, webhook_configs: [{url: 'http://127.0.0.1:9/billing'}]}
"""
# The service label comes from the expression, not from the rule's labels:
# only running the rule shows which route its alerts take.
RULES = """\
groups:
  - name: g
    rules:
      - alert: ErrorsHigh
        expr: sum by (service) (errors_total) > 0
        labels: {severity: page}
"""
SIMULATION = """\
apiVersion: burnin/v1
kind: Simulation
metadata: {name: billing-errors}
spec:
  rules: rules.yaml
  series:
    errors_total{service="billing"}: 0x5 1x20
  expect:
    - {alert: ErrorsHigh, firing_by: 10m}
"""
NOTIFY = """\
apiVersion: burnin/v1
kind: Notify
metadata: {name: ttn}
spec:
  config: config/am.yml
  rules: [rules.yaml]
  notify_within: 2m
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    specs = pytester.mkdir("slo_specs")
    (specs / "config").mkdir()
    (specs / "config" / "am.yml").write_text(CONFIG)
    (specs / "rules.yaml").write_text(RULES)
    (specs / "simulations.yaml").write_text(SIMULATION)
    return pytester


def _notify(project: pytest.Pytester, extra: str = "") -> pytest.RunResult:
    (project.path / "slo_specs" / "notify.yaml").write_text(NOTIFY + extra)
    return project.runpytest("--burnin", "-p", "no:randomly", "-k", "Notify", "-rA")


def test_without_simulations_only_the_static_labels_are_routed(project: pytest.Pytester) -> None:
    result = _notify(project)
    result.assert_outcomes(passed=1)
    assert "ErrorsHigh -> hook (webhook): within 1m worst case" in result.stdout.str()


def test_a_simulated_label_set_that_takes_a_slow_route_fails_the_budget(
    project: pytest.Pytester,
) -> None:
    result = _notify(project, "  simulations: [simulations.yaml]\n")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert (
        "ErrorsHigh -> billing-hook (webhook): within 6m worst case "
        "(eval 1m + for 0s + group_wait 5m); budget 2m"
    ) in out


def test_a_missing_simulation_file_is_a_spec_error_at_its_line(project: pytest.Pytester) -> None:
    result = _notify(project, "  simulations: [nope.yaml]\n")
    out = result.stdout.str()
    assert result.ret != 0
    assert "notify.yaml:8:17: 'nope.yaml' not found" in out
    assert "Traceback" not in out


def test_a_simulation_that_cannot_run_is_an_error_not_a_pass(project: pytest.Pytester) -> None:
    # The series is fine at collection; the rule file breaks only when it is run.
    (project.path / "slo_specs" / "rules.yaml").write_text(
        RULES
        + "      - alert: Bad\n        expr: errors_total + on(service) group_left errors_total\n"
    )
    (project.path / "slo_specs" / "simulations.yaml").write_text(
        SIMULATION.replace("0x5 1x20", '0x5 1x20\n    errors_total{service="billing", x="1"}: 1x20')
    )
    result = _notify(project, "  simulations: [simulations.yaml]\n")
    result.assert_outcomes(errors=2)  # ErrorsHigh and Bad: neither passes
    assert "simulation billing-errors (slo_specs/simulations.yaml:1) could not run" in (
        result.stdout.str()
    )
