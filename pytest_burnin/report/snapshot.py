"""The latest run, persisted as ``.burnin/last_run.json`` at session end.

Why a JSON file rather than a store table: the exporter and the reports need
the verdicts and evidence of the *latest* run only, a run may happen where no
history store exists (CI without burn-in), and writing it must never contend
with the daily job's write lock. The file is replaced atomically.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..fileio import atomic_write

SNAPSHOT_FILE = ".burnin/last_run.json"
FORMAT = 1


@dataclass
class ItemResult:
    kind: str
    name: str
    outcome: str  # passed / failed / error / skipped
    headline: str
    properties: dict[str, str] = field(default_factory=dict)
    objective_op: str | None = None  # SLOs only: below / above / at_most / at_least
    objective_value: float | None = None

    def number(self, key: str) -> float | None:
        try:
            return float(self.properties[key])
        except (KeyError, ValueError):
            return None


@dataclass
class RunSnapshot:
    finished_at: float  # unix seconds
    items: list[ItemResult] = field(default_factory=list)
    # Spec files that could not be read (collection errors): they block the gate
    # as they do in the terminal summary, though no item ran for them.
    spec_errors: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ItemResult]:
        return [i for i in self.items if i.kind == kind]

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RunSnapshot:
        data: dict[str, Any] = json.loads(text)
        items = [ItemResult(**i) for i in data.get("items", [])]
        errors = [str(e) for e in data.get("spec_errors", [])]
        return cls(float(data.get("finished_at", 0.0)), items, errors)


def save(snapshot: RunSnapshot, path: Path) -> None:
    atomic_write(path, snapshot.to_json().encode())


def load(path: Path) -> RunSnapshot | None:
    try:
        return RunSnapshot.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None
