"""Rule-lint settings: check names, severities, their layers and ``# burnin:`` comments."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pytest_burnin.rules.lintconfig import (
    CHECKS,
    SEVERITIES,
    LintConfigError,
    LintSpec,
    PathOverride,
    lint_spec_of,
    parse_assignments,
    parse_directives,
    severities,
)

SCHEMA = Path(__file__).parents[2] / "pytest_burnin" / "spec" / "schemas" / "lint.schema.yaml"


def test_every_check_has_a_known_default_severity() -> None:
    assert all(c.default in SEVERITIES for c in CHECKS.values())
    # The gate's stricter checks are opt-in; what is actually broken fails by default.
    assert {n: c.default for n, c in CHECKS.items()} == {
        "runbook-url": "off",
        "runbook-resolves": "warning",
        "severity-label": "off",
        "remediation": "off",
        "for-duration": "warning",
        "comparison": "warning",
        "label-replace-regex": "error",
        "template-labels": "warning",
        "test-coverage": "off",
    }


def test_the_lint_schema_names_exactly_the_checks_there_are() -> None:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    checks = schema["$defs"]["checks"]
    assert checks["propertyNames"]["enum"] == list(CHECKS)
    assert checks["additionalProperties"]["enum"] == list(SEVERITIES)


def test_ini_assignments_are_read_and_unknown_names_refused() -> None:
    assert parse_assignments(["runbook-url:error", "for-duration:off"]) == {
        "runbook-url": "error",
        "for-duration": "off",
    }
    with pytest.raises(
        LintConfigError,
        match=r"unknown lint check 'runbook' \(did you mean 'runbook-url'\? known: runbook-url, ",
    ):
        parse_assignments(["runbook:error"])
    with pytest.raises(LintConfigError, match="severity must be one of error, warning, off"):
        parse_assignments(["runbook-url:fatal"])
    with pytest.raises(LintConfigError, match="write check:severity"):
        parse_assignments(["runbook-url"])


RULES = """\
# burnin: file/disable=for-duration
groups:
  - name: g
    rules:
      # Owned by another team; their runbooks live elsewhere.
      # burnin: disable=runbook-url, remediation
      - alert: A
        expr: up == 0
      - alert: B  # burnin: disable=severity-label
        expr: up == 0

      - alert: C
        expr: up == 0
"""


def test_comments_disable_checks_for_the_rule_below_and_the_whole_file() -> None:
    found = parse_directives(RULES)
    assert found.for_rule(7) == {"for-duration", "runbook-url", "remediation"}
    assert found.for_rule(9) == {"for-duration", "severity-label"}
    assert found.for_rule(12) == {"for-duration"}
    assert found.unattached([7, 9, 12]) == []
    # The same comment above no alerting rule is a mistake the rule file must show.
    assert found.unattached([9, 12]) == [6]
    # At the end of a line that does not start a rule, it would apply to nothing.
    assert found.unattached([7, 12]) == [9]


def test_a_hash_inside_a_quoted_value_is_not_a_comment() -> None:
    found = parse_directives("- alert: A\n  expr: 'x{a=\"# burnin: disable=nope\"}'\n")
    assert found.by_line == {} and found.end_comments == {}


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("# burnin: disable=runbook", "unknown lint check 'runbook'"),
        ("# burnin: disable=runbook-url,nonsense", "unknown lint check 'nonsense'"),
        ("# burnin: ignore=runbook-url", "cannot read '# burnin: ignore=runbook-url'"),
        ("# burnin: disable=", "cannot read"),
    ],
)
def test_malformed_comments_are_errors_at_their_line(comment: str, message: str) -> None:
    text = (
        f"groups:\n  - name: g\n    rules:\n      {comment}\n      - alert: A\n        expr: up\n"
    )
    with pytest.raises(LintConfigError, match=message) as info:
        parse_directives(text)
    assert info.value.line == 4


def test_layers_apply_in_order_later_winning(tmp_path: Path) -> None:
    rule_file = tmp_path / "team-a" / "alerts.yaml"
    spec = LintSpec(
        checks={"severity-label": "warning"},
        paths=(
            PathOverride(("team-a/*",), {"runbook-url": "error", "severity-label": "error"}),
            PathOverride(("team-b/*",), {"remediation": "error"}),
        ),
    )
    levels = severities(rule_file, tmp_path, {"runbook-url": "warning"}, [spec])
    assert levels["runbook-url"] == "error"
    assert levels["severity-label"] == "error"
    assert levels["remediation"] == "off"
    assert levels["template-labels"] == "warning"
    elsewhere = severities(tmp_path / "b.yaml", tmp_path, {"runbook-url": "warning"}, [spec])
    assert elsewhere["runbook-url"] == "warning" and elsewhere["severity-label"] == "warning"
    disabled = severities(rule_file, tmp_path, {}, [spec], disabled={"runbook-url"})
    assert disabled["runbook-url"] == "off"
    forced = severities(rule_file, tmp_path, {}, [], forced={"test-coverage": "error"})
    assert forced["test-coverage"] == "error"


def test_a_lint_spec_reads_one_glob_or_a_list() -> None:
    spec = lint_spec_of(
        {
            "checks": {"runbook-url": "warning"},
            "paths": [
                {"glob": "a/*.yaml", "checks": {"remediation": "error"}},
                {"glob": ["b/*.yaml", "c/*.yaml"], "checks": {"remediation": "off"}},
            ],
        }
    )
    assert spec.checks == {"runbook-url": "warning"}
    assert [p.globs for p in spec.paths] == [("a/*.yaml",), ("b/*.yaml", "c/*.yaml")]
