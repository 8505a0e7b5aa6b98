"""promtool test files with native histograms run as pytest items (issue 16, item 4)."""

from __future__ import annotations

import pytest

HISTOGRAM_TESTS = """\
evaluation_interval: 1m
tests:
  - name: histogram count
    input_series:
      - series: 'http_seconds{job="api"}'
        values: "{{schema:0 sum:0 count:0 buckets:[0 0]}}+{{sum:3 count:6 buckets:[2 4]}}x10"
    promql_expr_test:
      - expr: histogram_count(rate(http_seconds[5m]))
        eval_time: 10m
        exp_samples:
          - labels: '{job="api"}'
            value: 0.1
      - expr: http_seconds
        eval_time: 1m
        exp_samples:
          - labels: 'http_seconds{job="api"}'
            histogram: "{{count:6 sum:3 counter_reset_hint:not_reset buckets:[2 4]}}"
  - name: wrong quantile
    input_series:
      - series: 'http_seconds{job="api"}'
        values: "{{schema:0 sum:3 count:6 buckets:[2 4]}}x2"
    promql_expr_test:
      - expr: histogram_quantile(0.5, http_seconds)
        eval_time: 1m
        exp_samples:
          - labels: '{job="api"}'
            value: 2
  - name: bad notation
    input_series:
      - series: h
        values: "{{schema:0 colour:1}}"
    promql_expr_test:
      - {expr: h, eval_time: 0m, exp_samples: []}
"""


def test_native_histogram_groups_pass_fail_and_name_bad_notation(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yml", histo_test=HISTOGRAM_TESTS)
    result = pytester.runpytest("histo_test.yml", "-v", "-rfE")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "histo_test.yml::histogram count PASSED*",
            '*expected {job="api"} 2E+00, got {job="api"} 1.189207115002721E+00*',
            '*histo_test.yml:30: input series*bad histogram descriptor found: "colour"*',
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "skipped" not in result.stdout.str().lower()
