"""What each rule-lint check finds in one alerting rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.promql.parser import parse
from pytest_burnin.rules.lintchecks import findings
from pytest_burnin.rules.resultlabels import label_references, result_labels
from pytest_burnin.rules.rulefile import Rule, parse_rule_file


def _rule(body: str) -> Rule:
    text = "groups:\n  - name: g\n    rules:\n      - alert: A\n" + "".join(
        f"        {line}\n" for line in body.strip().splitlines()
    )
    return parse_rule_file(text, "alerts.yaml").groups[0].rules[0]


def _checks(rule: Rule, tmp_path: Path) -> dict[str, str]:
    return dict(findings(rule, tmp_path / "alerts.yaml", tmp_path))


def test_a_complete_rule_has_no_findings(tmp_path: Path) -> None:
    (tmp_path / "rb.md").write_text("# runbook\n")
    rule = _rule(
        """
expr: sum by (job) (rate(errors_total[5m])) > 1
for: 5m
labels: {severity: page}
annotations: {summary: "{{ $labels.job }} fails", runbook_url: rb.md}
"""
    )
    assert _checks(rule, tmp_path) == {}


def test_a_bare_paging_rule_is_found_wanting_by_each_gate_check(tmp_path: Path) -> None:
    rule = _rule("expr: up == 0\nlabels: {severity: critical}")
    assert sorted(_checks(rule, tmp_path)) == ["for-duration", "remediation", "runbook-url"]
    assert sorted(_checks(_rule("expr: up == 0"), tmp_path)) == [
        "remediation",
        "runbook-url",
        "severity-label",
    ]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://runbooks.example/x", None),
        ("https://runbooks.example/{{ $labels.alertname }}", None),
        ("docs/none.md", "no such file in the repository"),
        ("https:///x", "has no host"),
        ("ftp://host/x", "use an http(s) URL or a repository path"),
        ("{{ $labels.runbook }}", "is templated but does not start with an http(s) URL"),
    ],
)
def test_runbook_urls_must_resolve(tmp_path: Path, url: str, problem: str | None) -> None:
    rule = _rule(f"expr: up == 0\nannotations: {{runbook_url: '{url}'}}")
    found = _checks(rule, tmp_path).get("runbook-resolves")
    assert (found is None) if problem is None else (problem in str(found))


@pytest.mark.parametrize(
    ("query", "fires_for_every_series"),
    [
        ("up", True),
        ("rate(errors_total[5m])", True),
        ("up == 0", False),
        ("up == bool 0", True),
        ('absent(up{job="a"})', False),
        ("up and on (job) (errors > 1)", False),
        ("vector(1)", False),  # a heartbeat (Watchdog): fires on purpose
    ],
)
def test_an_alert_without_a_comparison_is_found(
    tmp_path: Path, query: str, fires_for_every_series: bool
) -> None:
    found = _checks(_rule(f"expr: '{query}'"), tmp_path)
    assert ("comparison" in found) is fires_for_every_series


def test_a_label_replace_regex_prometheus_refuses_is_found(tmp_path: Path) -> None:
    rule = _rule("""expr: 'label_replace(up, "a", "$1", "b", "(.*") == 0'""")
    assert (
        "invalid regular expression in label_replace(): (.*"
        in (_checks(rule, tmp_path)["label-replace-regex"])
    )


def test_a_template_reading_a_label_the_query_aggregates_away_is_found(tmp_path: Path) -> None:
    rule = _rule(
        """
expr: sum by (job) (rate(errors_total[5m])) > 1
annotations:
  summary: "{{ $labels.job }} on {{ $labels.instance }}"
  description: "{{ if $labels.cluster }}in {{ $labels.cluster }}{{ end }}"
"""
    )
    found = _checks(rule, tmp_path)["template-labels"]
    assert found.startswith("annotation 'summary' reads $labels.instance")
    assert "result has only labels {job}" in found
    # Guarded by `if`, reading an absent label is deliberate: not a finding.
    assert "cluster" not in found


@pytest.mark.parametrize(
    ("query", "labels"),
    [
        ("up == 0", None),
        ("sum(x) / sum(y) > 0.1", set()),
        ("sum by (a, b) (x) > 1", {"a", "b"}),
        ("sum without (a) (x)", None),
        ("sum without (a) (sum by (a, b) (x))", {"b"}),
        ("histogram_quantile(0.9, sum by (le, job) (rate(h[5m]))) > 1", {"job"}),
        ('count_values("v", sum by (a) (x))', {"v"}),
        ('count_values by (a) ("v", x)', {"a", "v"}),
        ("sum by (a, b) (x) / on (a) sum by (a) (y)", {"a"}),
        ("sum by (a, b) (x) / ignoring (b) sum by (a) (y)", {"a"}),
        ("sum by (a) (x) * on (a) group_left (c) y", {"a", "c"}),
        ("sum by (a) (x) and on (a) y", {"a"}),
        ("sum by (a) (x) or sum by (b) (y)", {"a", "b"}),
        ('label_replace(sum by (a) (x), "d", "$1", "a", "(.*)")', {"a", "d"}),
        ("topk(3, sum by (a) (x))", {"a"}),
        ('absent(up{job="a"})', None),
        ("vector(1)", set()),
    ],
)
def test_result_labels_are_told_only_when_certain(query: str, labels: set[str] | None) -> None:
    assert result_labels(parse(query)) == (None if labels is None else frozenset(labels))


def test_label_references_in_templates() -> None:
    read, guarded = label_references(
        '{{ $labels.job }} {{ .Labels.pod }} {{ index $labels "x" }} {{ with $labels.ns }}.{{ end }}'
    )
    assert read == {"job", "pod", "x", "ns"} and guarded == {"ns"}
    assert label_references("{{ $labels := .Labels }}{{ $labels.job }}") == (set(), set())
