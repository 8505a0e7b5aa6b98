"""SLO series for the charts: the indicator and the error budget left, over time.

Computed with the embedded engine's range queries over the SLO's own source,
so the charts show exactly what the gate measures at each step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .svg import Point

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry

DEFAULT_POINTS = 120


@dataclass
class SloSeries:
    name: str
    objective_op: str
    objective_value: float
    percent: bool
    indicator: list[Point] = field(default_factory=list)
    budget_remaining: list[Point] = field(default_factory=list)
    error: str | None = None


def _queries(entry: Entry) -> tuple[str, str | None, float | None]:
    """(indicator query, bad-ratio query or None, allowed bad share or None)."""
    from ..slo.evaluate import Objective, allowed_bad, substitute

    spec = entry.spec
    window = _window_text(spec["window"])
    objective = Objective.from_spec(spec["objective"])
    ratio = spec["indicator"].get("ratio")
    if ratio is None:
        return substitute(spec["indicator"]["threshold"]["query"], window), None, None
    total = substitute(ratio["total"], window)
    if "bad" in ratio:
        indicator = f"({substitute(ratio['bad'], window)}) / ({total})"
        bad = indicator
    else:
        indicator = f"({substitute(ratio['good'], window)}) / ({total})"
        bad = f"1 - ({indicator})"
    return indicator, bad, allowed_bad(entry, objective)


def slo_series(entry: Entry, ctx: RunContext, *, points: int = DEFAULT_POINTS) -> SloSeries:
    """The charts' series for one SLO entry; ``error`` says why there are none."""
    from ..errors import BurninError
    from ..promql.engine import Engine
    from ..promql.values import QueryError
    from ..sources.engine_source import EngineSource

    ((op, value),) = entry.spec["objective"].items()
    result = SloSeries(entry.name, str(op), float(value), "ratio" in entry.spec["indicator"])
    try:
        source = ctx.source(entry.spec.get("source"), entry)
        if not isinstance(source, EngineSource):
            result.error = f"charts need a file or local source, not {source.describe()}"
            return result
        bounds = source.time_bounds()
        if bounds is None:
            result.error = "the source has no samples"
            return result
        end = source.default_time()
        start = bounds[0] + _window_ms(entry.spec["window"], bounds[1])
        if start >= end:  # less data than one window: chart what there is
            start = bounds[0]
        step = max((end - start) // max(points - 1, 1), 1000)
        engine = Engine(
            source.storage(), lookback_delta_ms=source.lookback_delta_ms, compat=source.compat
        )
        indicator, bad, budget = _queries(entry)
        result.indicator = _points(engine.range(indicator, start, end, step))
        if bad is not None and budget:
            result.budget_remaining = [
                (t, 1.0 - v / budget) for t, v in _points(engine.range(bad, start, end, step))
            ]
    except (BurninError, QueryError, ValueError) as exc:
        result.error = str(exc)
    return result


def _points(matrix: object) -> list[Point]:
    # Each SLO query aggregates with sum(): at most one series.
    for s in matrix if isinstance(matrix, list) else ():
        return [(t / 1000, v) for t, v in s.points if not math.isnan(v)]
    return []


def _window_text(spec: object) -> str:
    """A rolling window as written; a calendar period as its longest length (a month: 31d)."""
    if isinstance(spec, str):
        return spec
    period = spec.get("calendar") if isinstance(spec, dict) else None
    return {"day": "1d", "week": "7d", "month": "31d"}.get(str(period), "30d")


def _window_ms(spec: object, t_ms: int) -> int:
    if isinstance(spec, str):
        from ..promql.lexer import parse_duration

        return parse_duration(spec)
    from ..slo.windows import resolve_window

    return resolve_window(spec, t_ms).length_ms
