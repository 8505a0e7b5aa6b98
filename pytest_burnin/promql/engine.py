"""The PromQL evaluator: instant and range queries over an in-memory ``Storage``.

Prometheus (``promql/engine.go``) is the reference. A query is evaluated one
timestamp at a time: ``Evaluator.eval(node, t)`` returns the value of a node at
``t``; range queries call it once per step (selections are cached for the
whole query, and subquery inner results are memoised by absolute timestamp, so
overlapping subquery windows are computed once).

Compatibility modes (``compat``):

* 3 (default, Prometheus 3.x): range windows and the lookback window are
  left-open, ``(t - range, t]``; subquery steps start strictly after
  ``t - range``; the metric name is removed lazily (delayed name removal, so
  ``label_replace(rate(x[5m]), "__name__", ...)`` can keep it); rate()'s
  extrapolation-to-zero is capped after the half-interval rule; ``.`` in
  regexes matches newlines; ``holt_winters`` is ``double_exponential_smoothing``;
  histogram_quantile ignores tiny (1e-12 relative) bucket count decreases.
* 2 (Prometheus 2.x): windows are closed, ``[t - range, t]``; the metric name
  is dropped at once; the 2.x rate extrapolation order; ``.`` does not match
  a newline; ``holt_winters`` exists; plain monotonicity fix for buckets.

Unchanged between them: deriv/predict_linear, the lookback default (5m),
staleness handling, ``@``/offset semantics.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from . import ast
from .evaltypes import El, EvalValue, IVector, RangeSeries, RangeVec, drop_metadata
from .extended import extend_points, smoothed_value
from .labels import METRIC_NAME, Labels, get, without_name
from .re2 import compile_anchored
from .storage import Series, Storage, is_stale
from .values import Matrix, QueryError, Sample, Scalar, SeriesPoints, String, Value, Vector

if TYPE_CHECKING:
    from collections.abc import Callable

_PARSE_CACHE_SIZE = 2048


def _go_div(a: int, b: int) -> int:
    """Integer division truncating toward zero, as Go's ``/`` on int64."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


class _SeriesCache:
    """Per-series arrays without staleness markers, for range windows.

    Stale markers never appear in range vectors, so they are filtered once per
    series version (length and last sample) instead of once per window.
    """

    def __init__(self) -> None:
        self._data: dict[int, tuple[Series, int, int, list[int], list[float]]] = {}

    def clean(self, s: Series) -> tuple[list[int], list[float]]:
        n = len(s.ts)
        last = s.ts[-1] if n else -1
        hit = self._data.get(id(s))
        if hit is not None and hit[0] is s and hit[1] == n and hit[2] == last:
            return hit[3], hit[4]
        ts, vs = s.ts, s.vs
        if any(v != v for v in vs):
            keep = [i for i, v in enumerate(vs) if not (v != v and is_stale(v))]
            if len(keep) != n:
                ts = [ts[i] for i in keep]
                vs = [vs[i] for i in keep]
        self._data[id(s)] = (s, n, last, ts, vs)
        return ts, vs


