"""Alert proofs give the verdicts and headlines they gave before they were shared and
made incremental (issue 15): ``proof_headlines.json`` was recorded by
``scripts/record_proof_headlines.py`` from the implementation before that work,
over the example, tests/slo/examples and Sloth's examples (those skip where
../shared/slo-formats is absent). The Wi-Fi SLIs' proofs, refused then as too slow
(a subquery per window), were recorded once the engine kept subquery steps across
evaluations (issue 14); their page-1h, page-6h and ticket-1d headlines equal those of
the engine without that memo. The 99.9% Wi-Fi SLO's were recorded again once counted
gauges got copies (synth_gauge.py): one client made its page tier fire on the first bad
minute ("fired 1m into a 18x burn"), three give "19m"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_burnin.slo.behaviour import run_check
from pytest_burnin.slo.proof_cache import ProofCache

from .proof_corpus import FILES, corpus_files, proof_cases
from .sloth_corpus import CORPUS, SLOTH

RECORDED: dict[str, list[object]] = json.loads(
    (Path(__file__).parent / "proof_headlines.json").read_text(encoding="utf-8")
)


def recorded_files() -> list[Path]:
    """Ours, then Sloth's: those with recorded proofs (they skip where the corpus is absent)
    and those present without any (they must still have none)."""
    ours = {f"{p.parent.name}/{p.name}" for p in FILES}
    names = {k.split(":")[0].split("/", 1)[1] for k in RECORDED if k.split(":")[0] not in ours}
    present = {p.name for p in corpus_files() if p not in FILES}
    return FILES + [SLOTH / name for name in sorted(names | present)]


@pytest.mark.parametrize("path", recorded_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_proof_verdicts_and_headlines_are_the_recorded_ones(path: Path, tmp_path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{CORPUS} is absent")
    cases = list(proof_cases([path]))
    recorded = {k for k in RECORDED if k.startswith(f"{path.parent.name}/{path.name}:")}
    assert {k for k, _, _ in cases} == recorded
    for key, rules, check in cases:
        # A cache of this file's own: shared only between its SLOs, never from another test.
        result = run_check(rules, check, ProofCache(tmp_path))
        assert [result.passed, result.headline, result.skipped is not None] == RECORDED[key], key
