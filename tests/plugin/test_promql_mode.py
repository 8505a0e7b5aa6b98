"""The PromQL mode as a user sees it: in the header, in every engine failure with the
setting that switches it, and where a file passes only in the other mode, said so."""

from __future__ import annotations

import pytest

RULES = """\
groups:
  - name: g
    rules:
      - record: job:requests:count5m
        expr: count_over_time(requests_total[5m])
"""

# Samples every minute: a 5m window at 5m holds 6 of them in 2.x (closed
# windows) and 5 in Prometheus 3 (left-open windows).
WRITTEN_FOR_2X = """\
rule_files: [rules.yaml]
tests:
  - name: five minutes of samples
    interval: 1m
    input_series:
      - {series: 'requests_total{job="api"}', values: '0+1x10'}
    promql_expr_test:
      - expr: job:requests:count5m
        eval_time: 5m
        exp_samples: [{labels: 'job:requests:count5m{job="api"}', value: 6}]
"""

WRONG_IN_BOTH = WRITTEN_FOR_2X.replace("value: 6", "value: 42")

# A rule that cannot be evaluated in either mode: many-to-many matching.
BROKEN_RULES = """\
groups:
  - name: g
    rules:
      - record: job:requests:count5m
        expr: requests_total / on() requests_total
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    specs = pytester.mkdir("slo_specs")
    (specs / "rules.yaml").write_text(RULES)
    return pytester


def test_the_header_names_the_mode(project: pytest.Pytester) -> None:
    result = project.runpytest("--burnin")
    result.stdout.fnmatch_lines(["burnin: *; PromQL compat 3 (Prometheus 3 semantics, promtool 3)"])
    project.makeini("[pytest]\nburnin_promql_compat = 2\n")
    result = project.runpytest("--burnin")
    result.stdout.fnmatch_lines(
        ["burnin: *; PromQL compat 2 (Prometheus 2.x semantics, promtool 2.42)"]
    )
    # Without --burnin too, when spec files or folders are named.
    (project.path / "slo_specs" / "rules_test.yaml").write_text(WRITTEN_FOR_2X)
    result = project.runpytest("slo_specs/rules_test.yaml")
    result.stdout.fnmatch_lines(
        ["burnin: *; PromQL compat 2 (Prometheus 2.x semantics, promtool 2.42)"]
    )


def test_a_file_written_for_2x_says_it_passes_under_compat_2(project: pytest.Pytester) -> None:
    (project.path / "slo_specs" / "rules_test.yaml").write_text(WRITTEN_FOR_2X)
    result = project.runpytest("--burnin")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "promtool test five minutes of samples: 1 failure: * (passes under compat 2)",
            "*passes under compat 2: set burnin_promql_compat = 2 in the ini file"
            " if this file was written for promtool 2.42",
            "*ran under PromQL compat 3 (Prometheus 3 semantics, promtool 3);"
            " the other mode is burnin_promql_compat = 2 in the ini file",
        ]
    )
    # The switch the failure names works: the same file passes.
    project.makeini("[pytest]\nburnin_promql_compat = 2\n")
    project.runpytest("--burnin").assert_outcomes(passed=1)


def test_a_file_wrong_in_both_modes_names_the_mode_and_nothing_more(
    project: pytest.Pytester,
) -> None:
    (project.path / "slo_specs" / "rules_test.yaml").write_text(WRONG_IN_BOTH)
    result = project.runpytest("--burnin")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "passes under compat" not in out
    result.stdout.fnmatch_lines(
        ["*ran under PromQL compat 3 (Prometheus 3 semantics, promtool 3)*"]
    )


def test_a_rule_evaluation_failure_names_the_mode(project: pytest.Pytester) -> None:
    (project.path / "slo_specs" / "rules.yaml").write_text(BROKEN_RULES)
    (project.path / "slo_specs" / "rules_test.yaml").write_text(WRITTEN_FOR_2X)
    project.makeini("[pytest]\nburnin_promql_compat = 2\n")
    result = project.runpytest("--burnin")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Traceback" not in out
    result.stdout.fnmatch_lines(
        [
            "promtool test five minutes of samples: *",
            "*ran under PromQL compat 2 (Prometheus 2.x semantics, promtool 2.42);"
            " the other mode is burnin_promql_compat = 3 in the ini file",
        ]
    )
