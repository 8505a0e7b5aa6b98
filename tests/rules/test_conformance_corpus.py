"""The whole promtool corpus: every group its authors expect to pass passes, and
every file failing by design fails naming its cause (scripts/conformance_rules.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import PEER_SUITES, REPO


@pytest.mark.skipif(not PEER_SUITES.is_dir(), reason="../shared/peer-suites is absent")
def test_conformance_script_finds_no_unexpected_outcome() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "conformance_rules.py"), str(PEER_SUITES)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    total = next(line for line in proc.stdout.splitlines() if line.startswith("total"))
    groups, passed, failed, xfailed, skipped = (int(x) for x in total.split()[1:6])
    assert (groups, failed) == (727, 0)
    assert passed + xfailed + skipped == groups
