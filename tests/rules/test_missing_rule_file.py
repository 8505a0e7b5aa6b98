"""A rule_files pattern that matches nothing: what we say promtool does is what it does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_burnin.rules.promtool import run_file
from tests.binaries import require

# One group expects an alert, one expects none, one queries only its input series.
TEST_FILE = """\
rule_files: [missing.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: x
        values: 1 2 3
    alert_rule_test:
      - eval_time: 1m
        alertname: A
        exp_alerts:
          - exp_labels: {}
  - interval: 1m
    input_series:
      - series: x
        values: 1 2 3
    alert_rule_test:
      - eval_time: 1m
        alertname: A
  - interval: 1m
    input_series:
      - series: x
        values: 1 2 3
    promql_expr_test:
      - expr: x
        eval_time: 1m
        exp_samples:
          - labels: x
            value: 2
"""


def test_we_fail_every_group_and_say_what_promtool_would_do(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TEST_FILE)
    results = run_file(path)
    assert [r.status for r in results] == ["failed"] * 3
    for r in results:
        assert 'rule file "missing.yaml" matches no file' in r.failures[0]
        assert "promtool only warns 'no file match pattern missing.yaml'" in r.failures[0]
        assert "silently" not in r.failures[0]


@pytest.mark.parametrize("tool", ["promtool", "promtool-3.5"])
def test_promtool_warns_then_fails_expected_alerts_and_passes_the_rest(
    tool: str, tmp_path: Path
) -> None:
    binary = require(tool)
    outcomes = {}
    for i, group in enumerate(TEST_FILE.split("  - interval")[1:]):
        one = tmp_path / f"t{i}.yaml"
        one.write_text(TEST_FILE.split("  - interval")[0] + "  - interval" + group)
        proc = subprocess.run(
            [binary.path, "test", "rules", one.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert "no file match pattern missing.yaml" in proc.stdout + proc.stderr
        outcomes[i] = proc.returncode
    assert outcomes == {0: 1, 1: 0, 2: 0}, binary.version
