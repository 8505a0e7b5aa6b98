"""Run-wide state shared by the items of one run: options, entries, metric sources.

Built by the pytest layer from the command line and ini options; the core only
sees this object, so it can be used outside pytest (the ``burnin`` command).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EvaluationError

if TYPE_CHECKING:
    from .alerting.base import Channel
    from .project import Project
    from .settings import Settings
    from .sources import MetricSource
    from .spec.model import Entry

SourceFactory = Callable[["Entry", "RunContext"], "MetricSource"]
ChannelFactory = Callable[["Entry"], "Channel"]


@dataclass
class RunContext:
    """What evaluation sees of a run: the project, its settings, the run's options.

    Built by the pytest layer from the command line, or by a ``burnin``
    command; the core only sees this object.
    """

    project: Project
    require_coverage: bool = False
    engine: str = "embedded"  # or "promtool": promtool test groups run through the real promtool
    deliver: str = "local"  # or "real": simulations deliver to their configured channel
    release: bool = False  # --burnin-release: pending checklist items fail
    # Every outcome of the run so far (the release gate reads them); None outside a run.
    results: Callable[[], list[Any]] | None = None
    # The evidence hook of checklist items (the plugin's pytest_burnin_checklist_check).
    checklist_check: Callable[[Any, RunContext], Any] | None = None
    _receiver: Any = None
    _channels: dict[str, Channel] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)  # the entries collected in this run
    _entry_keys: set[tuple[Path, str]] = field(default_factory=set)
    make_source: SourceFactory | None = None
    make_channel: ChannelFactory | None = None
    _sources: dict[tuple[str, str], MetricSource] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.project.settings

    @property
    def rootdir(self) -> Path:
        return self.project.settings.rootdir

    @property
    def compat(self) -> int:
        return self.project.settings.promql_compat

    @property
    def spool_dir(self) -> Path:
        return self.project.settings.spool

    def add_entry(self, entry: Entry) -> None:
        # A set, not a scan: 2,400 items scanning each other were 2/3 of a fleet's collection.
        if len(self._entry_keys) != len(self.entries):  # appended to directly: re-index
            self._entry_keys = {(e.path, e.item_name) for e in self.entries}
        key = (entry.path, entry.item_name)
        if key not in self._entry_keys:
            self._entry_keys.add(key)
            self.entries.append(entry)

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    def source_entry(self, name: str | None, near: Entry) -> Entry:
        """The Source entry an entry refers to; without a name, the only one there is."""
        return self.project.named("Source", name, near)

    def source(self, name: str | None, near: Entry) -> MetricSource:
        entry = self.source_entry(name, near)
        key = (str(entry.path), entry.name)
        if key not in self._sources:
            make = self.make_source or _builtin_source
            self._sources[key] = make(entry, self)
        return self._sources[key]

    def simulation_channel(self, entry: Entry) -> tuple[Any, Any, str]:
        """Where a simulation delivers: (channel, local receiver or None, request path).

        Local mode starts one HTTP receiver on 127.0.0.1 per run, lazily; real
        mode uses the simulation's ``channel`` entry, as a staging drill would.
        """
        from .alerting.channels import Policy, WebhookChannel

        if self.deliver == "real":
            name = entry.spec.get("channel")
            if not isinstance(name, str):
                raise EvaluationError(
                    f"{entry.where()}: --burnin-deliver=real needs 'channel:' naming a Channel entry"
                )
            return self.channel(name, entry), None, ""
        if self._receiver is None:
            from .simulation.receiver import Receiver

            self._receiver = Receiver().start()
        path = f"/simulations/{entry.name}"
        key = f"local:{path}"
        if key not in self._channels:
            self._channels[key] = WebhookChannel(
                "local-receiver", self._receiver.url + path, policy=Policy(timeout=5.0, retries=2)
            )
        return self._channels[key], self._receiver, path

    def channel(self, name: str, near: Entry) -> Channel:
        entry = self.project.named("Channel", name, near)
        if name not in self._channels:
            make = self.make_channel or _builtin_channel
            self._channels[name] = make(entry)
        return self._channels[name]

    def flush_spool(self) -> list[Any]:
        """Deliver what earlier runs could not, to the channels this run knows."""
        if self.spool_dir is None or not self.spool_dir.is_dir():
            return []
        from .alerting.delivery import flush

        channels = {}
        for e in self.project.entries("Channel"):
            try:
                channels[e.name] = self.channel(e.name, e)
            except EvaluationError:
                continue
        return list(flush(self.spool_dir, channels)) if channels else []

    def close(self) -> None:
        """Stop what the run started (the local receiver, channel sessions)."""
        for ch in self._channels.values():
            ch.close()
        self._channels.clear()
        if self._receiver is not None:
            self._receiver.stop()
            self._receiver = None


def _builtin_source(entry: Entry, ctx: RunContext) -> MetricSource:
    from .sources.factory import build_source

    source = build_source(entry, ctx)
    if source is None:
        raise EvaluationError(
            f"{entry.where('type')}: no plugin provides source type {entry.spec.get('type')!r}"
        )
    return source


def _builtin_channel(entry: Entry) -> Channel:
    from .alerting.config import ChannelSpecError, build_channel

    try:
        return build_channel(entry.name, entry.spec, base_dir=entry.path.parent)
    except ChannelSpecError as exc:
        raise EvaluationError(f"{entry.where(*exc.path)}: {exc}") from None
