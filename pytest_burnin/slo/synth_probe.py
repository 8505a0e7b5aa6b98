"""Measuring an SLI's queries on synthetic per-minute series: what the proofs' designs
(``synth.py`` for counters, ``synth_gauge.py`` for gauges) are built from."""

from __future__ import annotations

from typing import Any

from ..promql.labels import Labels

PROBE_STEP_MS = 60_000
PROBE_MINUTES = 30


class Unsupported(Exception):
    """No series could be synthesised for this SLI; the message says why."""


def measure(
    num_query: str,
    total_query: str,
    num_is_bad: bool,
    series: list[tuple[Labels, list[float]]],
) -> tuple[float, float]:
    """Bad and total as the SLO's queries count them, at the end of these per-minute samples."""
    from ..promql.engine import Engine
    from ..promql.storage import Storage

    storage = Storage()
    for ls, values in series:
        storage.extend(ls, [(i * PROBE_STEP_MS, v) for i, v in enumerate(values)])
    engine = Engine(storage)
    t = PROBE_MINUTES * PROBE_STEP_MS
    num = _scalar(engine, num_query, t)
    total = _scalar(engine, total_query, t)
    return (num if num_is_bad else total - num), total


def _scalar(engine: Any, query: str, t_ms: int) -> float:
    from ..promql.values import QueryError, Scalar, Vector

    try:
        value = engine.instant(query, t_ms)
    except QueryError as exc:
        raise Unsupported(f"the SLI query fails on synthetic series: {exc}") from None
    if isinstance(value, Scalar):
        return value.v
    if isinstance(value, Vector) and len(value) <= 1:
        return value[0].v if value else 0.0
    raise Unsupported("the SLI query returns several series; the proof needs one ratio")
