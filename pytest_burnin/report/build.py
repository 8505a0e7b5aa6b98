"""Gather what the outputs read: the latest-run snapshot, the store, the SLO series.

Shared by the pytest glue (at session end) and the ``burnin`` commands (which
load the specs themselves), so both render the same report from the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .exposition import ExportData
from .history import load_history
from .html import ReportInput
from .series import slo_series
from .snapshot import SNAPSHOT_FILE, RunSnapshot, load

if TYPE_CHECKING:
    from ..context import RunContext

from ..paths import DEFAULT_STORE


def export_data(root: Path, store: Path | None = None) -> ExportData:
    return ExportData(load_history(store or root / DEFAULT_STORE), load(root / SNAPSHOT_FILE))


def report_input(
    root: Path,
    ctx: RunContext | None,
    *,
    store: Path | None = None,
    title: str = "pytest-burnin report",
    now: datetime | None = None,
) -> ReportInput:
    data = export_data(root, store)
    slos = [slo_series(e, ctx) for e in ctx.of_kind("SLO")] if ctx is not None else []
    return ReportInput(
        title,
        data.snapshot,
        data.history,
        slos,
        checklist=checklist_rows(data.snapshot),
        generated_at=now or datetime.now(timezone.utc),
    )


def checklist_rows(snapshot: RunSnapshot | None) -> list[tuple[str, str, str]]:
    """(item, state, signer) of the run's Checklist items, from their JUnit-like properties.

    Read from the snapshot rather than the release package, so the report shows
    what the gate judged, and works wherever the release kinds are absent.
    """
    rows = []
    for item in snapshot.of_kind("Checklist") if snapshot is not None else ():
        p = item.properties
        what = f"{item.name}: {p['title']}" if p.get("title") else item.name
        signer = (
            f"{p['signer']} ({p.get('role', '')}, {p.get('signed_at', '')})"
            if p.get("signer")
            else ""
        )
        rows.append((what, p.get("state") or item.outcome, signer))
    return rows


def project_context(
    specs: Sequence[str | Path] = (), store: str | Path | None = None
) -> RunContext:
    """A run context over the project (for the commands, outside pytest)."""
    from ..burnin.loading import load_project

    return load_project(specs, store=store).context()