class Engine:
    """Evaluates PromQL over ``storage``; see the module docstring for ``compat``."""

    def __init__(
        self,
        storage: Storage,
        *,
        lookback_delta_ms: int = 300_000,
        compat: int = 3,
        default_subquery_step_ms: int = 60_000,
        delayed_name_removal: bool = False,
    ) -> None:
        if compat not in (2, 3):
            raise ValueError(f"compat must be 2 or 3, not {compat!r}")
        self.storage = storage
        self.lookback_delta_ms = lookback_delta_ms
        self.compat = compat
        self.default_subquery_step_ms = default_subquery_step_ms
        # Prometheus 3's --enable-feature=promql-delayed-name-removal (off by
        # default there and in promtool; on in its own PromQL test scripts).
        self.delayed_name_removal = delayed_name_removal and compat >= 3
        self._series_cache = _SeriesCache()
        self._parsed: OrderedDict[str, ast.Expr] = OrderedDict()
        # (warnings, infos) of the last query, worded as Prometheus' annotations.
        self.last_annotations: tuple[list[str], list[str]] = ([], [])

    # -- public API ---------------------------------------------------------

    def parse(self, query: str | ast.Expr) -> ast.Expr:
        """Parse with an LRU cache on the text: rule groups repeat the same queries."""
        if not isinstance(query, str):
            return query
        hit = self._parsed.get(query)
        if hit is not None:
            self._parsed.move_to_end(query)
            return hit
        from .parser import parse  # the parser is optional until a text query is given

        expr = parse(query)
        self._parsed[query] = expr
        if len(self._parsed) > _PARSE_CACHE_SIZE:
            self._parsed.popitem(last=False)
        return expr

    def instant(self, query: str | ast.Expr, t_ms: int) -> Value:
        expr = self.parse(query)
        ev = Evaluator(self, t_ms, t_ms, 0, query if isinstance(query, str) else "")
        self.last_annotations = (ev.warnings, ev.infos)
        val = ev.eval(expr, t_ms)
        return ev.to_public(val, t_ms)

    def range(self, query: str | ast.Expr, start_ms: int, end_ms: int, step_ms: int) -> Matrix:
        expr = self.parse(query)
        if step_ms <= 0:
            raise QueryError("zero or negative query resolution step widths are not accepted")
        if end_ms < start_ms:
            raise QueryError("end timestamp must not be before start time")
        ev = Evaluator(self, start_ms, end_ms, step_ms, query if isinstance(query, str) else "")
        self.last_annotations = (ev.warnings, ev.infos)
        acc: dict[Labels, SeriesPoints] = {}
        t = start_ms
        while t <= end_ms:
            val = ev.eval(expr, t)
            if isinstance(val, float):
                sp = acc.get(())
                if sp is None:
                    sp = acc[()] = SeriesPoints(())
                sp.points.append((t, val))
            elif isinstance(val, IVector):
                for el in val:
                    lab = ev.strip(el.labels) if el.drop else el.labels
                    sp = acc.get(lab)
                    if sp is None:
                        sp = acc[lab] = SeriesPoints(lab)
                    elif sp.points[-1][0] == t:
                        raise QueryError("vector cannot contain metrics with the same labelset")
                    sp.points.append((t, el.v))
            else:
                kind = "string" if isinstance(val, str) else "range vector"
                raise QueryError(
                    f'invalid expression type "{kind}" for range query, must be Scalar or instant Vector'
                )
            t += step_ms
        return Matrix(sorted(acc.values(), key=lambda sp: sp.labels))


