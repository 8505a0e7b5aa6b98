"""Counters that drive an SLO's own queries to a chosen error ratio.

Pure core. The behaviour checks must feed the generated alerts the series the
SLO's queries read, at an error ratio they choose. Queries are real ones:
``code=~"(5..|429)"`` regex matchers, a numerator of several selectors
(``count - bucket{le="0.4"}``), a total that also counts the numerator's
series. So instead of reading the query's shape, this module asks the engine:

1. one series per selector in the queries, with label values that satisfy
   its matchers (``regex_values.py`` for regexes), and one per matcher that
   breaks just that matcher (the events the selector leaves out);
2. each series in turn rising 1/s (the others flat): how much bad (E) and
   total (T) does the SLO count? (a 2-row matrix, one column per series);
3. a mix of at most two series with no bad events (E = 0, T = 1) and one
   that is all bad (E = T = 1), weights >= 0 (a vertex of the linear system);
4. any error ratio r is then ``(1 - r) * clean + r * bad``, checked once
   with the engine at r = 0.5, so a query that is not a ratio of counter
   rates is refused rather than misjudged.

Gauges (no selector under rate/increase/irate) are the business of
``synth_gauge.py``: their values, not their rates, make the SLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..promql import ast
from ..promql.labels import Labels, labels_from
from .regex_values import matching_value, non_matching_value
from .synth_gauge import gauge_design
from .synth_probe import PROBE_MINUTES, PROBE_STEP_MS, Unsupported, measure

if TYPE_CHECKING:
    from .synth_gauge import GaugeDesign

COUNTER_START = 1_000_000.0  # counters start high: no zero-point cap in increase()
COUNTER_FUNCS = frozenset({"rate", "increase", "irate"})
PROBE_WINDOW = "5m"
LONGER_WINDOW = "10m"  # twice the probe window: tells a count over the window from a rate
_TOLERANCE = 1e-6
_SAME_LENGTH = "999999999s"
assert len(_SAME_LENGTH) == len("{{window}}")


@dataclass
class Design:
    """Counters that, mixed by weight, give any error ratio at one unit of traffic."""

    labels: list[Labels]
    clean: list[float]  # per-series rates for error ratio 0 at 1 event/s
    bad: list[float]  # per-series rates for error ratio 1 at 1 event/s

    def rates(self, traffic: float, ratio: float) -> list[float]:
        pairs = zip(self.clean, self.bad, strict=True)
        return [traffic * ((1 - ratio) * c + ratio * b) for c, b in pairs]

    def series(
        self, phases: list[tuple[int, float, float]], step_ms: int
    ) -> list[tuple[Labels, list[float | None]]]:
        """Counters over (duration, events/s, error ratio) phases, one sample per step."""
        values = [COUNTER_START] * len(self.labels)
        out: list[list[float | None]] = [[v] for v in values]
        for duration_ms, traffic, ratio in phases:
            rates = self.rates(traffic, ratio)
            for _ in range(duration_ms // step_ms):
                for i, r in enumerate(rates):
                    values[i] += r * step_ms / 1000
                    out[i].append(values[i])
        return list(zip(self.labels, out, strict=True))


def uses_subquery(template: str) -> bool:
    """Whether a query (with ``{{window}}``) holds a subquery."""
    from ..promql.parser import ParseError, parse
    from .rules_gen import substitute

    try:
        tree = parse(substitute(template, PROBE_WINDOW))
    except ParseError:
        return False
    return any(isinstance(n, ast.SubqueryExpr) for n in ast.subexpressions(tree))


def split_raw(query: str) -> tuple[str, str, bool]:
    """A raw error-ratio query as (numerator, total, numerator counts bad events).

    ``A / B`` is bad over total; ``1 - (A / B)`` is good over total.
    """
    from ..promql.parser import parse

    # A duration as long as the placeholder, so positions in the parse are positions in `query`.
    query = query.replace("{{window}}", _SAME_LENGTH)
    expr = _unparen(parse(query))
    if isinstance(expr, ast.BinaryExpr) and expr.op == "-":
        lhs, rhs = _unparen(expr.lhs), _unparen(expr.rhs)
        if isinstance(lhs, ast.NumberLiteral) and lhs.value == 1 and _is_div(rhs):
            assert isinstance(rhs, ast.BinaryExpr)
            return _text(query, rhs.lhs), _text(query, rhs.rhs), False
    if _is_div(expr):
        assert isinstance(expr, ast.BinaryExpr)
        return _text(query, expr.lhs), _text(query, expr.rhs), True
    raise Unsupported("the raw error ratio query is neither A / B nor 1 - (A / B)")


def _is_div(e: ast.Expr) -> bool:
    return isinstance(e, ast.BinaryExpr) and e.op == "/"


def _unparen(e: ast.Expr) -> ast.Expr:
    while isinstance(e, ast.ParenExpr):
        e = e.expr
    return e


def _text(query: str, node: ast.Expr) -> str:
    return query[node.pos[0] : node.pos[1]].replace(_SAME_LENGTH, "{{window}}")


def design(
    num_template: str, total_template: str, num_is_bad: bool, copies: int = 1
) -> Design | GaugeDesign:
    """Series and weights for this SLI (queries with ``{{window}}``), at 1 event/s;
    ``copies`` of each gauge where the SLI counts gauges (synth_gauge.py)."""
    from ..promql.parser import parse
    from .rules_gen import substitute

    num_query = substitute(num_template, PROBE_WINDOW)
    total_query = substitute(total_template, PROBE_WINDOW)

    selectors: list[ast.VectorSelector] = []
    gauges: list[str] = []
    for q in (num_query, total_query):
        _walk(parse(q), None, selectors, gauges)
    labels: list[Labels] = []
    for sel in selectors:
        for picked in _variants(sel):
            ls = labels_from(picked)
            if ls not in labels:
                labels.append(ls)
    if gauges:
        if len(gauges) != len(selectors):
            raise Unsupported(
                f"the SLI reads both counters and gauges ({', '.join(sorted(set(gauges)))})"
            )

        return gauge_design(num_query, total_query, num_is_bad, labels, copies)
    # Every series is present in every probe (a rate of 0 is a flat counter), as
    # `a - b` over an absent `b` is empty in PromQL, not `a`.
    unit = [[1.0 if k == i else 0.0 for k in range(len(labels))] for i in range(len(labels))]
    columns = [_probe(num_query, total_query, num_is_bad, labels, u) for u in unit]
    clean = _vertex(columns, target_e=0.0)
    bad = _vertex(columns, target_e=1.0)
    if clean is None:
        raise Unsupported("no mix of the selected series counts events without errors")
    if bad is None:
        raise Unsupported("no mix of the selected series counts only errors")
    out = Design(labels, clean, bad)
    e, t = _probe(num_query, total_query, num_is_bad, labels, out.rates(1.0, 0.5))
    if abs(t - 1) > _TOLERANCE or abs(e - 0.5) > _TOLERANCE:
        raise Unsupported("the SLI is not a ratio of counter rates (a 50% mix measured otherwise)")
    # Traffic is events per second; a query of increase() counts events per window.
    longer = substitute(total_template, LONGER_WINDOW)
    _, t_longer = _probe(longer, longer, True, labels, out.rates(1.0, 0.5))
    if abs(t_longer - 2) < _TOLERANCE:
        scale = seconds_of(PROBE_WINDOW)
    elif abs(t_longer - 1) < _TOLERANCE:
        scale = 1.0
    else:
        raise Unsupported("the total query is neither a rate nor a count over its window")
    out.clean = [w * scale for w in out.clean]
    out.bad = [w * scale for w in out.bad]
    return out


def seconds_of(window: str) -> float:
    from .rules_gen import duration_ms

    return duration_ms(window) / 1000


def _walk(node: Any, under: str | None, out: list[ast.VectorSelector], gauges: list[str]) -> None:
    if isinstance(node, ast.VectorSelector):
        if under not in COUNTER_FUNCS:
            gauges.append(node.name or "a selector")
        out.append(node)
        return
    if isinstance(node, ast.Call):
        for arg in node.args:
            _walk(arg, node.func, out, gauges)
        return
    if isinstance(node, ast.MatrixSelector):
        _walk(node.vector, under, out, gauges)
        return
    if isinstance(node, list):
        for n in node:
            _walk(n, None, out, gauges)
        return
    if isinstance(node, ast.Expr):
        for key, value in vars(node).items():
            if key != "pos":
                _walk(value, None, out, gauges)


def _variants(sel: ast.VectorSelector) -> list[dict[str, str]]:
    """Labels the selector selects, then the same with one matcher broken at a time.

    The broken ones are the events a selector must not count: the 5xx that
    ``code!~"5.."`` (good events) leaves out, which the total still counts.
    """
    base = _pick_labels(sel)
    out = [base]
    for m in sel.matchers:
        if m.name == "__name__":
            continue
        if m.type is ast.MatchType.EQUAL:
            other: str | None = "" if m.value else "burnin_other"
        elif m.type is ast.MatchType.NOT_EQUAL:
            other = m.value
        elif m.type is ast.MatchType.REGEX:
            other = non_matching_value(m.value)
        else:
            other = matching_value(m.value)
        if other is not None:
            broken = {k: v for k, v in base.items() if k != m.name}
            if other:
                broken[m.name] = other
            out.append(broken)
    return out


def _pick_labels(sel: ast.VectorSelector) -> dict[str, str]:
    out: dict[str, str] = {"__name__": sel.name} if sel.name else {}
    for m in sel.matchers:
        if m.type is ast.MatchType.EQUAL:
            value: str | None = m.value
        elif m.type is ast.MatchType.REGEX:
            value = matching_value(m.value)
        elif m.type is ast.MatchType.NOT_EQUAL:
            value = "" if m.value != "" else "burnin_other"
        else:
            value = non_matching_value(m.value)
        if value is None:
            raise Unsupported(f"cannot pick a value for {m.name}{m.type.value}{m.value!r}")
        if value != "":
            out[m.name] = value
    if "__name__" not in out:
        raise Unsupported("a selector without a metric name")
    return out


def _probe(
    num_query: str, total_query: str, num_is_bad: bool, labels: list[Labels], rates: list[float]
) -> tuple[float, float]:
    """Bad and total events per second the SLO counts for these counters' rates."""
    series = [
        (ls, [COUNTER_START + r * i * PROBE_STEP_MS / 1000 for i in range(PROBE_MINUTES + 1)])
        for ls, r in zip(labels, rates, strict=True)
    ]
    return measure(num_query, total_query, num_is_bad, series)


def _vertex(columns: list[tuple[float, float]], target_e: float) -> list[float] | None:
    """Weights >= 0, at most two non-zero, with E = target_e and T = 1."""
    n = len(columns)
    for i in range(n):
        e, t = columns[i]
        if t > _TOLERANCE and abs(e / t - target_e) < _TOLERANCE:
            return [1 / t if k == i else 0.0 for k in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            (ei, ti), (ej, tj) = columns[i], columns[j]
            det = ei * tj - ej * ti
            if abs(det) < _TOLERANCE:
                continue
            xi = (target_e * tj - ej) / det
            xj = (ei - target_e * ti) / det
            if xi >= -_TOLERANCE and xj >= -_TOLERANCE:
                return [
                    max(xi, 0.0) if k == i else max(xj, 0.0) if k == j else 0.0 for k in range(n)
                ]
    return None
