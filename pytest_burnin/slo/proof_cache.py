"""Outcomes of alert proofs, computed once and shared (issue 15).

Pure core. A proof's outcome (when its alert first fired, which alerts fired)
is keyed by ``proof_key.proof_key``: the SLO with its names taken out, the
check, and a digest of this package's source, so a changed engine, rule
evaluator or proof never reads an outcome an older one computed. Outcomes
are kept in memory (one cache per folder for the process: ``shared``) and, when a folder is given, as one JSON
file per key (``<spool's parent>/cache/slo-proofs/``, written atomically), so
xdist workers and the next run share them. A file that cannot be read or
does not hold the key it is named after is ignored and the proof simulated
again. The folder is the run's own state, as the history store is: whoever
can write it can change verdicts, so it is not to be shared between
untrusted parties (delete it to start afresh).

Only outcomes are cached; verdicts and headlines are made from them with the
SLO's own names (``behaviour.py``), and a proof that raises (could not be
evaluated, cannot be proved) is never cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 1  # of the files; part of every key

_code_digest: list[str] = []


def code_version() -> str:
    """A digest of every module of the package (computed once per process, about 10 ms)."""
    if not _code_digest:
        import sys

        from ..promql import goregex

        root = Path(__file__).resolve().parents[1]
        # Regex semantics depend on whether google-re2 is installed (goregex falls back).
        engine = "re2" if goregex.RE2_AVAILABLE else "re"
        h = hashlib.sha256(f"format {FORMAT} python {sys.version_info[:2]} {engine}".encode())
        for path in sorted(root.rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
        _code_digest.append(h.hexdigest()[:16])
    return _code_digest[0]


class ProofCache:
    """Outcomes by key, in memory and (with ``folder``) on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.memory: dict[str, dict[str, Any]] = {}
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        found = self.memory.get(key)
        if found is None and self.folder is not None:
            found = self._read(key)
            if found is not None:
                self.memory[key] = found
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        outcome = compute()
        self.memory[key] = outcome
        if self.folder is not None:
            self._write(key, outcome)
        return outcome

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{key}.json"

    def _read(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        outcome = data.get("outcome")
        return outcome if isinstance(outcome, dict) else None

    def _write(self, key: str, outcome: dict[str, Any]) -> None:
        from ..fileio import atomic_write

        # A cache that cannot be written (read-only checkout) only costs time.
        with contextlib.suppress(OSError):
            atomic_write(self._path(key), json.dumps({"key": key, "outcome": outcome}))


_shared: dict[Path | None, ProofCache] = {}


def shared(folder: Path | None) -> ProofCache:
    """One cache per folder for the process (the items of a run share it)."""
    cache = _shared.get(folder)
    if cache is None:
        cache = _shared[folder] = ProofCache(folder)
    return cache


def folder_for(spool: Path) -> Path:
    """Where a run keeps proof outcomes: beside its spool (``.burnin/cache/slo-proofs``)."""
    return spool.parent / "cache" / "slo-proofs"
