"""Session end: persist the latest run, then write the outputs the options asked for."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .snapshot import SNAPSHOT_FILE, ItemResult, RunSnapshot, save

if TYPE_CHECKING:
    from ..context import RunContext
    from ..settings import Settings


class State(Protocol):
    """What session end needs of a run (the pytest layer's ``State`` has it)."""

    enabled: bool
    ctx: RunContext
    results: list[Any]
    collect_errors: list[str]

    @property
    def settings(self) -> Settings: ...


def run_context(state: State) -> RunContext:
    """The run's context; under xdist the controller collected nothing, so load the specs."""
    if state.ctx.of_kind("SLO") or not state.enabled:
        return state.ctx
    from ..burnin.loading import BurnInProject

    return BurnInProject(state.ctx.project).context()


def snapshot_of(
    state: State, evidence: Mapping[str, Mapping[str, str]], ctx: RunContext
) -> RunSnapshot:
    objectives: dict[str, tuple[str, float]] = {}
    for e in ctx.of_kind("SLO"):
        ((op, value),) = e.spec["objective"].items()
        objectives[e.name] = (str(op), float(value))
    items = []
    for r in state.results:
        op, value = objectives.get(r.name, (None, None)) if r.kind == "SLO" else (None, None)
        items.append(
            ItemResult(
                r.kind, r.name, r.outcome, r.headline, dict(evidence.get(r.nodeid, {})), op, value
            )
        )
    return RunSnapshot(time.time(), items, list(state.collect_errors))


def finish_run(
    state: State,
    evidence: Mapping[str, Mapping[str, str]],
    *,
    html: Path | None = None,
    textfile: Path | None = None,
    pushgateway: str | None = None,
) -> list[str]:
    """Write ``.burnin/last_run.json`` and the requested outputs; lines for the terminal."""
    from ..errors import BurninError
    from .build import export_data, report_input

    root = state.settings.rootdir
    ctx = run_context(state)
    # Each output is independent: one that cannot be written is reported and
    # the others still go out; the verdicts of the run stand either way. A
    # read-only or full .burnin folder must not crash the session's end and
    # take the terminal summary with it.
    lines: list[str] = []
    try:
        save(snapshot_of(state, evidence, ctx), root / SNAPSHOT_FILE)
    except OSError as exc:
        lines.append(
            f"burn-in last run NOT written to {root / SNAPSHOT_FILE}: {exc.strerror or exc}; "
            "make .burnin writable (or free disk space) so the exporter and HTML report see it"
        )
    if html is not None:
        from ..fileio import atomic_write
        from .html import render_html

        try:
            atomic_write(html, render_html(report_input(root, ctx)).encode())
            lines.append(f"burn-in HTML report: {html}")
        except (OSError, BurninError) as exc:  # BurninError: a damaged history store
            lines.append(f"burn-in HTML report NOT written to {html}: {exc}")
    if textfile is not None or pushgateway:
        try:
            data = export_data(root)
        except BurninError as exc:
            return [*lines, f"burn-in metrics NOT exported: {exc}"]
        if textfile is not None:
            from .outputs import write_textfile

            try:
                write_textfile(textfile, data)
                lines.append(f"burn-in metrics textfile: {textfile}")
            except OSError as exc:
                lines.append(f"burn-in metrics textfile NOT written to {textfile}: {exc}")
        if pushgateway:
            from .outputs import push

            try:
                push(pushgateway, data)
                lines.append(f"burn-in metrics pushed to {pushgateway}")
            except OSError as exc:  # urllib's URLError and HTTPError are OSErrors
                lines.append(f"burn-in metrics NOT pushed to {pushgateway}: {exc}")
    return lines
