"""Simulations through the team's Alertmanager config (issue 13 item 5)."""

from __future__ import annotations

import pytest

CONFIG = """\
global:
  slack_api_url: https://hooks.slack.com/services/T0/B0/SLACKSECRET
templates: [templates/*.tmpl]
route:
  receiver: catch-all
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  routes:
    - matchers: ['severity="page"']
      receiver: oncall
inhibit_rules:
  - source_matchers: ['alertname="Outage"']
    target_matchers: ['alertname="ErrorsHigh"']
receivers:
  - {name: catch-all, webhook_configs: [{url: 'http://127.0.0.1:9/catch-all'}]}
  - name: oncall
    slack_configs:
      - channel: '#oncall'
        text: '{{ template "t.text" . }}'
"""
TEMPLATE = """\
{{ define "t.text" }}{{ range .Alerts }}{{ .Annotations.remediation }} Runbook: {{ .Annotations.runbook_url }}
{{ end }}{{ end }}
"""
RULES = """\
groups:
  - name: g
    rules:
      - alert: ErrorsHigh
        expr: errors > 0
        labels: {severity: page}
        annotations: {runbook_url: 'https://runbooks/errors', remediation: Restart the scorer.}
      - alert: Outage
        expr: down > 0
        labels: {severity: page}
"""
SIMULATION = """\
apiVersion: burnin/v1
kind: Simulation
metadata: {name: errors}
spec:
  rules: rules.yaml
  alertmanager: config/am.yml
  series:
    errors{service="a"}: 0x10 1x30
    down: 0x40
  expect:
    - alert: ErrorsHigh
      firing_by: 12m
      delivered_within: 2m
      payload_has: [runbook_url, remediation]
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    specs = pytester.mkdir("slo_specs")
    (specs / "config" / "templates").mkdir(parents=True)
    (specs / "config" / "am.yml").write_text(CONFIG)
    (specs / "config" / "templates" / "t.tmpl").write_text(TEMPLATE)
    (specs / "rules.yaml").write_text(RULES)
    (specs / "simulations.yaml").write_text(SIMULATION)
    return pytester


def _run(project: pytest.Pytester) -> tuple[pytest.RunResult, str]:
    result = project.runpytest("--burnin", "-p", "no:randomly", "-rA", "-k", "Simulation")
    return result, result.stdout.str()


def test_the_alert_is_routed_grouped_rendered_and_posted(project: pytest.Pytester) -> None:
    result, out = _run(project)
    result.assert_outcomes(passed=1)
    assert (
        "ErrorsHigh fired at 11m and reached oncall at 11m30s "
        "(fired 11m + group_wait 30s): 30s after the breach"
    ) in out
    assert "SLACKSECRET" not in out


def test_group_wait_counts_against_delivered_within(project: pytest.Pytester) -> None:
    config = project.path / "slo_specs" / "config" / "am.yml"
    config.write_text(
        CONFIG.replace("receiver: oncall\n", "receiver: oncall\n      group_wait: 3m\n")
    )
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    # 180 s simulated, plus the real hop to the local receiver.
    assert "ErrorsHigh reached its receivers 180." in out
    assert (
        "s after the breach through the Alertmanager config, "
        "over delivered_within 2m (breach 11m; oncall at 14m (fired 11m + group_wait 3m))"
    ) in out


def test_a_template_without_the_runbook_fails_payload_has(project: pytest.Pytester) -> None:
    tmpl = project.path / "slo_specs" / "config" / "templates" / "t.tmpl"
    tmpl.write_text(TEMPLATE.replace(" Runbook: {{ .Annotations.runbook_url }}", ""))
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    assert (
        "ErrorsHigh: oncall's slack notification lacks runbook_url ('https://runbooks/errors')"
        in out
    )


def test_an_inhibited_alert_reaches_nobody(project: pytest.Pytester) -> None:
    sim = project.path / "slo_specs" / "simulations.yaml"
    sim.write_text(SIMULATION.replace("down: 0x40", "down: 1x40"))
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    assert (
        "ErrorsHigh: inhibited by inhibit_rules[0] (line 13) while {alertname=Outage, severity=page} fires: nobody is notified"
        in out
    )


def test_an_alert_joining_an_open_group_waits_for_group_interval(project: pytest.Pytester) -> None:
    # Service b breaches 3 minutes after a: same alertname group, opened at 11m, flushed at
    # 11m30s; b's alert (firing at 14m) waits for the next flush, at 16m30s.
    sim = project.path / "slo_specs" / "simulations.yaml"
    sim.write_text(
        SIMULATION.replace(
            'errors{service="a"}: 0x10 1x30',
            'errors{service="a"}: 0x10 1x30\n    errors{service="b"}: 0x13 1x27',
        ).replace("firing_by: 12m", "firing_by: 15m\n      labels: {service: b}")
    )
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    assert "ErrorsHigh reached its receivers 150." in out
    assert (
        "s after the breach through the Alertmanager config, "
        "over delivered_within 2m (breach 14m; oncall at 16m30s (joined the group opened at 11m; "
        "next flush every group_interval 5m))"
    ) in out


def test_a_missing_config_is_a_spec_error_at_its_line(project: pytest.Pytester) -> None:
    sim = project.path / "slo_specs" / "simulations.yaml"
    sim.write_text(SIMULATION.replace("config/am.yml", "config/nope.yml"))
    result, out = _run(project)
    assert result.ret != 0
    assert "simulations.yaml:6:3: Alertmanager config 'config/nope.yml' not found" in out


ROUTING = """\
apiVersion: burnin/v1
kind: Routing
metadata: {name: prod-am}
spec:
  config: config/am.yml
  tests:
    - labels: {alertname: ErrorsHigh, severity: page}
      receivers: [oncall]
