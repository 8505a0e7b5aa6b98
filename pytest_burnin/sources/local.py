"""The ``local`` metric source: the history store's raw samples, answered by the embedded engine.

The store is read once, on the first query, into an in-memory ``Storage``
(then closed), so a run sees one consistent snapshot even while the daily job
ingests more samples.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import EvaluationError
from ..paths import DEFAULT_STORE
from ..promql.storage import Storage
from .engine_source import EngineSource


def make_local_source(
    path: str | os.PathLike[str] = DEFAULT_STORE,
    *,
    name: str = "local",
    compat: int = 3,
    lookback_delta_ms: int = 300_000,
    evaluation_time: str | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
) -> EngineSource:
    """An ``EngineSource`` over the samples stored in ``path`` (a store that must exist)."""
    store_path = Path(path)

    def load() -> Storage:
        from ..store.ingest import load_storage
        from ..store.location import store_exists
        from ..store.sqlite import Store

        if not store_exists(store_path):
            raise EvaluationError(
                f"source {name!r}: no history store at {store_path}; "
                "fill it with 'burnin ingest FILE' first"
            )
        with Store(store_path) as store:
            storage = load_storage(store, start_ms=start_ms, end_ms=end_ms)
        if not len(storage):
            raise EvaluationError(f"source {name!r}: the history store {store_path} has no samples")
        return storage

    return EngineSource(
        name,
        load,
        f"local store {store_path}",
        compat=compat,
        lookback_delta_ms=lookback_delta_ms,
        evaluation_time=evaluation_time,
    )
