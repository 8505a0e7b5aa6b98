"""The OpenSLO and Sloth examples evaluate green over the shipped data, as the native SLOs do.

They live here until the glue is registered; then they can move to
``slo_specs/openslo/`` unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

EXAMPLES = Path(__file__).parent / "examples"


def test_examples_are_green_over_the_shipped_data(pytester: pytest.Pytester) -> None:
    specs = pytester.mkdir("slo_specs")
    shutil.copy(REPO / "slo_specs" / "sources.yaml", specs)
    (specs / "data").mkdir()
    shutil.copy(REPO / "slo_specs" / "data" / "ingest.om", specs / "data")
    shutil.copytree(EXAMPLES, specs / "openslo")
    # With every other part active (the rule generator's alert tests included).
    result = pytester.runpytest("--burnin", "-rA")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines_random(
        [
            # The same figures as the native SLOs of slo_specs/slos.yaml.
            "PASS  SLO integrity-openslo: 0.474% bad over 14d, objective <= 1% (budget left 52.6%)",
            "PASS  SLO ingest/ingestion-success-sloth: 0.285% bad over 30d, objective <= 1%*",
            "PASS  SLO integrity-daily-openslo: 92.9% of 1d slices good (13/14 <= 1%) over 14d*",
        ]
    )
