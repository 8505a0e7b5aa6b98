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
    from .sources import MetricSource
    from .spec.model import Entry

SourceFactory = Callable[["Entry", "RunContext"], "MetricSource"]
ChannelFactory = Callable[["Entry"], Any]


@dataclass
class RunContext:
    rootdir: Path
    compat: int = 3
    require_coverage: bool = False
    engine: str = "embedded"  # or "promtool": promtool test groups run through the real promtool
    deliver: str = "local"  # or "real": simulations deliver to their configured channel
    spool_dir: Path | None = None  # undelivered notifications wait here (real channels only)
    _receiver: Any = None
    _channels: dict[str, Any] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    make_source: SourceFactory | None = None
    make_channel: ChannelFactory | None = None
    _sources: dict[tuple[str, str], MetricSource] = field(default_factory=dict)

    def add_entry(self, entry: Entry) -> None:
        if not any(e.path == entry.path and e.item_name == entry.item_name for e in self.entries):
            self.entries.append(entry)

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    def source_entry(self, name: str | None, near: Entry) -> Entry:
        """The Source entry an entry refers to; without a name, the only one there is."""
        sources = {e.name: e for e in self.of_kind("Source")}
        if not sources or (name is not None and name not in sources):
            self._discover_sources(near.path.parent)
            sources = {e.name: e for e in self.of_kind("Source")}
        if name is None:
            if len(sources) == 1:
                return next(iter(sources.values()))
            if not sources:
                raise EvaluationError(
                    f"{near.where()}: no Source entry found; add a 'kind: Source' spec "
                    "(for example type: file with the path of an OpenMetrics file)"
                )
            raise EvaluationError(
                f"{near.where()}: {len(sources)} sources are defined "
                f"({', '.join(sorted(sources))}); name one with 'source:'"
            )
        if name not in sources:
            raise EvaluationError(
                f"{near.where('source')}: unknown source {name!r}; "
                f"defined: {', '.join(sorted(sources)) or 'none'}"
            )
        return sources[name]

    def source(self, name: str | None, near: Entry) -> MetricSource:
        entry = self.source_entry(name, near)
        key = (str(entry.path), entry.name)
        if key not in self._sources:
            if self.make_source is None:
                raise EvaluationError("no metric source factory is configured")
            self._sources[key] = self.make_source(entry, self)
        return self._sources[key]

    def _discover_sources(self, folder: Path) -> None:
        # An entry run on its own (``pytest slo_specs/slos.yaml``) still finds
        # the Source specs that live beside it.
        from .spec.model import Entry, document_kind, is_excluded, load_spec_file

        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            if is_excluded(path, folder):
                continue
            try:
                for doc in load_spec_file(path):
                    if document_kind(doc) == "Source":
                        name = doc.data.get("metadata", {}).get("name")
                        if isinstance(name, str):
                            self.add_entry(Entry("Source", name, doc))
            except Exception:
                continue

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

    def channel(self, name: str, near: Entry) -> Any:
        from .alerting.config import ChannelSpecError, build_channel

        entries = {e.name: e for e in self.of_kind("Channel")}
        if name not in entries:
            raise EvaluationError(
                f"{near.where('channel')}: unknown channel {name!r}; defined: "
                f"{', '.join(sorted(entries)) or 'none'}"
            )
        if name not in self._channels:
            if self.make_channel is not None:
                self._channels[name] = self.make_channel(entries[name])
            else:
                try:
                    self._channels[name] = build_channel(
                        name, entries[name].spec, base_dir=entries[name].path.parent
                    )
                except ChannelSpecError as exc:
                    raise EvaluationError(f"{entries[name].where(*exc.path)}: {exc}") from None
        return self._channels[name]

    def flush_spool(self) -> list[Any]:
        """Deliver what earlier runs could not, to the channels this run knows."""
        if self.spool_dir is None or not self.spool_dir.is_dir():
            return []
        from .alerting.delivery import flush

        channels = {}
        for e in self.of_kind("Channel"):
            try:
                channels[e.name] = self.channel(e.name, e)
            except EvaluationError:
                continue
        return list(flush(self.spool_dir, channels)) if channels else []

    def close(self) -> None:
        """Stop what the run started (the local receiver, channel sessions)."""
        for ch in self._channels.values():
            close = getattr(ch, "close", None)
            if close is not None:
                close()
        self._channels.clear()
        if self._receiver is not None:
            self._receiver.stop()
            self._receiver = None
