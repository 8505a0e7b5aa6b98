"""The built-in source types, built from a ``kind: Source`` entry.

One place for the plugin (its ``trylast`` hook implementation) and the
``burnin`` command, so both read ``lookback_delta``, ``store`` and
``evaluation_time`` the same way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EvaluationError

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry
    from . import MetricSource

BUILTIN_TYPES = ("file", "local", "prometheus")


def lookback_ms(entry: Entry) -> int:
    """The Source's ``lookback_delta``, or Prometheus' default of 5 minutes."""
    lookback = entry.spec.get("lookback_delta")
    return entry.duration_ms(lookback, "lookback_delta") if lookback else 300_000


def build_source(entry: Entry, ctx: RunContext) -> MetricSource | None:
    """``file``, ``local`` or ``prometheus``; None for a type a plugin must provide."""
    kind = entry.spec.get("type")
    if kind == "prometheus":
        from .prometheus import PrometheusSource

        return PrometheusSource.from_spec(
            entry.name,
            entry.spec,
            base_dir=entry.path.parent,
            environ=os.environ,
            where=entry.where,
        )
    if kind == "local":
        from .local import make_local_source

        store = Path(str(entry.spec["store"])) if entry.spec.get("store") else ctx.settings.store
        return make_local_source(
            store if store.is_absolute() else ctx.rootdir / store,
            name=entry.name,
            compat=ctx.compat,
            lookback_delta_ms=lookback_ms(entry),
            evaluation_time=entry.spec.get("evaluation_time"),
        )
    if kind != "file":
        return None
    from .engine_source import EngineSource
    from .file import FileSource, FileSourceError

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
        lookback_delta_ms=lookback_ms(entry),
        evaluation_time=entry.spec.get("evaluation_time"),
    )
