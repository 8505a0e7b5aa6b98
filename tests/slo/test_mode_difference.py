"""An SLO the embedded engine judges names its PromQL mode when it fails, and says so
when the other mode would pass it; one failing in both modes claims nothing more."""

from __future__ import annotations

import pytest

from .test_windows_budgeting import GLUE, write

# SMALL_DATA (tests/conftest.py) has a sample every minute. Evaluated at its last
# sample, a 1h window holds 61 of them under Prometheus 2.x (closed windows: the
# sample exactly at the window's start counts) and 60 under Prometheus 3 (left-open).
COUNTED = """\
apiVersion: burnin/v1
kind: SLO
metadata: {{name: samples}}
spec:
  indicator:
    threshold:
      query: sum(count_over_time(checked_total[{{{{window}}}}]))
  objective: {{at_least: {bound}}}
  window: 1h
"""


def test_an_slo_met_only_under_2x_says_it_passes_under_compat_2(
    spec_dir: pytest.Pytester,
) -> None:
    write(spec_dir, COUNTED.format(bound=61))
    result = spec_dir.runpytest("--burnin", *GLUE)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*SLO samples: measured 60 over 1h misses objective >= 61 (passes under compat 2)",
            "*passes under compat 2: set burnin_promql_compat = 2 in the ini file"
            " if this file was written for promtool 2.42",
            "*ran under PromQL compat 3 (Prometheus 3 semantics, promtool 3);"
            " the other mode is burnin_promql_compat = 2 in the ini file",
        ]
    )
    spec_dir.makeini("[pytest]\nburnin_promql_compat = 2\n")
    result = spec_dir.runpytest("--burnin", "-rA", *GLUE)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["PASS  SLO samples: measured 61 over 1h, objective >= 61*"])


def test_the_other_way_round_names_compat_3(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, COUNTED.format(bound=61).replace("at_least", "below"))
    spec_dir.makeini("[pytest]\nburnin_promql_compat = 2\n")
    result = spec_dir.runpytest("--burnin", *GLUE)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*SLO samples: measured 61 over 1h misses objective < 61* (passes under compat 3)",
            "*ran under PromQL compat 2 (Prometheus 2.x semantics, promtool 2.42);"
            " the other mode is burnin_promql_compat = 3 in the ini file",
        ]
    )


def test_an_slo_missed_in_both_modes_names_the_mode_and_nothing_more(
    spec_dir: pytest.Pytester,
) -> None:
    write(spec_dir, COUNTED.format(bound=100))
    result = spec_dir.runpytest("--burnin", *GLUE)
    result.assert_outcomes(passed=1, failed=1)
    assert "passes under compat" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*SLO samples: measured 60 over 1h misses objective >= 100*",
            "*ran under PromQL compat 3 (Prometheus 3 semantics, promtool 3)*",
        ]
    )


def test_an_slo_the_engine_cannot_evaluate_names_the_mode(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, COUNTED.format(bound=61).replace("checked_total", "missing_total"))
    result = spec_dir.runpytest("--burnin", *GLUE)
    result.assert_outcomes(passed=1, errors=1)
    assert "passes under compat" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*SLO:samples: could not evaluate: *no data: the query returned no series*",
            "*ran under PromQL compat 3 (Prometheus 3 semantics, promtool 3)*",
        ]
    )
