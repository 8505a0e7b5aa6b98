"""A promtool test file's rule files are parsed in the run's PromQL mode (issue 14, items 5
and 7): under compat 2 with promtool 2.42's grammar and wording, so a rule 2.42 refuses
fails there as promtool 2.42 fails it, byte for byte, and passes under compat 3 as
promtool 3.5.3 passes it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_burnin.rules.promtool import RunOptions, run_file
from tests.binaries import require

# A bare number of seconds as a range: Prometheus 3 reads [300] as 5m, 2.42 refuses it.
RULES = """\
groups:
  - name: g
    rules:
      - record: job:x:rate
        expr: sum by (job) (rate(x[300]))
"""
TESTS = """\
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'x{job="a"}'
        values: '0+60x10'
    promql_expr_test:
      - expr: job:x:rate
        eval_time: 10m
        exp_samples:
          - labels: 'job:x:rate{job="a"}'
            value: 1
"""
MESSAGE_242 = (
    'rules.yml: 5:15: group "g", rule 1, "job:x:rate": could not parse expression: '
    "1:22: parse error: missing unit character in duration"
)


@pytest.fixture
def test_file(tmp_path: Path) -> Path:
    (tmp_path / "rules.yml").write_text(RULES)
    path = tmp_path / "test.yml"
    path.write_text(TESTS)
    return path


def test_compat_2_refuses_what_promtool_242_refuses_in_its_words(test_file: Path) -> None:
    [result] = run_file(test_file, RunOptions(compat=2))
    assert result.status == "failed"
    assert result.failures == [MESSAGE_242]


def test_compat_3_reads_the_same_file_as_promtool_3_does(test_file: Path) -> None:
    [result] = run_file(test_file, RunOptions(compat=3))
    assert result.status == "passed", result.failures


@pytest.mark.parametrize(("tool", "fails"), [("promtool", True), ("promtool-3.5", False)])
def test_real_promtool_says_the_same(tool: str, fails: bool, test_file: Path) -> None:
    binary = require(tool)
    proc = subprocess.run(
        [binary.path, "test", "rules", test_file.name],
        cwd=test_file.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert (proc.returncode != 0) is fails, out
    if fails:
        assert MESSAGE_242 in out, out


SUBQUERY_RULES = """\
groups:
  - name: g
    rules:
      - record: g:bad_minutes:30m
        expr: sum_over_time((count(g < 0.5))[30m:])
"""
SUBQUERY_TESTS = """\
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'g{client="a"}'
        values: '0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1'
    promql_expr_test:
      - expr: g:bad_minutes:30m
        eval_time: 40m
        exp_samples:
          - labels: 'g:bad_minutes:30m'
            value: {value}
"""


@pytest.mark.parametrize(
    ("compat", "tool", "value"), [(3, "promtool-3.5", 15), (2, "promtool", 16)]
)
def test_a_subquery_rule_is_evaluated_from_remembered_steps_as_promtool_evaluates_it(
    compat: int, tool: str, value: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every even minute is bad: 15 of the left-open 30m window (compat 3), 16 of the
    closed one (2.42). The runner keeps subquery steps across its evaluations."""
    from pytest_burnin.promql import subquery_memo

    made: list[subquery_memo.SubqueryMemo] = []
    real_init = subquery_memo.SubqueryMemo.__init__

    def spy(self: subquery_memo.SubqueryMemo, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(subquery_memo.SubqueryMemo, "__init__", spy)
    (tmp_path / "rules.yml").write_text(SUBQUERY_RULES)
    path = tmp_path / "test.yml"
    path.write_text(SUBQUERY_TESTS.replace("{value}", str(value)))
    [result] = run_file(path, RunOptions(compat=compat))
    assert result.status == "passed", result.failures
    assert sum(m.hits for m in made) > 10 * sum(m.evaluated for m in made) > 0
    binary = require(tool)
    proc = subprocess.run(
        [binary.path, "test", "rules", "test.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
