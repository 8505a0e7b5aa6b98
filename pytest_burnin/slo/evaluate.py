"""SLO verdicts: the indicator over its window against the objective, with error budget.

Pure core. A ratio indicator is ``bad/total`` (or ``1 - good/total``); a
threshold indicator is one number compared with its bound. The error budget of
a ratio SLO is the share of bad events the objective allows over the window;
burn rate is the observed bad share divided by that allowance (1.0 spends the
budget exactly over the window).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..errors import EvaluationError
from ..kinds import Evaluation
from ..promql.values import Scalar, Vector

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
        return cls(op, float(value))

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


def substitute(query: str, window: str) -> str:
    return query.replace("{{window}}", window).replace("{{ window }}", window)


def scalar_value(
    source: MetricSource, query: str, t_ms: int, entry: Entry, field: str
) -> float | None:
    """The query's single number, None when it returned no series (no data)."""
    value = source.query(query, t_ms)
    if isinstance(value, Scalar):
        return value.v
    if isinstance(value, Vector):
        if not value:
            return None
        if len(value) > 1:
            raise EvaluationError(
                f"{entry.where('indicator')}: {field} query returned {len(value)} series; "
                f"an SLO needs one number: wrap it in sum(...)\n  query: {query}"
            )
        return value[0].v
    raise EvaluationError(
        f"{entry.where('indicator')}: {field} query must return a number or one series, "
        f"got a {type(value).__name__.lower()}\n  query: {query}"
    )


@dataclass
class Measurement:
    value: float  # what the objective is compared with
    bad_ratio: float | None  # ratio SLOs only


def measure(
    entry: Entry, source: MetricSource, window: str, t_ms: int, *, required: bool
) -> Measurement | None:
    indicator = entry.spec["indicator"]
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


def allowed_bad(entry: Entry, objective: Objective) -> float | None:
    """Share of bad events the objective allows (ratio SLOs), or the threshold itself."""
    ratio = entry.spec["indicator"].get("ratio")
    if ratio is None:
        return objective.value if objective.op in ("below", "at_most") else None
    return objective.value if "bad" in ratio else 1.0 - objective.value


def evaluate_slo(entry: Entry, source: MetricSource, window_ms: int) -> Evaluation:
    spec = entry.spec
    window = spec["window"]
    objective = Objective.from_spec(spec["objective"])
    t_ms = source.default_time()
    coverage = _coverage(source, t_ms, window_ms, entry)
    min_cov = float(spec.get("min_coverage", DEFAULT_MIN_COVERAGE))
    if coverage < min_cov:
        raise EvaluationError(
            f"{entry.where('window')}: data covers {coverage:.0%} of the {window} window, "
            f"below the {min_cov:.0%} minimum (source {source.describe()}); "
            "lower min_coverage or provide more data"
        )
    m = measure(entry, source, window, t_ms, required=True)
    assert m is not None
    is_ratio = m.bad_ratio is not None
    fmt = _pct if is_ratio else _num
    holds = objective.holds(m.value)
    budget = allowed_bad(entry, objective)
    props: list[tuple[str, str]] = [
        ("objective", f"{objective.symbol} {fmt(objective.value)}"),
        ("measured", repr(m.value)),
        ("window", window),
        ("evaluated_at", _iso(t_ms)),
        ("source", source.describe()),
        ("coverage", f"{coverage:.4f}"),
    ]
    budget_text = ""
    consumed: float | None = None
    if budget is not None:
        bad = m.bad_ratio if m.bad_ratio is not None else m.value
        consumed = bad / budget if budget > 0 else (0.0 if bad <= 0 else math.inf)
        props += [
            ("error_budget_total", repr(budget)),
            ("error_budget_consumed", repr(consumed)),
            ("error_budget_remaining", repr(1.0 - consumed)),
        ]
        if budget > 0:
            budget_text = (
                f"budget left {_pct(1.0 - consumed)}"
                if consumed <= 1
                else f"budget overspent by {_pct(consumed - 1.0)}"
            )
        for w in BURN_RATE_WINDOWS if is_ratio and budget > 0 else ():
            short = measure(entry, source, w, t_ms, required=False)
            if short is not None and short.bad_ratio is not None:
                props.append((f"burn_rate_{w}", repr(short.bad_ratio / budget)))
    what = _describe_measure(entry, m, fmt)
    verdict = f"{objective.symbol} {fmt(objective.value)}"
    if holds:
        headline = f"SLO {entry.name}: {what} over {window}, objective {verdict}"
    else:
        headline = f"SLO {entry.name}: {what} over {window} misses objective {verdict}"
    if budget_text:
        headline += f" ({budget_text})"
    details = [f"source: {source.describe()}", f"evaluated at {_iso(t_ms)} over {window}"]
    return Evaluation(passed=holds, headline=headline, details=details, properties=props)


def _describe_measure(entry: Entry, m: Measurement, fmt: object) -> str:
    ratio = entry.spec["indicator"].get("ratio")
    if ratio is None:
        return f"measured {_num(m.value)}"
    return f"{_pct(m.value)} {'bad' if 'bad' in ratio else 'good'}"


def _coverage(source: MetricSource, t_ms: int, window_ms: int, entry: Entry) -> float:
    bounds = source.time_bounds()
    window_bounds = getattr(source, "window_bounds", None)
    if bounds is None and window_bounds is not None and window_ms > 0:
        # A remote source does not know its extent: ask where the series the
        # indicator reads (its total, or its query) have samples in the window.
        body = entry.spec["indicator"].get("ratio") or entry.spec["indicator"]["threshold"]
        query = substitute(body.get("total") or body["query"], entry.spec["window"])
        bounds = window_bounds(query, t_ms, window_ms)
    if bounds is None or window_ms <= 0:
        return 0.0
    first, last = bounds
    covered = min(t_ms, last) - max(t_ms - window_ms, first)
    return max(0.0, min(1.0, covered / window_ms))


def _pct(x: float) -> str:
    if math.isinf(x) or math.isnan(x):
        return str(x)
    return f"{x * 100:.3g}%"


def _num(x: float) -> str:
    return f"{x:.6g}"


def _iso(t_ms: int) -> str:
    return datetime.fromtimestamp(t_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
