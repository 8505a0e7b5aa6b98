"""The project as the burn-in commands see it: the BurnIn entry, its SLOs, channels, sources.

A thin layer over the one project model (``pytest_burnin/project.py``), so
``burnin record`` and ``pytest --burnin`` read the same files, settings, store
and sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BurninError, EvaluationError
from ..kinds import Referring
from .spec import BurnInSpec

if TYPE_CHECKING:
    from ..alerting.base import Channel
    from ..context import RunContext
    from ..project import Project
    from ..spec.model import Entry
    from .records import SloCheck


@dataclass
class BurnInProject:
    project: Project

    def named(self, kind: str) -> dict[str, Entry]:
        return {e.name: e for e in self.project.entries(kind)}

    def _one(self, kind: str, name: str | None) -> Entry:
        try:
            return self.project.named(kind, name)
        except EvaluationError as exc:
            raise BurninError(str(exc)) from None

    def burnin(self, name: str | None = None) -> BurnInSpec:
        found = sorted(self.named("BurnIn"))
        if name is None and len(found) > 1:
            raise BurninError(f"name the BurnIn entry with --name (found: {', '.join(found)})")
        entry = self._one("BurnIn", name)
        # The same reference checks as validate and the run: the same located words.
        handler = self.project.handler("BurnIn")
        if isinstance(handler, Referring):
            try:
                handler.check_references(entry, self.project)
            except EvaluationError as exc:
                raise BurninError(str(exc)) from None
        return BurnInSpec.from_entry(entry)

    def channels(self, names: Sequence[str]) -> dict[str, Channel]:
        """The named Channel entries as channels (secrets are read at delivery)."""
        ctx = self.context()
        out: dict[str, Channel] = {}
        for name in names:
            entry = self._one("Channel", name)
            try:
                out[name] = ctx.channel(name, entry)
            except EvaluationError as exc:
                raise BurninError(str(exc)) from None
        return out

    def slo(self, name: str) -> Entry:
        if name not in self.named("SLO"):
            raise BurninError(f"the burn-in lists SLO {name!r}, which no spec file defines")
        return self._one("SLO", name)

    def store_path(self, spec: BurnInSpec | None = None) -> Path:
        settings = self.project.settings
        store = settings.store if spec is None or not spec.store else Path(spec.store)
        return settings.under_root(store)

    def context(self) -> RunContext:
        from ..context import RunContext

        ctx = RunContext(self.project)
        for entry in self.project.entries():
            ctx.add_entry(entry)
        return ctx

    def attach_sources(self, checks: Sequence[SloCheck], override: str | None = None) -> None:
        """Give each check its SLO's source (``override``: one Source name, or ``local``)."""
        from ..sources.local import make_local_source

        ctx = self.context()
        settings = self.project.settings
        local = (
            make_local_source(self.store_path(), compat=settings.promql_compat)
            if override == "local"
            else None
        )
        for check in checks:
            if local is not None:
                check.source = local
                continue
            name = override or check.entry.spec.get("source")
            try:
                check.source = ctx.source(name, check.entry)
            except EvaluationError as exc:
                raise BurninError(str(exc)) from None


def load_project(
    specs: Sequence[str | Path] = (), store: str | Path | None = None, *, announce: bool = False
) -> BurnInProject:
    """The project of a ``burnin`` command; a spec error anywhere stops it, naming file:line.

    With ``announce``, the settings line (as pytest's header shows it) is printed first.
    """
    from ..project import project_for_command

    project = project_for_command(specs, store=store, announce=announce)
    errors = project.errors()
    if errors:
        raise errors[0]
    return BurnInProject(project)
