"""The differential fuzzer against real Prometheus servers, about two minutes each.

2.42 (the system's) with the engine in compat 2, 3.5.3 (Debian sid's, see
tests/binaries.py) in the default mode. A fixed seed, so a failure reproduces
with ``python scripts/fuzz_promql.py --version V --seed 20261205``. Any finding
that tests/fuzz/known.py does not explain fails the test with the minimal
case printed in .test syntax; a Python exception in the engine is a finding.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import binaries
from tests.differential import DIFFERENTIAL
from tests.fuzz import server
from tests.fuzz.known import explain_name
from tests.fuzz.runner import Fuzzer

pytestmark = DIFFERENTIAL

SEED = 20261205
BUDGET_S = float(os.environ.get("BURNIN_FUZZ_BUDGET", "120"))
MIN_EXPRESSIONS = 300  # even a slow, shared machine gets this far in the budget


@pytest.mark.parametrize("version", sorted(server.VERSIONS))
def test_fuzzer_finds_no_unexplained_mismatch(version: str, tmp_path: Path) -> None:
    binaries.require(server.VERSIONS[version][0])
    prom, target = server.start(version, tmp_path)
    printed: list[str] = []
    try:
        fuzzer = Fuzzer(target, SEED, log=printed.append, explain=explain_name)
        report = fuzzer.run(count=10**9, budget_s=BUDGET_S)
    finally:
        prom.stop()
    explained = {c: n for c, n in report.causes.items() if not c.startswith("UNEXPLAINED")}
    print(
        f"\n{target.name} (compat {target.compat}): {report.expressions} expressions, "
        f"{report.queries} queries in {report.seconds:.0f}s; known causes: {explained}"
    )
    assert report.expressions >= MIN_EXPRESSIONS
    unexplained = [case for case in printed if case.startswith("# UNEXPLAINED")]
    assert not unexplained, "\n\n".join(unexplained)
