"""The built-in spec kinds and metric sources, as ordinary hook implementations.

They are registered ``trylast``: a conftest.py or plugin that implements the
same hooks is asked first, so it can add kinds or sources or replace these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from .errors import EvaluationError
from .kinds import Evaluation

if TYPE_CHECKING:
    from .context import RunContext
    from .kinds import KindHandler
    from .sources import MetricSource
    from .spec.model import Entry


def _lookback_ms(entry: Entry) -> int:
    """The Source's ``lookback_delta``, or Prometheus' default of 5 minutes."""
    lookback = entry.spec.get("lookback_delta")
    return entry.duration_ms(lookback, "lookback_delta") if lookback else 300_000


class SourceKind:
    """``kind: Source``: the item checks the source answers and reports its extent."""

    kind = "Source"
    schema: str | None = "source.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        return [("source_type", str(entry.spec.get("type")))]

    def check(self, entry: Entry) -> None:
        if "lookback_delta" in entry.spec:
            _lookback_ms(entry)

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        source = ctx.source(entry.name, entry)
        bounds = source.time_bounds()
        check = getattr(source, "check", None)
        if bounds is None and check is not None:
            # A remote source does not know its extent (sources/prometheus.py): show it answers.
            return Evaluation(passed=True, headline=f"Source {entry.name}: {check()}")
        if bounds is None:
            raise EvaluationError(f"source {entry.name!r} ({source.describe()}) has no samples")
        from .slo.evaluate import _iso

        first, last = bounds
        days = (last - first) / 86_400_000
        from .sources.engine_source import EngineSource

        count = len(source.storage()) if isinstance(source, EngineSource) else None
        extent = f"{_iso(first)} .. {_iso(last)} ({days:.1f} days)"
        props = [("first_sample", _iso(first)), ("last_sample", _iso(last))]
        if count is not None:
            props.append(("series", str(count)))
        what = f"{count} series, " if count is not None else ""
        return Evaluation(
            passed=True,
            headline=f"Source {entry.name}: {what}{extent}",
            details=[source.describe()],
            properties=props,
        )


class ChannelKind:
    """``kind: Channel``: the item checks the channel is usable (its secrets are set)."""

    kind = "Channel"
    schema: str | None = "channel.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        return [("channel_type", str(entry.spec.get("type")))]

    def check(self, entry: Entry) -> None:
        from .alerting.config import ChannelSpecError, build_channel

        try:
            build_channel(entry.name, entry.spec, env={}, base_dir=entry.path.parent)
        except ChannelSpecError as exc:
            raise entry.error(exc.path, str(exc)) from None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        channel = ctx.channel(entry.name, entry)
        try:
            channel.check()
        except ValueError as exc:
            raise EvaluationError(str(exc)) from None
        return Evaluation(True, f"Channel {entry.name}: {entry.spec.get('type')} channel ready")


@pytest.hookimpl(trylast=True)
def pytest_burnin_spec_kinds(config: pytest.Config) -> list[KindHandler]:
    """The kinds pytest-burnin evaluates itself."""
    from .slo.kind import SLOKind

    kinds: list[KindHandler] = [SourceKind(), SLOKind()]
    kinds.extend(_optional_kinds())
    return kinds


def _optional_kinds() -> list[Any]:
    from .rules_kinds import rule_kinds
    from .simulation.kind import SimulationKind

    return [*rule_kinds(), SimulationKind(), ChannelKind()]


@pytest.hookimpl(trylast=True)
def pytest_burnin_make_source(
    config: pytest.Config, entry: Entry, ctx: RunContext
) -> MetricSource | None:
    """``type: file``: OpenMetrics/Prometheus text files, evaluated by the embedded engine;
    ``type: prometheus``: a server's HTTP API (credentials from environment variables)."""
    if entry.spec.get("type") == "prometheus":
        import os

        from .sources.prometheus import PrometheusSource

        return PrometheusSource.from_spec(
            entry.name,
            entry.spec,
            base_dir=entry.path.parent,
            environ=os.environ,
            where=entry.where,
        )
    if entry.spec.get("type") == "local":
        return _local_source(entry, ctx)
    if entry.spec.get("type") != "file":
        return None
    from .sources.engine_source import EngineSource
    from .sources.file import FileSource, FileSourceError

    spec = {k: v for k, v in entry.spec.items() if k in ("type", "path", "timestamp")}
    try:
        files = FileSource.from_spec(spec, base_dir=entry.path.parent)
    except FileSourceError as exc:
        raise EvaluationError(f"{entry.where('path')}: {exc}") from None
    return EngineSource(
        entry.name,
        files.storage,
        files.describe(),
        compat=ctx.compat,
        lookback_delta_ms=_lookback_ms(entry),
        evaluation_time=entry.spec.get("evaluation_time"),
    )


@pytest.hookimpl(trylast=True)
def pytest_burnin_make_channel(config: pytest.Config, entry: Entry) -> Any:
    """Webhook, Slack, Alertmanager, email and file channels (``alerting/``)."""
    from .alerting.config import TYPES, ChannelSpecError, build_channel

    if entry.spec.get("type") not in TYPES:
        return None
    try:
        return build_channel(entry.name, entry.spec, base_dir=entry.path.parent)
    except ChannelSpecError as exc:
        raise EvaluationError(f"{entry.where(*exc.path)}: {exc}") from None


def _local_source(entry: Entry, ctx: RunContext) -> MetricSource:
    """``type: local``: samples kept in the history store (``burnin ingest``)."""
    from pathlib import Path

    from .burnin import DEFAULT_STORE
    from .burnin.local_source import make_local_source

    store = Path(str(entry.spec.get("store", DEFAULT_STORE)))
    return make_local_source(
        store if store.is_absolute() else ctx.rootdir / store,
        name=entry.name,
        compat=ctx.compat,
        lookback_delta_ms=_lookback_ms(entry),
        evaluation_time=entry.spec.get("evaluation_time"),
    )


def make_channel_factory(config: pytest.Config) -> Any:
    def factory(entry: Entry) -> Any:
        channel = config.hook.pytest_burnin_make_channel(config=config, entry=entry)
        if channel is None:
            raise EvaluationError(
                f"{entry.where('type')}: no plugin provides channel type {entry.spec.get('type')!r}"
            )
        return channel

    return factory


def make_source_factory(config: pytest.Config) -> Any:
    def factory(entry: Entry, ctx: RunContext) -> MetricSource:
        source: MetricSource | None = config.hook.pytest_burnin_make_source(
            config=config, entry=entry, ctx=ctx
        )
        if source is None:
            raise EvaluationError(
                f"{entry.where('type')}: no plugin provides source type {entry.spec.get('type')!r}"
            )
        return source

    return factory
