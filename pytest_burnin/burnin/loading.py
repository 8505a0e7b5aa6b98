"""Spec files for the ``burnin`` commands: the BurnIn entry, its SLOs and their sources.

The pytest layer has its own collection; this is the small part the commands
need outside a test run: ``BurnIn``, ``SLO`` and ``Source`` documents are
validated against their schemas, other kinds are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BurninError, EvaluationError
from .spec import BurnInSpec

if TYPE_CHECKING:
    from ..context import RunContext
    from ..sources import MetricSource
    from ..spec.model import Entry
    from .records import SloCheck

_SCHEMAS = {
    "BurnIn": "burnin.schema.yaml",
    "Channel": "channel.schema.yaml",
    "SLO": "slo.schema.yaml",
    "Source": "source.schema.yaml",
}


def spec_files(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    from ..spec.model import spec_files as listed

    for p in paths:
        if not p.exists():
            raise BurninError(f"{p}: no such file or folder")
    out.extend(listed(list(paths)))
    return out


@dataclass
class Project:
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)

    def named(self, kind: str) -> dict[str, Entry]:
        return {n: e for (k, n), e in self.entries.items() if k == kind}

    def burnin(self, name: str | None = None) -> BurnInSpec:
        found = self.named("BurnIn")
        if name is not None and name not in found:
            raise BurninError(
                f"no BurnIn entry named {name!r}; found: {', '.join(found) or 'none'}"
            )
        if name is None:
            if len(found) != 1:
                what = ", ".join(sorted(found)) if found else "none"
                raise BurninError(f"name the BurnIn entry with --name (found: {what})")
            name = next(iter(found))
        return BurnInSpec.from_entry(found[name])

    def channels(self, names: Sequence[str]) -> dict[str, Any]:
        """The named Channel entries as channels (secrets are read at delivery)."""
        from ..alerting.config import ChannelSpecError, build_channel

        found = self.named("Channel")
        out: dict[str, Any] = {}
        for name in names:
            if name not in found:
                raise BurninError(
                    f"the burn-in notifies channel {name!r}, which no spec file defines"
                )
            try:
                out[name] = build_channel(name, found[name].spec, base_dir=found[name].path.parent)
            except ChannelSpecError as exc:
                raise BurninError(f"{found[name].where(*exc.path)}: {exc}") from None
        return out

    def slo(self, name: str) -> Entry:
        slos = self.named("SLO")
        if name not in slos:
            raise BurninError(f"the burn-in lists SLO {name!r}, which no spec file defines")
        return slos[name]

    def context(self, store_path: Path) -> RunContext:
        from ..context import RunContext

        ctx = RunContext(rootdir=Path.cwd(), make_source=lambda e, c: make_source(e, store_path))
        for entry in self.entries.values():
            ctx.add_entry(entry)
        return ctx

    def attach_sources(
        self, checks: Sequence[SloCheck], store_path: Path, override: str | None = None
    ) -> None:
        """Give each check its SLO's source (``override``: one Source name, or ``local``)."""
        from .local_source import make_local_source

        ctx = self.context(store_path)
        local = make_local_source(store_path) if override == "local" else None
        for check in checks:
            if local is not None:
                check.source = local
                continue
            name = override or check.entry.spec.get("source")
            try:
                check.source = ctx.source(name, check.entry)
            except EvaluationError as exc:
                raise BurninError(str(exc)) from None


def make_source(entry: Entry, store_path: Path) -> MetricSource:
    """``type: file`` and ``type: local`` sources (``path``: the store; default the run's)."""
    from ..sources.engine_source import EngineSource
    from ..sources.file import FileSource, FileSourceError
    from .local_source import make_local_source

    spec = entry.spec
    kind = spec.get("type")
    evaluation_time = spec.get("evaluation_time")
    if kind == "local":
        path = Path(spec["path"]) if spec.get("path") else store_path
        return make_local_source(path, name=entry.name, evaluation_time=evaluation_time)
    if kind != "file":
        raise BurninError(
            f"{entry.where('type')}: the burnin command cannot use source type {kind!r}"
        )
    try:
        files = FileSource.from_spec(
            {k: v for k, v in spec.items() if k in ("type", "path", "timestamp")},
            base_dir=entry.path.parent,
        )
    except FileSourceError as exc:
        raise BurninError(f"{entry.where('path')}: {exc}") from None
    return EngineSource(
        entry.name, files.storage, files.describe(), evaluation_time=evaluation_time
    )


def load_project(paths: Sequence[Path]) -> Project:
    from ..spec.model import Entry, document_kind, load_spec_file
    from ..spec.schema import validate

    project = Project()
    for path in spec_files(paths):
        for doc in load_spec_file(path):
            kind = document_kind(doc)
            if kind not in _SCHEMAS:
                continue
            validate(doc, _SCHEMAS[kind])
            entry = Entry(kind, str(doc.data["metadata"]["name"]), doc)
            if (kind, entry.name) in project.entries:
                raise doc.error(("metadata", "name"), f"duplicate {kind} entry {entry.name!r}")
            project.entries[(kind, entry.name)] = entry
    return project
