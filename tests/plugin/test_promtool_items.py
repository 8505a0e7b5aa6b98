"""promtool test files and Prometheus rule files as pytest items."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO

RULES = """\
groups:
  - name: g
    rules:
      - alert: HighErrors
        expr: errors > 5
        for: 2m
        labels: {severity: page}
        annotations:
          summary: "errors at {{ $value }}"
          runbook_url: https://runbooks.example.test/high-errors
"""

TEST_FILE = """\
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - name: fires
    interval: 1m
    input_series:
      - series: errors{job="a"}
        values: 0 10x10
    alert_rule_test:
      - eval_time: 5m
        alertname: HighErrors
        exp_alerts:
          - exp_labels: {severity: page, job: a}
            exp_annotations:
              summary: "errors at 10"
              runbook_url: https://runbooks.example.test/high-errors
  - interval: 1m
    input_series:
      - series: errors{job="a"}
        values: 0 10x10
    promql_expr_test:
      - expr: errors
        eval_time: 2m
        exp_samples:
          - labels: errors{job="a"}
            value: 10
"""


@pytest.fixture
def promtool_dir(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", rules=RULES, rules_test=TEST_FILE)
    return pytester


def test_each_group_is_an_item_named_by_name_or_index(promtool_dir: pytest.Pytester) -> None:
    result = promtool_dir.runpytest("rules_test.yaml", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["rules_test.yaml::fires PASSED*", "rules_test.yaml::1 PASSED*"])


def test_ini_globs_collect_promtool_files(promtool_dir: pytest.Pytester) -> None:
    promtool_dir.makeini("[pytest]\nburnin_promtool_files = *_test.yaml\n")
    result = promtool_dir.runpytest("-q")
    result.assert_outcomes(passed=2)


def test_ini_globs_lint_rule_files_anywhere(promtool_dir: pytest.Pytester) -> None:
    promtool_dir.makeini("[pytest]\nburnin_rule_files = rules.yaml\n")
    result = promtool_dir.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["rules.yaml::Rule:HighErrors PASSED*"])


def test_a_wrong_expectation_fails_with_promtool_message_and_diff(
    promtool_dir: pytest.Pytester,
) -> None:
    promtool_dir.makefile(
        ".yaml", rules_test=TEST_FILE.replace('summary: "errors at 10"', 'summary: "errors at 11"')
    )
    result = promtool_dir.runpytest("rules_test.yaml", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "promtool test fires: 1 failure: alert HighErrors at 5m: "
            'annotations.summary: expected "errors at 11", got "errors at 10"',
            "  at rules_test.yaml:10",
            '  annotations.summary: expected "errors at 11", got "errors at 10"',
            "*alertname: HighErrors, time: 5m*",
            "*exp:*",
            '*summary="errors at 11"*',
            "*got:*",
            '*summary="errors at 10"*',
            # The failure points at the failing alert_rule_test entry, not the group.
            "rules_test.yaml:10",
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("values: 0 10x10\n    alert", "values: 0 10y10\n    alert"),
            "*rules_test.yaml:*: input series *: 1:19: parse error*",
        ),
        (
            ("expr: errors > 5", "expr: errors >"),
            "*rules.yaml: 5:15:*could not parse expression: 1:9: parse error*",
        ),
        (
            ("expr: errors > 5", "expr: nosuchfunc(errors) > 5"),
            '*rules.yaml: 5:15:*unknown function with name "nosuchfunc"*',
        ),
        (('"errors at {{ $value }}"', '"errors at {{ $value "'), "*rules.yaml:*template*"),
        (("rule_files: [rules.yaml]", "rule_files: [missing.yaml]"), "*missing.yaml*"),
    ],
    ids=[
        "bad-series-notation",
        "unparsable-promql",
        "unknown-function",
        "template-error",
        "missing-rule-file",
    ],
)
def test_bad_input_is_a_clear_failure_naming_file_line(
    promtool_dir: pytest.Pytester, change: tuple[str, str], expected: str
) -> None:
    old, new = change
    target = "rules.yaml" if old in RULES else "rules_test.yaml"
    text = (RULES if target == "rules.yaml" else TEST_FILE).replace(old, new)
    assert text != (RULES if target == "rules.yaml" else TEST_FILE)
    (promtool_dir.path / target).write_text(text)
    result = promtool_dir.runpytest("rules_test.yaml", "-rfE")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) < 2, result.stdout.str()
    assert outcomes.get("failed", 0) + outcomes.get("errors", 0) >= 1
    result.stdout.fnmatch_lines([expected])
    assert "Traceback" not in result.stdout.str()
    assert result.ret != 0


def test_rule_lint_items_check_gate_fields(pytester: pytest.Pytester) -> None:
    specs = pytester.mkdir("slo_specs")
    (specs / "alerts.yaml").write_text(
        "groups:\n  - name: g\n    rules:\n"
        "      - alert: Good\n        expr: up == 0\n        for: 5m\n        labels: {severity: page}\n"
        "        annotations: {summary: s, runbook_url: 'https://example.test/rb'}\n"
        "      - alert: Bare\n        expr: up == 0\n        labels: {severity: page}\n"
        "        annotations: {runbook_url: docs/missing.md}\n"
    )
    strict = "runbook-url:error runbook-resolves:error remediation:error for-duration:error"
    pytester.makeini(f"[pytest]\nburnin_lint = {strict}\n")
    result = pytester.runpytest("--burnin", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Rule Bare: 3 gate problems: no remediation or summary annotation*",
            "*runbook_url 'docs/missing.md': no such file in the repository [[]runbook-resolves]",
            "*severity page alert without 'for:'*",
            "*slo_specs/alerts.yaml:9",
        ]
    )


def test_require_coverage_fails_untested_alerts(promtool_dir: pytest.Pytester) -> None:
    specs = promtool_dir.mkdir("slo_specs")
    shutil.copy(promtool_dir.path / "rules.yaml", specs / "rules.yaml")
    result = promtool_dir.runpytest("--burnin", "-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*Rule HighErrors: gate checks pass; not exercised by any test"])
    result = promtool_dir.runpytest("--burnin", "--burnin-require-coverage", "-rf")
    result.assert_outcomes(failed=1)
    shutil.copy(promtool_dir.path / "rules_test.yaml", specs / "rules_test.yaml")
    result = promtool_dir.runpytest("--burnin", "--burnin-require-coverage")
    result.assert_outcomes(passed=3)


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_shipped_test_file_passes_under_real_promtool() -> None:
    proc = subprocess.run(
        ["promtool", "test", "rules", "alerts_test.yaml"],
        cwd=REPO / "slo_specs",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_engine_gives_the_same_items_and_outcomes(promtool_dir: pytest.Pytester) -> None:
    promtool_dir.makefile(
        ".yaml", rules_test=TEST_FILE.replace('summary: "errors at 10"', 'summary: "errors at 11"')
    )
    embedded = promtool_dir.runpytest("rules_test.yaml", "-v")
    real = promtool_dir.runpytest("rules_test.yaml", "-v", "--burnin-engine=promtool")
    for result in (embedded, real):
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(
            ["*rules_test.yaml::fires FAILED*", "*rules_test.yaml::1 PASSED*"]
        )
    real.stdout.fnmatch_lines(
        ["*promtool test fires: failed under promtool: alertname: HighErrors, time: 5m*"]
    )
    for result in (embedded, real):
        # Both point at the failing alert_rule_test entry, not at the group.
        result.stdout.fnmatch_lines(["*rules_test.yaml::fires FAILED*", "rules_test.yaml:10"])
