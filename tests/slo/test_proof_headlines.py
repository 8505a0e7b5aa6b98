"""Alert proofs give the verdicts and headlines they gave before they were shared and
made incremental (issue 15): ``proof_headlines.json`` was recorded by
``scripts/record_proof_headlines.py`` from the implementation before that work,
over the example, tests/slo/examples and Sloth's examples (those skip where
../shared/slo-formats is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_burnin.slo.behaviour import run_check
from pytest_burnin.slo.proof_cache import ProofCache

from .proof_corpus import corpus_files, proof_cases

RECORDED: dict[str, list[object]] = json.loads(
    (Path(__file__).parent / "proof_headlines.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_proof_verdicts_and_headlines_are_the_recorded_ones(path: Path, tmp_path: Path) -> None:
    cases = list(proof_cases([path]))
    recorded = {k for k in RECORDED if k.startswith(f"{path.parent.name}/{path.name}:")}
    assert {k for k, _, _ in cases} == recorded
    for key, rules, check in cases:
        # A cache of this file's own: shared only between its SLOs, never from another test.
        result = run_check(rules, check, ProofCache(tmp_path))
        assert [result.passed, result.headline, result.skipped is not None] == RECORDED[key], key
