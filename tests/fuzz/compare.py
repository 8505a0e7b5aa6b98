"""Ask both sides one query and compare the answers as Prometheus' test runner does.

An ``Outcome`` is a normalised answer: an error (message kept for the report),
a value (scalar, string, vector or matrix, series sorted by labels), or a
crash (a Python exception in our engine: always a finding). Floats compare
with Prometheus' ``almostEqual`` and its test runner's epsilon (1e-6); NaN
equals NaN; series order is ignored, as an unordered ``eval`` ignores it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import requests

from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.gomath import almost_equal
from pytest_burnin.promql.lexer import ParseError
from pytest_burnin.promql.values import Matrix, QueryError, Scalar, String, Vector

EPSILON = 1e-6
Series = tuple[tuple[tuple[str, str], ...], tuple[tuple[int, float], ...]]


@dataclass(frozen=True)
class Query:
    """An instant query at ``start_ms`` (``step_ms == 0``) or a range query."""

    start_ms: int
    end_ms: int = 0
    step_ms: int = 0

    @property
    def is_range(self) -> bool:
        return self.step_ms > 0


@dataclass(frozen=True)
class Outcome:
    kind: str  # "error" | "crash" | "scalar" | "string" | "vector" | "matrix"
    series: tuple[Series, ...] = ()
    text: str = ""  # the error message, the crash, or the string value

    def describe(self) -> str:
        if self.kind in ("error", "crash", "string"):
            return f"{self.kind}: {self.text}"
        if not self.series:
            return f"{self.kind}: []"
        shown = [f"{_labels(lab)} {_points(pts)}" for lab, pts in self.series[:6]]
        more = f" (+{len(self.series) - 6} more)" if len(self.series) > 6 else ""
        return f"{self.kind}: " + "; ".join(shown) + more


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    from pytest_burnin.promql.labels import format_labels

    return format_labels(labels) or "{}"


def _points(points: tuple[tuple[int, float], ...]) -> str:
    return " ".join(f"{v!r}@{t / 1000:g}" for t, v in points)


def _float(text: str) -> float:
    return {"+Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}.get(text) or float(text)


def _ms(t: float) -> int:
    return round(t * 1000)


def from_api(body: dict[str, Any]) -> Outcome:
    if body.get("status") != "success":
        return Outcome("error", text=str(body.get("error", body)))
    data = body["data"]
    kind, result = data["resultType"], data["result"]
    if kind == "scalar":
        return Outcome("scalar", (((), ((_ms(result[0]), _float(result[1])),)),))
    if kind == "string":
        return Outcome("string", text=result[1])
    out: list[Series] = []
    for item in result:
        labels = tuple(sorted(item["metric"].items()))
        if kind == "vector":
            t, v = item["value"]
            out.append((labels, ((_ms(t), _float(v)),)))
        elif item.get("values"):
            out.append((labels, tuple((_ms(t), _float(v)) for t, v in item["values"])))
        elif "histograms" in item:
            return Outcome("error", text=f"unexpected native histogram in {item}")
        # A series with no points at all (2.42 lists one whose window holds only a
        # staleness marker) says nothing: left out, as the engine leaves it out.
    return Outcome(kind, tuple(sorted(out)))


def ask_prometheus(url: str, expr: str, q: Query) -> Outcome:
    if q.is_range:
        params = {
            "query": expr,
            "start": f"{q.start_ms / 1000:.3f}",
            "end": f"{q.end_ms / 1000:.3f}",
            "step": f"{q.step_ms / 1000:.3f}",
        }
        answer = requests.post(f"{url}/api/v1/query_range", data=params, timeout=60)
    else:
        params = {"query": expr, "time": f"{q.start_ms / 1000:.3f}"}
        answer = requests.post(f"{url}/api/v1/query", data=params, timeout=60)
    try:
        body = answer.json()
    except ValueError:
        return Outcome("error", text=f"HTTP {answer.status_code}: {answer.text[:200]}")
    return from_api(body)


def ask_engine(engine: Engine, expr: str, q: Query) -> Outcome:
    try:
        if q.is_range:
            value: Any = engine.range(expr, q.start_ms, q.end_ms, q.step_ms)
        else:
            value = engine.instant(expr, q.start_ms)
    except (QueryError, ParseError) as exc:
        return Outcome("error", text=str(exc))
    except Exception as exc:  # a crash is a finding, never a pass
        return Outcome("crash", text=f"{type(exc).__name__}: {exc}")
    if isinstance(value, Scalar):
        if q.is_range:
            raise AssertionError("range queries answer a Matrix")
        return Outcome("scalar", (((), ((value.t, value.v),)),))
    if isinstance(value, String):
        return Outcome("string", text=value.v)
    if isinstance(value, Vector):
        return Outcome("vector", tuple(sorted((s.labels, ((s.t, s.v),)) for s in value)))
    assert isinstance(value, Matrix)
    return Outcome(
        "matrix", tuple(sorted((sp.labels, tuple(sp.points)) for sp in value if sp.points))
    )


def agree(a: Outcome, b: Outcome) -> bool:
    """Both errors (any wording), or equal values within the tolerance."""
    if a.kind == "crash" or b.kind == "crash":
        return False
    if a.kind != b.kind:
        return False
    if a.kind == "error":
        return True
    if a.kind == "string":
        return a.text == b.text
    if len(a.series) != len(b.series):
        return False
    for (la, pa), (lb, pb) in zip(a.series, b.series, strict=False):
        if la != lb or len(pa) != len(pb):
            return False
        for (ta, va), (tb, vb) in zip(pa, pb, strict=False):
            if ta != tb or not almost_equal(va, vb, EPSILON):
                return False
    return True
