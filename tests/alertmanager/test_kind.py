"""The Routing kind through pytest: one item per test, headlines naming the route taken."""

from __future__ import annotations

import pytest

CONFIG = """\
route:
  receiver: catch-all
  group_by: [alertname]
  routes:
    - matchers: ['team="ingest"']
      receiver: ingest
      routes:
        - matchers: ['severity="page"']
          receiver: ingest-pager
          mute_time_intervals: [nights]
receivers: [{name: catch-all}, {name: ingest}, {name: ingest-pager}]
inhibit_rules:
  - source_matchers: [alertname=Outage]
    target_matchers: [severity=page]
    equal: [team]
time_intervals:
  - name: nights
    time_intervals: [{times: [{start_time: '00:00', end_time: '06:00'}]}]
"""

SPEC = """\
apiVersion: burnin/v1
kind: Routing
metadata: {name: am}
spec:
  config: config/am.yml
  tests:
    - name: page
      labels: {team: ingest, severity: page, alertname: A}
      receivers: [ingest-pager]
      group_key: '{}/{team="ingest"}/{severity="page"}:{alertname="A"}'
      timers: {group_wait: 30s}
      inhibited_by: [{alertname: Outage, team: ingest}]
      not_inhibited_by: [{alertname: Outage, team: other}]
      muted_at: ['2025-01-06T03:00:00Z']
      active_at: ['2025-01-06T12:00:00+01:00']
    - name: wrong
      labels: {team: ingest, severity: page}
      receivers: [ingest]
    - name: wrong-timers
      labels: {team: other}
      timers: {group_wait: 10s}
      muted_at: ['2025-01-06T03:00:00Z']
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    specs = pytester.mkdir("slo_specs")
    (specs / "config").mkdir()
    (specs / "config" / "am.yml").write_text(CONFIG)
    (specs / "routing.yaml").write_text(SPEC)
    return pytester


def test_one_item_per_test_and_failures_name_the_route(project: pytest.Pytester) -> None:
    result = project.runpytest("--burnin", "-p", "no:randomly", "-rA")
    result.assert_outcomes(passed=1, failed=2)
    out = result.stdout.str()  # plain text: fnmatch would read [ingest] as a character class
    assert (
        "Routing am:wrong: {team=ingest, severity=page} reached [ingest-pager], expected [ingest]; "
        'route taken: default-route -> {team="ingest"} -> {severity="page"}'
    ) in out
    assert (
        "Routing am:wrong-timers: {team=other} catch-all group_wait is 30s, expected 10s (+1 more); "
        "route taken: default-route\n"
    ) in out


def test_a_broken_config_is_a_collection_error_at_its_own_line(project: pytest.Pytester) -> None:
    bad = CONFIG.replace("receiver: ingest\n", "receiver: ingest-typo\n")
    (project.path / "slo_specs" / "config" / "am.yml").write_text(bad)
    result = project.runpytest("--burnin", "-p", "no:randomly")
    result.stdout.fnmatch_lines(
        ['*config/am.yml:5:7: undefined receiver "ingest-typo" used in route*']
    )
    assert "Traceback" not in result.stdout.str()
    assert result.ret != 0


def test_a_missing_config_names_the_spec_line(project: pytest.Pytester) -> None:
    (project.path / "slo_specs" / "routing.yaml").write_text(
        SPEC.replace("config/am.yml", "nope.yml")
    )
    result = project.runpytest("--burnin", "-p", "no:randomly")
    result.stdout.fnmatch_lines(["*routing.yaml:5:*Alertmanager config 'nope.yml' not found*"])
    assert result.ret != 0


RULES = """\
groups:
  - name: g
    interval: 30s
    rules:
      - alert: Paged
        expr: vector(1)
        for: 1m
        labels: {team: ingest, severity: page}
      - alert: Stray
        expr: vector(1)
        labels: {team: nobody}
"""
NOTIFY = """\
apiVersion: burnin/v1
kind: Notify
metadata: {name: ttn}
spec:
  config: config/am.yml
  rules: [rules.yaml]
  notify_within: 2m
  alerts: {Stray: {notify_within: 10m}}
"""


def test_notify_items_one_per_alerting_rule(project: pytest.Pytester) -> None:
    specs = project.path / "slo_specs"
    (specs / "routing.yaml").unlink()
    (specs / "rules.yaml").write_text(RULES)
    (specs / "notify.yaml").write_text(NOTIFY)
    result = project.runpytest("--burnin", "-p", "no:randomly", "-k", "Notify")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert (
        "Paged -> ingest-pager (no integrations): within 2m worst case "
        "(eval 30s + for 1m + group_wait 30s); budget 2m: receiver ingest-pager has no integrations"
    ) in out
    assert (
        "Stray -> catch-all (no integrations): within 1m worst case (eval 30s + for 0s + "
        "group_wait 30s); budget 10m: reaches only the root route's catch-all catch-all (+1 more)"
    ) in out


def test_notify_routes_the_labels_promtool_tests_expect(pytester: pytest.Pytester) -> None:
    specs = pytester.mkdir("slo_specs")
    (specs / "config").mkdir()
    (specs / "config" / "am.yml").write_text(
        "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 0s\n  group_interval: 5m\n"
        "  routes: [{matchers: [severity=page], receiver: hook}]\n"
        "receivers:\n  - {name: hook, webhook_configs: [{url: 'http://127.0.0.1:9/'}]}\n"
    )
    (specs / "rules.yaml").write_text(
        "groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n"
        "        labels: {severity: page}\n"
    )
    (specs / "rules_test.yaml").write_text(
        "rule_files: [rules.yaml]\ntests:\n  - interval: 1m\n    input_series:\n"
        "      - {series: 'up{instance=\"a\"}', values: '0x5'}\n"
        "      - {series: 'up{instance=\"b\"}', values: '0x5'}\n"
        "    alert_rule_test:\n      - eval_time: 2m\n        alertname: Down\n        exp_alerts:\n"
        "          - exp_labels: {severity: page, instance: a}\n"
        "          - exp_labels: {severity: page, instance: b}\n"
    )
    (specs / "notify.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Notify\nmetadata: {name: ttn}\n"
        "spec: {config: config/am.yml, rules: [rules.yaml], tests: [rules_test.yaml], notify_within: 2m}\n"
    )
    result = pytester.runpytest("--burnin", "-p", "no:randomly", "-k", "Notify")
    result.assert_outcomes(failed=1)
    # Two instances share the alertname group: the second joins the open group.
    assert (
        "Down -> hook (webhook): within 1m worst case (eval 1m + for 0s + group_wait 0s), "
        "6m joining an open group (eval 1m + for 0s + group_interval 5m); budget 2m: "
        "joining an open group takes up to 6m, over the budget"
    ) in result.stdout.str()
