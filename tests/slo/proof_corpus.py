"""The SLOs whose alert proofs must keep their verdicts and headlines (issue 15):
the shipped example, tests/slo/examples and Sloth's own examples (where
../shared/slo-formats is present)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pytest_burnin.errors import BurninError
from pytest_burnin.kinds import Expanding
from pytest_burnin.project import entry_from_document
from pytest_burnin.registry import builtin_kinds
from pytest_burnin.slo.behaviour import check_names
from pytest_burnin.slo.rules_gen import SLORules, slo_rules
from pytest_burnin.spec.model import document_kind, load_spec_file

from .sloth_corpus import SLOTH

ROOT = Path(__file__).resolve().parents[2]
KINDS = builtin_kinds()
FILES = [ROOT / "slo_specs" / "slos.yaml", *sorted((ROOT / "tests/slo/examples").glob("*.yaml"))]


def corpus_files() -> list[Path]:
    sloth = sorted(SLOTH.glob("*.y*ml")) if SLOTH.is_dir() else []
    return FILES + sloth


def proof_cases(files: list[Path] | None = None) -> Iterator[tuple[str, SLORules, str]]:
    """(file/slo/check, the SLO's rules, check name) for every proof the files bring."""
    for path in files if files is not None else corpus_files():
        try:
            docs = load_spec_file(path)
        except BurninError:
            continue
        for doc in docs:
            kind = document_kind(doc)
            if kind not in ("SLO", "Sloth", "OpenSLO"):
                continue
            handler = KINDS[kind]
            try:
                if isinstance(handler, Expanding):
                    entries = handler.expand(doc)
                else:
                    entries = [entry_from_document(doc, kind, handler)]
            except BurninError:
                continue  # refused with a reason: test_sloth_corpus.py checks which and why
            for entry in entries:
                if entry.kind not in ("SLO", "Sloth", "OpenSLO"):
                    continue
                try:
                    handler.check(entry)
                    rules = slo_rules(entry)
                except BurninError:
                    continue
                for check in check_names(rules):
                    yield f"{path.parent.name}/{path.name}:{entry.name}/{check}", rules, check