class Evaluator:
    """State of one query execution: its range, caches and the evaluation dispatch."""

    def __init__(self, engine: Engine, start: int, end: int, interval: int, text: str = "") -> None:
        self.engine = engine
        self.text = text
        self.storage = engine.storage
        self.compat = engine.compat
        self.delayed = engine.delayed_name_removal
        self.lookback = engine.lookback_delta_ms
        self.start = start
        self.end = end
        self.interval = interval
        self.sub_step = engine.default_subquery_step_ms
        self._select_cache: dict[int, list[Series]] = {}
        self.call_node: ast.Call | None = None
        self.warnings: list[str] = []
        self.infos: list[str] = []
        self._memo: dict[tuple[int, int], EvalValue] = {}
        self._dispatch: dict[type, Callable[[Any, int], EvalValue]] = {
            ast.NumberLiteral: self._number,
            ast.StringLiteral: self._string,
            ast.ParenExpr: self._paren,
            ast.UnaryExpr: self._unary,
            ast.VectorSelector: self._vector_selector,
            ast.MatrixSelector: self._matrix_selector,
            ast.SubqueryExpr: self._subquery,
            ast.BinaryExpr: self._binary,
            ast.AggregateExpr: self._aggregate,
            ast.Call: self._call,
        }

    # -- helpers used by the operator modules -------------------------------

    def eval(self, node: ast.Expr, t: int) -> EvalValue:
        fn = self._dispatch.get(type(node))
        if fn is None:
            raise QueryError(f"unsupported expression node {type(node).__name__}")
        return fn(node, t)

    def eval_scalar(self, node: ast.Expr, t: int) -> float:
        v = self.eval(node, t)
        if not isinstance(v, float):
            raise QueryError(f"expected scalar, got {type(v).__name__}")
        return v

    def eval_vector(self, node: ast.Expr, t: int) -> IVector:
        v = self.eval(node, t)
        if not isinstance(v, IVector):
            raise QueryError(f"expected instant vector, got {type(v).__name__}")
        return v

    def _position(self, node: ast.Expr | None) -> str:
        if node is None:
            return ""
        start = node.pos[0]
        before = self.text[:start]
        line = before.count("\n") + 1
        col = start - before.rfind("\n")
        return f" ({line}:{col})"

    def warn(self, msg: str, node: ast.Expr | None = None) -> None:
        """Record a Prometheus-worded warning annotation, positioned like Prometheus'."""
        full = f"PromQL warning: {msg}{self._position(node)}"
        if full not in self.warnings:
            self.warnings.append(full)

    def info(self, msg: str, node: ast.Expr | None = None) -> None:
        full = f"PromQL info: {msg}{self._position(node)}"
        if full not in self.infos:
            self.infos.append(full)

    def strip(self, labels: Labels) -> Labels:
        """Labels without the metric name (and, in 3.x, the __type__/__unit__ metadata)."""
        if self.compat >= 3:
            return drop_metadata(labels)
        return without_name(labels)

    def drop_name(self, labels: Labels) -> tuple[Labels, bool]:
        """Labels and drop flag after a value-changing operation."""
        if self.delayed:
            return labels, True
        return self.strip(labels), False

    def check_unique(self, vec: IVector) -> IVector:
        if len(vec) > 1:
            seen = {el.labels for el in vec}
            if len(seen) != len(vec):
                raise QueryError("vector cannot contain metrics with the same labelset")
        return vec

    def duration(self, d: ast.Duration | None) -> int:
        if d is None:
            return 0
        if isinstance(d, int):
            return d
        return round(self._duration_seconds(d) * 1000)

    def _duration_seconds(self, d: ast.DurationExpr) -> float:
        from . import gomath

        op = d.op
        if op == "number":
            return d.value / 1000.0
        if op == "step":
            return self.interval / 1000.0
        if op == "range":
            return (self.end - self.start) / 1000.0
        args = [self._duration_seconds(a) for a in d.args]
        if op == "neg":
            return -args[0]
        if op == "min":
            return min(args)
        if op == "max":
            return max(args)
        a, b = args
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return gomath.div(a, b)
        if op == "%":
            return gomath.mod(a, b)
        if op == "^":
            return gomath.pow_(a, b)
        raise QueryError(f"unknown duration operator {op!r}")

    def ref_time(
        self, at: int | None, at_modifier: str | None, offset: ast.Duration, t: int
    ) -> int:
        """The storage time a selector reads at: ``@`` replaces t, offset goes back."""
        base = t
        if at is not None:
            base = at
        elif at_modifier == "start":
            base = self.start
        elif at_modifier == "end":
            base = self.end
        return base - self.duration(offset)

    def select(self, node: ast.VectorSelector) -> list[Series]:
        key = id(node)
        hit = self._select_cache.get(key)
        if hit is None:
            matchers = list(node.matchers)
            if node.name is not None and not any(m.name == METRIC_NAME for m in matchers):
                matchers.append(ast.Matcher(METRIC_NAME, ast.MatchType.EQUAL, node.name))
            hit = self.storage.select(matchers)
            if self.compat < 3 and any(
                m.type in (ast.MatchType.REGEX, ast.MatchType.NOT_REGEX) for m in matchers
            ):
                hit = _filter_no_dotall(hit, matchers)
            self._select_cache[key] = hit
        return hit

    # -- leaves --------------------------------------------------------------

    def _number(self, node: ast.NumberLiteral, t: int) -> EvalValue:
        return float(node.value)

    def _string(self, node: ast.StringLiteral, t: int) -> EvalValue:
        return node.value

    def _paren(self, node: ast.ParenExpr, t: int) -> EvalValue:
        return self.eval(node.expr, t)

    def _unary(self, node: ast.UnaryExpr, t: int) -> EvalValue:
        val = self.eval(node.expr, t)
        if node.op != "-":
            return val
        if isinstance(val, float):
            return -val
        if isinstance(val, IVector):
            out = IVector()
            for el in val:
                lab, drop = self.drop_name(el.labels)
                out.append(El(lab, -el.v, drop or el.drop))
            return self.check_unique(out)
        raise QueryError("unary minus needs a scalar or an instant vector")

    def _vector_selector(self, node: ast.VectorSelector, t: int) -> EvalValue:
        if node.modifier is not None:
            return self._smoothed_selector(node, t)
        ref = self.ref_time(node.at, node.at_modifier, node.offset, t)
        low = ref - self.lookback
        left_open = self.compat >= 3
        out = IVector()
        for s in self.select(node):
            ts = s.ts
            i = bisect_right(ts, ref) - 1
            if i < 0:
                continue
            st = ts[i]
            if st < low or (left_open and st == low):
                continue
            v = s.vs[i]
            if v != v and is_stale(v):
                continue
            out.append(El(s.labels, v))
        return out

    def _smoothed_selector(self, node: ast.VectorSelector, t: int) -> EvalValue:
        if node.modifier != "smoothed":
            raise QueryError(f"the {node.modifier} modifier needs a range selector")
        ref = self.ref_time(node.at, node.at_modifier, node.offset, t)
        out = IVector()
        cache = self.engine._series_cache
        for s in self.select(node):
            ts, vals = cache.clean(s)
            lo = bisect_right(ts, ref - self.lookback)
            hi = bisect_right(ts, ref + self.lookback, lo)
            v = smoothed_value(ts, vals, lo, hi, ref)
            if v is not None:
                out.append(El(s.labels, v))
        return out

    def sample_times(self, node: ast.VectorSelector, t: int) -> IVector:
        """Like the selector, but each value is its sample's timestamp (for timestamp())."""
        ref = self.ref_time(node.at, node.at_modifier, node.offset, t)
        low = ref - self.lookback
        left_open = self.compat >= 3
        out = IVector()
        for s in self.select(node):
            i = bisect_right(s.ts, ref) - 1
            if i < 0:
                continue
            st = s.ts[i]
            if st < low or (left_open and st == low):
                continue
            v = s.vs[i]
            if v != v and is_stale(v):
                continue
            lab, drop = self.drop_name(s.labels)
            out.append(El(lab, st / 1000.0, drop))
        return out

    def _matrix_selector(self, node: ast.MatrixSelector, t: int) -> EvalValue:
        vs_node = node.vector
        mode = vs_node.modifier
        ref = self.ref_time(vs_node.at, vs_node.at_modifier, vs_node.offset, t)
        start = ref - self.duration(node.range)
        left_open = self.compat >= 3
        # anchored/smoothed windows reach one lookback delta beyond the range.
        fetch_start = start - self.lookback if mode is not None else start
        fetch_end = ref + self.lookback if mode == "smoothed" else ref
        out = RangeVec()
        cache = self.engine._series_cache
        for s in self.select(vs_node):
            ts, vals = cache.clean(s)
            lo = bisect_right(ts, fetch_start) if left_open else bisect_left(ts, fetch_start)
            hi = bisect_right(ts, fetch_end, lo)
            if hi > lo:
                out.append(RangeSeries(s.labels, ts, vals, lo, hi, start, ref, mode=mode))
        return out

    def _subquery(self, node: ast.SubqueryExpr, t: int) -> EvalValue:
        ref = self.ref_time(node.at, node.at_modifier, node.offset, t)
        rng = self.duration(node.range)
        step = self.duration(node.step) if node.step is not None else self.sub_step
        if step <= 0:
            raise QueryError("zero or negative subquery step")
        start = ref - rng
        # Steps are aligned to absolute multiples of the step, so that a
        # subquery gives the same points whatever time it is evaluated at.
        first = _go_div(start, step) * step
        if first < start or (self.compat >= 3 and first == start):
            first += step
        acc: dict[Labels, tuple[list[int], list[float], list[bool]]] = {}
        inner = node.expr
        key0 = id(inner)
        memo = self._memo
        st = first
        while st <= ref:
            key = (key0, st)
            val = memo.get(key)
            if val is None:
                val = memo[key] = self.eval(inner, st)
            if isinstance(val, float):
                entry = acc.get(())
                if entry is None:
                    entry = acc[()] = ([], [], [False])
                entry[0].append(st)
                entry[1].append(val)
            elif isinstance(val, IVector):
                for el in val:
                    entry = acc.get(el.labels)
                    if entry is None:
                        entry = acc[el.labels] = ([], [], [el.drop])
                    entry[0].append(st)
                    entry[1].append(el.v)
            else:
                raise QueryError("subquery needs a scalar or instant vector expression")
            st += step
        out = RangeVec()
        for lab, (ts, vals, drop) in acc.items():
            out.append(RangeSeries(lab, ts, vals, 0, len(ts), start, ref, drop[0]))
        return out

    # -- operators and functions live in their own modules ----------------

    def _binary(self, node: ast.BinaryExpr, t: int) -> EvalValue:
        from .binops import eval_binary

        return eval_binary(self, node, t)

    def _aggregate(self, node: ast.AggregateExpr, t: int) -> EvalValue:
        from .aggregations import eval_aggregate

        return eval_aggregate(self, node, t)

    def _call(self, node: ast.Call, t: int) -> EvalValue:
        from .functions import eval_call

        return eval_call(self, node, t)

    # -- results -----------------------------------------------------------

    def to_public(self, val: EvalValue, t: int) -> Value:
        if isinstance(val, float):
            return Scalar(t, val)
        if isinstance(val, str):
            return String(t, val)
        if isinstance(val, IVector):
            out = Vector()
            seen: set[Labels] = set()
            for el in val:
                lab = self.strip(el.labels) if el.drop else el.labels
                if lab in seen:
                    raise QueryError("vector cannot contain metrics with the same labelset")
                seen.add(lab)
                out.append(Sample(lab, t, el.v))
            return out
        mat = Matrix()
        by_labels: dict[Labels, SeriesPoints] = {}
        for rs in val:
            lab = self.strip(rs.labels) if rs.drop else rs.labels
            if rs.mode is not None:
                pts = extend_points(
                    rs.ts, rs.vs, rs.lo, rs.hi, rs.start, rs.end, rs.mode == "smoothed"
                )
                if not pts:
                    continue
            else:
                pts = list(zip(rs.times(), rs.values(), strict=True))
            sp = by_labels.get(lab)
            if sp is None:
                sp = by_labels[lab] = SeriesPoints(lab, pts)
                mat.append(sp)
            else:
                raise QueryError("vector cannot contain metrics with the same labelset")
        return mat


def _filter_no_dotall(series: list[Series], matchers: list[ast.Matcher]) -> list[Series]:
    """Re-check regex matchers without DOTALL: the storage matches the 3.x way."""
    out = []
    for s in series:
        ok = True
        for m in matchers:
            if m.type in (ast.MatchType.REGEX, ast.MatchType.NOT_REGEX):
                hit = (
                    compile_anchored(m.value, dotall=False).match(get(s.labels, m.name)) is not None
                )
                if hit != (m.type is ast.MatchType.REGEX):
                    ok = False
                    break
        if ok:
            out.append(s)
    return out
