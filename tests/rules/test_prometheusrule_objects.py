"""Kubernetes PrometheusRule objects (the Prometheus Operator's form) read as rule files.

Repositories built on the Prometheus Operator (kube-prometheus,
cluster-monitoring-operator) keep their rules as ``monitoring.coreos.com/v1``
``PrometheusRule`` objects; the groups live under ``spec``.
"""

from __future__ import annotations

import pytest

OBJECT = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: ingest-rules
  namespace: monitoring
spec:
  groups:
    - name: ingest
      rules:
        - alert: IngestStalled
          expr: rate(ingested_total[5m]) == 0
          for: 10m
          labels: {severity: critical}
          annotations:
            summary: nothing ingested for 10 minutes
        - alert: IngestSlow
          expr: ingest_lag_seconds > 300
          labels: {severity: warning}
"""
TESTS = """\
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: ingested_total
        values: 0+10x5 50x20
    alert_rule_test:
      - eval_time: 20m
        alertname: IngestStalled
        exp_alerts:
          - exp_labels: {severity: critical}
            exp_annotations: {summary: nothing ingested for 10 minutes}
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    specs = pytester.mkdir("slo_specs")
    (specs / "rules.yaml").write_text(OBJECT)
    (specs / "rules_test.yaml").write_text(TESTS)
    return pytester


def test_each_alert_of_the_object_is_an_item_and_its_tests_run(project: pytest.Pytester) -> None:
    result = project.runpytest("--burnin", "-p", "no:randomly", "-rA")
    out = result.stdout.str()
    assert "Rule:IngestStalled" in out and "Rule:IngestSlow" in out
    assert "PromtoolTest" in out
    result.assert_outcomes(passed=3)


def test_a_broken_rule_in_the_object_is_reported_at_its_line(project: pytest.Pytester) -> None:
    rules = project.path / "slo_specs" / "rules.yaml"
    rules.write_text(OBJECT.replace("ingest_lag_seconds > 300", "ingest_lag_seconds >"))
    result = project.runpytest("--burnin", "-p", "no:randomly")
    out = result.stdout.str()
    assert result.ret != 0
    assert "rules.yaml:17" in out  # the expr line under spec.groups
    assert "Traceback" not in out


def test_another_kubernetes_kind_is_still_refused(project: pytest.Pytester) -> None:
    rules = project.path / "slo_specs" / "rules.yaml"
    rules.write_text(OBJECT.replace("kind: PrometheusRule", "kind: ServiceMonitor"))
    result = project.runpytest("--burnin", "-p", "no:randomly")
    out = result.stdout.str()
    assert result.ret != 0
    assert "unsupported apiVersion 'monitoring.coreos.com/v1'" in out
