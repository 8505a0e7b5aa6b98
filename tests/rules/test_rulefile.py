"""Rule-file loading and ``promtool check rules`` validation, with file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.rules.rulefile import RuleFileError, load_rule_file, parse_rule_file


def errors(text: str, **kw: bool) -> list[str]:
    with pytest.raises(RuleFileError) as e:
        parse_rule_file(text, "r.yml", **kw)
    return [str(x) for x in e.value.errors]


def test_loads_groups_rules_and_marks() -> None:
    rf = parse_rule_file(
        """
groups:
  - name: g
    interval: 30s
    query_offset: 1m
    limit: 10
    labels: {team: a}
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        labels: {severity: page, team: b}
        annotations: {summary: "{{ $labels.job }}"}
""",
        "r.yml",
    )
    [g] = rf.groups
    assert (g.name, g.interval_ms, g.query_offset_ms, g.limit) == ("g", 30_000, 60_000, 10)
    rec, alert = g.rules
    assert rec.labels == {"team": "a"}  # group labels apply to every rule
    assert alert.labels == {"team": "b", "severity": "page"}  # the rule's own label wins
    assert (alert.for_ms, alert.keep_firing_for_ms, alert.index) == (300_000, 60_000, 2)
    assert alert.expr_mark == (12, 15)
    assert rec.parsed is not None


def test_bad_expression_names_file_line_col_like_promtool() -> None:
    text = "groups:\n  - name: bad-syntax\n    rules:\n      - record: x\n        expr: 'test +'\n"
    assert errors(text) == [
        'r.yml:5:15: group "bad-syntax", rule 1, "x": could not parse expression: '
        "1:7: parse error: unexpected end of input"
    ]


def test_structural_errors() -> None:
    text = """
groups:
  - name: g
    rules:
      - record: a
        alert: b
        expr: up
      - expr: up
      - record: "bad name"
        expr: up
      - record: r
        expr: up
        for: 5m
        annotations: {a: b}
      - alert: T
        expr: up
        labels: {"bad-label": x}
        annotations: {summary: "{{ nofunc }}"}
  - name: g
    rules: []
"""
    assert errors(text) == [
        "r.yml:5:17: group \"g\", rule 1, \"b\": only one of 'record' and 'alert' must be set",
        "r.yml:8:9: group \"g\", rule 2, \"\": one of 'record' or 'alert' must be set",
        'r.yml:9:17: group "g", rule 3, "bad name": invalid recording rule name: bad name',
        'r.yml:11:17: group "g", rule 4, "r": invalid field \'annotations\' in recording rule',
        'r.yml:11:17: group "g", rule 4, "r": invalid field \'for\' in recording rule',
        'r.yml:17:18: group "g", rule 5, "T": invalid label name: bad-label',
        'r.yml:18:32: group "g", rule 5, "T": annotation "summary": '
        'template: __alert_T:1: function "nofunc" not defined',
        'r.yml:19:5: groupname: "g" is repeated in the same file',
    ]


def test_unknown_fields_are_errors_unless_ignored() -> None:
    text = "groups:\n  - name: g\n    owner: me\n    rules:\n      - record: r\n        expr: up\n        exp: 1\n"
    assert errors(text) == [
        "r.yml:3:5: field owner not found in type rulefmt.RuleGroup",
        "r.yml:7:9: field exp not found in type rulefmt.RuleNode",
    ]
    assert parse_rule_file(text, "r.yml", ignore_unknown_fields=True).groups[0].rules[0].name == "r"


def test_yaml_errors_and_duplicate_keys() -> None:
    assert errors("groups:\n  - name: g\n    rules: [\n")[0].startswith("r.yml:4:1: yaml: ")
    dup = "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: a\n        expr: b\n"
    assert errors(dup) == ['r.yml:6:9: mapping key "expr" already defined at line 5']


def test_merge_keys_may_be_overridden() -> None:
    text = """
groups:
  - name: g
    rules:
      - &base
        alert: A
        expr: up == 0
      - <<: *base
        expr: up == 1
"""
    rules = parse_rule_file(text, "r.yml").groups[0].rules
    assert [r.expr for r in rules] == ["up == 0", "up == 1"]


def test_bad_durations_and_missing_file(tmp_path: Path) -> None:
    bad = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: 5 minutes\n"
    assert errors(bad) == [
        'r.yml:6:14: group "g", rule 1, "A": not a valid duration string: "5 minutes"'
    ]
    with pytest.raises(RuleFileError, match="cannot read rule file"):
        load_rule_file(tmp_path / "missing.yml")
