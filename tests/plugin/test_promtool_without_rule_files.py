"""promtool test files need no rule_files: groups may test input_series alone (issue 16)."""

from __future__ import annotations

import pytest

NO_RULE_FILES = """\
evaluation_interval: 1m
tests:
  - name: series only
    input_series:
      - series: test
        values: 0 1
    promql_expr_test:
      - expr: test
        eval_time: 1m
        exp_samples:
          - value: 1
            labels: test
  - name: wrong value
    input_series:
      - series: test
        values: 0 1
    promql_expr_test:
      - expr: test
        eval_time: 1m
        exp_samples:
          - value: 2
            labels: test
"""


def test_a_test_file_without_rule_files_is_a_promtool_test_file(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yml", series_test=NO_RULE_FILES)
    result = pytester.runpytest("series_test.yml", "-v", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "series_test.yml::series only PASSED*",
            "series_test.yml::wrong value FAILED*",
            '*expected {__name__="test"} 2E+00, got {__name__="test"} 1E+00*',
        ]
    )
    assert "no apiVersion" not in result.stdout.str()


@pytest.mark.parametrize(
    "text",
    ["tests: [1, 2]\n", "tests:\n  - name: only a name\n", "tests: []\n"],
    ids=["not-mappings", "no-promtool-keys", "empty"],
)
def test_other_documents_with_tests_still_need_an_api_version(
    pytester: pytest.Pytester, text: str
) -> None:
    pytester.makefile(".yml", other_test=text)
    result = pytester.runpytest("other_test.yml", "-rE")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*other_test.yml:1*document has no apiVersion*"])
    assert "Traceback" not in result.stdout.str()
