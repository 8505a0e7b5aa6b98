"""Routing tests that assert on the notification each receiver renders (issue 13 item 3)."""

from __future__ import annotations

import pytest

from pytest_burnin.alertmanager.notification_check import check_fields

CONFIG = """\
global:
  slack_api_url: https://hooks.slack.com/services/T0/B0/SLACKSECRET
templates: [templates/*.tmpl]
route:
  receiver: catch-all
  group_by: [alertname]
  routes:
    - matchers: ['severity="page"']
      receiver: oncall
      group_by: [service]
      continue: true
    - matchers: ['severity="page"']
      receiver: pager
receivers:
  - name: catch-all
  - name: oncall
    slack_configs:
      - channel: '#oncall'
        title: '{{ template "t.title" . }}'
        text: '{{ template "t.text" . }}'
  - name: pager
    pagerduty_configs:
      - routing_key_file: /nonexistent/pagerduty-key
        description: '{{ template "t.title" . }}'
"""
TEMPLATE = """\
{{ define "t.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .GroupLabels.service }}){{ end }}
{{ define "t.text" }}{{ range .Alerts }}{{ .Annotations.remediation }} Runbook: {{ .Annotations.runbook_url }}{{ end }}{{ end }}
"""

SPEC = """\
apiVersion: burnin/v1
kind: Routing
metadata: {name: am}
spec:
  config: config/am.yml
  tests:
    - name: page
      labels: {alertname: IntegrityRateHigh, severity: page, service: ingest}
      annotations: {runbook_url: 'https://runbooks/integrity', remediation: Pause the sync.}
      receivers: [oncall, pager]
      notification:
        oncall:
          slack.channel: {equals: '#oncall'}
          slack.attachments.0.title: {equals: '[FIRING] IntegrityRateHigh (ingest)'}
          slack.attachments.0.text: {contains: [Pause the sync., 'Runbook: https://runbooks/integrity']}
        pager:
          # The pager route inherits the root's group_by [alertname]: no service in .GroupLabels.
          pagerduty.payload.summary: {matches: '^\\[FIRING\\] Integrity.*\\(\\)$'}
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    specs = pytester.mkdir("slo_specs")
    (specs / "config" / "templates").mkdir(parents=True)
    (specs / "config" / "am.yml").write_text(CONFIG)
    (specs / "config" / "templates" / "t.tmpl").write_text(TEMPLATE)
    (specs / "routing.yaml").write_text(SPEC)
    return pytester


def _run(project: pytest.Pytester) -> tuple[pytest.RunResult, str]:
    result = project.runpytest("--burnin", "-p", "no:randomly", "-rA")
    return result, result.stdout.str() + result.stderr.str()


def test_notifications_rendered_on_the_matched_route_pass(project: pytest.Pytester) -> None:
    # The title's (ingest) comes from .GroupLabels: the page route's group_by, not the root's.
    result, out = _run(project)
    result.assert_outcomes(passed=1)
    assert "SLACKSECRET" not in out


def test_a_template_that_drops_the_runbook_fails_naming_receiver_field_and_text(
    project: pytest.Pytester,
) -> None:
    tmpl = project.path / "slo_specs" / "config" / "templates" / "t.tmpl"
    tmpl.write_text(TEMPLATE.replace(" Runbook: {{ .Annotations.runbook_url }}", ""))
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    assert (
        "oncall slack.attachments.0.text: expected it to contain 'Runbook: https://runbooks/integrity'; "
        "rendered 'Pause the sync.'"
    ) in out


def test_a_wrong_value_an_unknown_field_and_an_unreached_receiver_each_say_so(
    project: pytest.Pytester,
) -> None:
    spec = project.path / "slo_specs" / "routing.yaml"
    spec.write_text(
        SPEC.replace("equals: '#oncall'", "equals: '#elsewhere'")
        + "          slack.text: {contains: runbook}\n"
        + "        catch-all:\n          email.Subject: {contains: x}\n"
        + "        pager2:\n          pagerduty.routing_key: {equals: x}\n"
    )
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    assert "oncall slack.channel: expected '#elsewhere'; rendered '#oncall'" in out
    assert "pager slack.text: pager sends no slack notification (it sends: pagerduty)" in out
    assert (
        "notification for catch-all: the alert does not reach catch-all (it reaches oncall, pager)"
        in out
    )


def test_secrets_in_rendered_fields_are_hidden(project: pytest.Pytester) -> None:
    spec = project.path / "slo_specs" / "routing.yaml"
    spec.write_text(SPEC + "          pagerduty.routing_key: {equals: guess}\n")
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    assert "pager pagerduty.routing_key: expected 'guess'; rendered '<secret>'" in out
    assert "stand-in" not in out


def test_a_template_error_fails_the_test_instead_of_passing(project: pytest.Pytester) -> None:
    tmpl = project.path / "slo_specs" / "config" / "templates" / "t.tmpl"
    tmpl.write_text(TEMPLATE.replace('define "t.text"', 'define "t.other"'))
    result, out = _run(project)
    result.assert_outcomes(failed=1)
    assert "oncall: the notification cannot be rendered" in out
    assert 'no template "t.text"' in out


def test_a_misspelt_field_name_is_a_spec_error_at_its_line(project: pytest.Pytester) -> None:
    spec = project.path / "slo_specs" / "routing.yaml"
    spec.write_text(SPEC.replace("slack.channel:", "channel:"))
    result, out = _run(project)
    assert result.ret != 0
    assert "routing.yaml:12:9: spec.tests.0.notification.oncall: 'channel' is not valid" in out
    assert "Traceback" not in out


def test_check_fields_unknown_field_lists_the_near_ones() -> None:
    have = {"slack.attachments.0.text": "a", "slack.attachments.0.title": "b", "slack.channel": "c"}
    problems = check_fields("oncall", have, {"slack.text": {"contains": "x"}})
    assert problems == ["oncall slack.text: no such field (fields: slack.attachments.0.text)"]
    assert check_fields("oncall", have, {"slack.channel": {"matches": "^c$", "equals": "c"}}) == []
