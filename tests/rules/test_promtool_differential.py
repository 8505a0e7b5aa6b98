"""Byte-for-byte comparison with the real promtool (2.x), where it is installed.

The data files fail on purpose (``exp_alerts: []``, ``exp_samples: []``), so
promtool prints everything it computed: alert labels and rendered annotations,
ALERTS / ALERTS_FOR_STATE samples, staleness of recorded series, a limit error.
Our runner (compat 2) must print exactly the same failures.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_burnin.rules.promtool import RunOptions, run_file

DATA = Path(__file__).parent / "data"
PROMTOOL = shutil.which("promtool")


def promtool_version() -> str:
    if PROMTOOL is None:
        return ""
    out = subprocess.run([PROMTOOL, "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout + out.stderr


pytestmark = pytest.mark.skipif(
    "version 2." not in promtool_version(), reason="promtool 2.x is not installed"
)


@pytest.mark.parametrize("name", ["semantics_test.yml", "templates_test.yml"])
def test_failures_match_promtool_2(name: str) -> None:
    proc = subprocess.run(
        [PROMTOOL or "promtool", "test", "rules", name],
        cwd=DATA,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    theirs = [
        ln
        for ln in (proc.stdout + proc.stderr).splitlines()
        if ln and not ln.startswith(("Unit Testing", "  FAILED:"))
    ]
    ours = [
        ln
        for r in run_file(DATA / name, RunOptions(compat=2))
        for f in r.failures
        for ln in f.splitlines()
        if ln
    ]
    assert ours == theirs
