"""Which test-file entry a failure is about, from our runner and from promtool's text."""

from __future__ import annotations

from pathlib import Path

from pytest_burnin.rules.promtool import load_test_file, run_group

TEST_FILE = """\
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="a"}'
        values: 1x10
    promql_expr_test:
      - expr: up
        eval_time: 1m
        exp_samples:
          - labels: 'up{job="a"}'
            value: 1
      - expr: 'up{job="a"} * 2'
        eval_time: 2m
        exp_samples:
          - labels: '{job="a"}'
            value: 3
"""


def test_the_failing_expr_entry_is_named_by_both_runners(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TEST_FILE)
    tf = load_test_file(path)
    group = tf.groups[0]
    res = run_group(tf, group)
    assert res.status == "failed"
    second = TEST_FILE.splitlines().index("      - expr: 'up{job=\"a\"} * 2'") + 1
    assert res.failure_lines == [second]
    # Our failure text is promtool's, so the same entry is found from promtool's output.
    assert group.line_of_failure("  FAILED:\n" + res.failures[0]) == second
    assert group.line_of_failure("  FAILED:\n    something else") is None