"""


def test_a_simulation_naming_no_config_goes_through_the_projects_config(
    project: pytest.Pytester,
) -> None:
    specs = project.path / "slo_specs"
    (specs / "routing.yaml").write_text(ROUTING)
    sim = specs / "simulations.yaml"
    sim.write_text(SIMULATION.replace("  alertmanager: config/am.yml\n", ""))
    (specs / "config" / "am.yml").write_text(
        CONFIG.replace("receiver: oncall\n", "receiver: oncall\n      group_wait: 3m\n")
    )
    result, out = _run(project)
    # The production config's group_wait counts, though the simulation never named it.
    result.assert_outcomes(failed=1)
    assert "over delivered_within 2m (breach 11m; oncall at 14m" in out
    sim.write_text(SIMULATION.replace("config/am.yml", "none"))
    result, out = _run(project)
    result.assert_outcomes(passed=1)
    assert "through the project's Alertmanager config" not in out


def test_the_headline_says_which_config_was_taken(project: pytest.Pytester) -> None:
    specs = project.path / "slo_specs"
    (specs / "routing.yaml").write_text(ROUTING)
    (specs / "simulations.yaml").write_text(
        SIMULATION.replace("  alertmanager: config/am.yml\n", "")
    )
    result, out = _run(project)
    result.assert_outcomes(passed=1)
    assert "reached oncall at 11m30s" in out
    assert "through the project's Alertmanager config am.yml" in out


def test_an_inhibition_that_starts_before_the_flush_silences_the_alert(
    project: pytest.Pytester,
) -> None:
    # ErrorsHigh fires at 11m; its group flushes at 14m (group_wait 3m); Outage starts at
    # 13m. Alertmanager decides inhibition at the flush, so nobody hears of ErrorsHigh.
    specs = project.path / "slo_specs"
    (specs / "config" / "am.yml").write_text(
        CONFIG.replace("receiver: oncall\n", "receiver: oncall\n      group_wait: 3m\n")
    )
    sim = specs / "simulations.yaml"
    sim.write_text(SIMULATION.replace("down: 0x40", "down: 0x12 1x28"))
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    assert "ErrorsHigh fired at 11m, inhibited" in out
    # Line 14: the group_wait line added above the rule.
    assert "inhibited by inhibit_rules[0] (line 14) while {alertname=Outage" in out


def test_an_inhibition_that_ends_before_a_later_flush_lets_it_through(
    project: pytest.Pytester,
) -> None:
    # Outage fires until 12m: ErrorsHigh (firing at 11m) is held at the 11m30s flush and
    # sent at the next one, group_interval (5m) later.
    sim = project.path / "slo_specs" / "simulations.yaml"
    sim.write_text(
        SIMULATION.replace("down: 0x40", "down: 1x11 0x29").replace(
            "delivered_within: 2m", "delivered_within: 10m"
        )
    )
    result, out = _run(project)
    result.assert_outcomes(passed=1)
    assert (
        "reached oncall at 16m30s (fired 11m + group_wait 30s; held at 1 flush from 11m30s "
        "(inhibited by inhibit_rules[0] (line 13) while {alertname=Outage, severity=page} fires), "
        "next flush every group_interval 5m)"
    ) in out
