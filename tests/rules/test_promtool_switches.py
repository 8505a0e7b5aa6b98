"""promtool test rules' switches as ini options: --run and --ignore-unknown-fields."""

from __future__ import annotations

import pytest

RULES = """\
groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        owner: team-a
"""
TESTS = """\
rule_files: [rules.yaml]
tests:
  - name: fast-down
    interval: 1m
    input_series:
      - {series: 'up{job="a"}', values: 0x5}
    alert_rule_test:
      - {eval_time: 2m, alertname: Down, exp_alerts: [{exp_labels: {job: a}}]}
  - name: slow-up
    interval: 1m
    input_series:
      - {series: 'up{job="a"}', values: 1x5}
    alert_rule_test:
      - {eval_time: 2m, alertname: Down, exp_alerts: []}
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    # Outside slo_specs, so the rule file is only what the tests load, not a spec.
    folder = pytester.mkdir("promtool")
    (folder / "rules.yaml").write_text(RULES.replace("        owner: team-a\n", ""))
    (folder / "rules_test.yaml").write_text(TESTS)
    pytester.mkdir("slo_specs")
    return pytester


def _run(project: pytest.Pytester, ini: str) -> pytest.RunResult:
    project.makeini(f"[pytest]\nburnin_promtool_files = promtool/*_test.yaml\n{ini}\n")
    # The test file named: its groups only (a folder would collect the rule file too).
    return project.runpytest("-p", "no:randomly", "promtool/rules_test.yaml")


def test_run_keeps_only_the_matching_groups(project: pytest.Pytester) -> None:
    result = _run(project, "burnin_promtool_run = ^fast")
    result.assert_outcomes(passed=1, deselected=1)


def test_several_run_patterns_keep_any_match(project: pytest.Pytester) -> None:
    result = _run(project, "burnin_promtool_run = ^fast up$")
    result.assert_outcomes(passed=2)


def test_a_bad_run_regex_is_an_error_at_its_ini_line(project: pytest.Pytester) -> None:
    result = _run(project, "burnin_promtool_run = (fast")
    assert result.ret != 0
    out = result.stdout.str() + result.stderr.str()
    assert "tox.ini:3" in out or "pytest.ini:3" in out
    assert "burnin_promtool_run '(fast' is not a regex" in out
    assert "Traceback" not in out


def test_unknown_rule_fields_fail_unless_ignored(project: pytest.Pytester) -> None:
    (project.path / "promtool" / "rules.yaml").write_text(RULES)
    result = _run(project, "")
    result.assert_outcomes(failed=2)
    assert "field owner not found" in result.stdout.str()
    result = _run(project, "burnin_promtool_ignore_unknown_fields = true")
    result.assert_outcomes(passed=2)
