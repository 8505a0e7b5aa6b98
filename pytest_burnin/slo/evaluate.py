"""SLO verdicts: the indicator over its window against the objective, with error budget.

Pure core. A ratio indicator is ``bad/total`` (or ``1 - good/total``); a
threshold indicator is one number compared with its bound. The error budget of
a ratio SLO is the share of bad events the objective allows over the window;
burn rate is the observed bad share divided by that allowance (1.0 spends the
budget exactly over the window). Under timeslice budgeting the indicator is
judged per slice and the SLI is the share of good slices (``timeslices.py``).

Every function reads the native spec (``normalized_slo``), so OpenSLO and
Sloth entries are judged by exactly the same code as native ones.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError
from ..promql.values import Scalar, Vector
from .model import normalized_slo
from .windows import Window

if TYPE_CHECKING:
    from ..sources import MetricSource
    from ..spec.model import Entry

BURN_RATE_WINDOWS = ("1h", "6h", "1d", "3d")
DEFAULT_MIN_COVERAGE = 0.9
_BOUNDS = {"below": "<", "above": ">", "at_most": "<=", "at_least": ">="}


@dataclass
class Objective:
    op: str  # one of _BOUNDS
    value: float

    @classmethod
    def from_spec(cls, spec: dict[str, float]) -> Objective:
        ((op, value),) = spec.items()
        bound = float(value)
        if not math.isfinite(bound):
            # An infinite bound holds for every finite value (or none): it judges nothing.
            raise EvaluationError(f"objective {op}: {value!r} is not a finite number")
        return cls(op, bound)

    def holds(self, measured: float) -> bool:
        if math.isnan(measured):
            return False
        return {
            "below": measured < self.value,
            "above": measured > self.value,
            "at_most": measured <= self.value,
            "at_least": measured >= self.value,
        }[self.op]

    @property
    def symbol(self) -> str:
        return _BOUNDS[self.op]

    @property
    def lower_is_better(self) -> bool:
        return self.op in ("below", "at_most")


def objective_text(objective: Objective | None) -> str | None:
    """Stored form of an objective, ``below 0.01``: readable and parsed back by ``parse_objective``."""
    return None if objective is None else f"{objective.op} {objective.value!r}"


@functools.lru_cache(maxsize=256)
def parse_objective(text: str | None) -> Objective | None:
    """Cached: a year of records repeats a handful of objectives (treat results as read-only)."""
    if not text:
        return None
    op, value = text.split(" ", 1)
    return Objective(op, float(value))


def substitute(query: str, window: str) -> str:
    return query.replace("{{window}}", window).replace("{{ window }}", window)


def scalar_value(
    source: MetricSource, query: str, t_ms: int, entry: Entry, field: str
) -> float | None:
    """The query's single number, None when it returned no series (no data).

    A non-finite number (+Inf, -Inf, NaN) is not evidence: it would pass or fail
    every objective whatever the service did (``x / +Inf`` is 0% bad), so it is
    could-not-evaluate, never a verdict.
    """
    value = source.query(query, t_ms)
    if isinstance(value, Scalar):
        return _finite(value.v, entry, field, query)
    if isinstance(value, Vector):
        if not value:
            return None
        if len(value) > 1:
            raise EvaluationError(
                f"{entry.where('indicator')}: {field} query returned {len(value)} series; "
                f"an SLO needs one number: wrap it in sum(...)\n  query: {query}"
            )
        return _finite(value[0].v, entry, field, query)
    raise EvaluationError(
        f"{entry.where('indicator')}: {field} query must return a number or one series, "
        f"got a {type(value).__name__.lower()}\n  query: {query}"
    )


def _finite(v: float, entry: Entry, field: str, query: str) -> float:
    if math.isfinite(v):
        return v
    raise EvaluationError(
        f"{entry.where('indicator')}: the {field} query returned {v}, which is not evidence; "
        "a counter or gauge with a non-finite value cannot be judged: fix the metric "
        f"or exclude the series\n  query: {query}"
    )


@dataclass
class Measurement:
    value: float  # what the objective is compared with
    bad_ratio: float | None  # ratio SLOs (and timeslices: the share of bad slices)


def measure(
    entry: Entry,
    source: MetricSource,
    window: str,
    t_ms: int,
    *,
    required: bool,
    spec: dict[str, Any] | None = None,
) -> Measurement | None:
    """The indicator over ``window`` ending at ``t_ms`` (None: no data and not ``required``)."""
    indicator = (spec or normalized_slo(entry))["indicator"]
    if "ratio" in indicator:
        ratio = indicator["ratio"]
        total = scalar_value(source, substitute(ratio["total"], window), t_ms, entry, "total")
        key = "bad" if "bad" in ratio else "good"
        part = scalar_value(source, substitute(ratio[key], window), t_ms, entry, key)
        if total is None or part is None:
            if required:
                missing = "total" if total is None else key
                raise EvaluationError(
                    f"{entry.where('indicator')}: no data: the {missing} query returned no series "
                    f"over {window} from {source.describe()}"
                )
            return None
        if total == 0:
            if required:
                raise EvaluationError(
                    f"{entry.where('indicator')}: no traffic: total is 0 over {window}, "
                    "so the ratio is undefined"
                )
            return None
        share = part / total
        bad = share if key == "bad" else 1.0 - share
        return Measurement(share, bad)
    value = scalar_value(
        source, substitute(indicator["threshold"]["query"], window), t_ms, entry, "query"
    )
    if value is None:
        if required:
            raise EvaluationError(
                f"{entry.where('indicator')}: no data: the query returned no series over {window} "
                f"from {source.describe()}"
            )
        return None
    return Measurement(value, None)


def allowed_bad(
    entry: Entry, objective: Objective, spec: dict[str, Any] | None = None
) -> float | None:
    """Share of bad events (or slices) the objective allows, or the threshold itself."""
    spec = spec or normalized_slo(entry)
    if spec.get("budgeting", "occurrences") == "timeslices":
        return None if objective.lower_is_better else 1.0 - objective.value
    ratio = spec["indicator"].get("ratio")
    if ratio is None:
        return objective.value if objective.lower_is_better else None
    return objective.value if "bad" in ratio else 1.0 - objective.value


def burn_rates(
    entry: Entry, spec: dict[str, Any], source: MetricSource, t_ms: int, budget: float
) -> list[tuple[str, str]]:
    props = []
    for w in BURN_RATE_WINDOWS:
        short = measure(entry, source, w, t_ms, required=False, spec=spec)
        if short is not None and short.bad_ratio is not None:
            props.append((f"burn_rate_{w}", repr(short.bad_ratio / budget)))
    return props


def data_coverage(
    source: MetricSource, window: Window, entry: Entry, spec: dict[str, Any]
) -> float:
    bounds = source.time_bounds()
    window_bounds = getattr(source, "window_bounds", None)
    t_ms, window_ms = window.end_ms, window.length_ms
    if bounds is None and window_bounds is not None and window_ms > 0:
        # A remote source does not know its extent: ask where the series the
        # indicator reads (its total, or its query) have samples in the window.
        body = spec["indicator"].get("ratio") or spec["indicator"]["threshold"]
        query = substitute(body.get("total") or body["query"], window.promql)
        bounds = window_bounds(query, t_ms, window_ms)
    if bounds is None or window_ms <= 0:
        return 0.0
    first, last = bounds
    covered = min(t_ms, last) - max(window.start_ms, first)
    return max(0.0, min(1.0, covered / window_ms))


def _pct(x: float) -> str:
    if math.isinf(x) or math.isnan(x):
        return str(x)
    return f"{x * 100:.3g}%"


def _num(x: float) -> str:
    return f"{x:.6g}"
