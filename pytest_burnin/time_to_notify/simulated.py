"""The label sets simulations make each alert fire with, for time to notify.

A rule's static labels are only part of what Alertmanager routes on: labels
that come from the expression (``by (service)``), from external labels or
from recorded data decide the route too. The simulations named by a
``Notify`` spec are run (once per run, shared by its items) on the embedded
engine, and every alert instance that fires contributes its full label set.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EvaluationError, SpecError
from ..spec.loader import Document, load_documents, read_text

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry


def simulation_entries(doc: Document, files: list[str]) -> list[Entry]:
    """The Simulation documents of ``files`` (relative to ``doc``), schema-checked at collection."""
    from ..project import entry_from_document
    from ..simulation.kind import SimulationKind, plan

    handler = SimulationKind()
    out: list[Entry] = []
    for i, name in enumerate(files):
        path = (doc.path.parent / name).resolve()
        if not path.is_file():
            raise doc.error(("spec", "simulations", i), f"{name!r} not found",
                            hint="paths are relative to this spec file")  # fmt: skip
        found = [
            d
            for d in load_documents(path, read_text(path))
            if isinstance(d.data, dict) and d.data.get("kind") == "Simulation"
        ]
        if not found:
            raise doc.error(
                ("spec", "simulations", i), f"{name!r} has no kind: Simulation document"
            )
        for sim_doc in found:
            entry = entry_from_document(sim_doc, handler.kind, handler)
            plan(entry)  # a broken simulation is a collection error here too, at its own line
            out.append(entry)
    return out


class SimulatedLabels:
    """Runs the simulations on first use and remembers what fired, by alert name."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._fired: dict[str, list[dict[str, str]]] | None = None

    def fired(self, ctx: RunContext) -> dict[str, list[dict[str, str]]]:
        if self._fired is None:
            self._fired = self._run(ctx)
        return self._fired

    def _run(self, ctx: RunContext) -> dict[str, list[dict[str, str]]]:
        from ..simulation.kind import run_simulation

        out: dict[str, list[dict[str, str]]] = {}
        for entry in self.entries:
            try:
                _, timeline = run_simulation(entry, ctx)
            except (EvaluationError, SpecError) as exc:
                # Could not evaluate is never a pass: say which simulation stopped it.
                raise EvaluationError(
                    f"simulation {entry.name} ({_where(entry.path)}:{entry.line}) could not run: {exc}"
                ) from None
            for life in timeline.alerts:
                if life.firing_at_ms is not None:
                    labels = dict(life.labels)
                    sets = out.setdefault(life.name, [])
                    if labels not in sets:
                        sets.append(labels)
        return out


def _where(path: Path) -> str:
    from ..errors import display_path

    return display_path(path)
