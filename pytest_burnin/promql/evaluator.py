"""One query execution: the evaluation dispatch, selectors, subqueries and annotations.

``Evaluator.eval(node, t)`` returns a node's value at time ``t`` (see
``engine.py`` for the modes and the public API). Operators and functions live
in ``binops``, ``aggregations``, ``functions`` and ``rangefuncs``; they call
back into the helpers here (``eval``, ``drop_name``, ``warn``...).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any

from . import ast
from .evaltypes import El, EvalValue, IVector, RangeSeries, RangeVec, drop_metadata
from .extended import extend_points, smoothed_value
from .labels import METRIC_NAME, Labels, without_name
from .storage import Series, is_histogram, is_stale
from .values import Matrix, QueryError, Sample, Scalar, SeriesPoints, String, Value, Vector

if TYPE_CHECKING:
    from collections.abc import Callable

    from .engine import Engine
    from .rangebatch import Batch


def _go_div(a: int, b: int) -> int:
    """Integer division truncating toward zero, as Go's ``/`` on int64."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


# Steps one subquery may take at one evaluation time. ``x[1y:1ms]`` is 31.5
# billion and would run for days; Prometheus stops such a query through its
# sample limit (--query.max-samples, 50 million). A million steps is 2 years
# at 1m, or 11 days at 1s; a whole query may evaluate ten times that.
MAX_SUBQUERY_STEPS = 1_000_000
# All subquery steps of one query, memoised ones included (a nested subquery
# repeats its inner steps at every outer one): some tens of seconds at most.
MAX_QUERY_SUBQUERY_STEPS = 10_000_000


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
        self.current_t = start
        self._mono: dict[tuple[str, str], list[float]] = {}
        self.warnings: list[str] = []
        self.infos: list[str] = []
        self._memo: dict[tuple[int, int], EvalValue] = {}
        # Range functions batched over all steps (rangebatch), by node id; None: not batchable.
        self.batch_memo: dict[int, tuple[int, int, Batch | None]] = {}
        self.agg_memo: dict[int, tuple[Batch, list[IVector]] | None] = {}  # rangeagg
        # Aggregation group keys by node id (aggregations._cached_key).
        self.group_keys: dict[int, Callable[[Labels], Labels]] = {}
        self.subquery_work = 0  # subquery steps so far, bounded by MAX_QUERY_SUBQUERY_STEPS
        # Native histograms in storage? Otherwise no value can hold one (cheap checks off).
        self.histograms = bool(getattr(self.storage, "has_histograms", False))
        # Selectors read as Prometheus' histogram stats iterator reads (native_series).
        self.stats_nodes: frozenset[int] = frozenset()

    # -- helpers used by the operator modules -------------------------------

    def eval(self, node: ast.Expr, t: int) -> EvalValue:
        fn = _DISPATCH.get(type(node))
        if fn is None:
            raise QueryError(f"unsupported expression node {type(node).__name__}")
        return fn(self, node, t)

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

    def monotonicity_info(
        self, msg: str, node: ast.Expr | None, fix: tuple[float, float, float]
    ) -> None:
        """Prometheus merges these per message: bucket span, max fix, sample count, times."""
        key = (msg, self._position(node))
        lo_b, hi_b, diff = fix
        t = self.current_t
        hit = self._mono.get(key)
        if hit is None:
            self._mono[key] = [lo_b, hi_b, diff, 1, t, t]
        else:
            hit[0], hit[1], hit[2] = min(hit[0], lo_b), max(hit[1], hi_b), max(hit[2], diff)
            hit[3] += 1
            hit[4], hit[5] = min(hit[4], t), max(hit[5], t)

    def finish(self) -> None:
        """Render the merged annotations into ``infos``."""
        from .gomath import format_g
        from .gotime import rfc3339 as unix_rfc3339

        def rfc3339(ms: float) -> str:
            return unix_rfc3339(int(ms) // 1000)  # any time, even past year 9999

        for (msg, pos), (lo_b, hi_b, diff, n, t0, t1) in self._mono.items():
            text = (
                f"PromQL info: {msg}, from buckets {format_g(lo_b)} to {format_g(hi_b)}, "
                f"with a max diff of {diff:.2g}, over {int(n)} samples from "
                f"{rfc3339(t0)} to {rfc3339(t1)}{pos}"
            )
            if text not in self.infos:
                self.infos.append(text)
        self._mono.clear()

    def info(self, msg: str, node: ast.Expr | None = None) -> None:
        full = f"PromQL info: {msg}{self._position(node)}"
        if full not in self.infos:
            self.infos.append(full)

    def strip(self, labels: Labels) -> Labels:
        """Labels without the metric name (and, in 3.x, the __type__/__unit__ metadata)."""
        memo = self.engine.stripped
        hit = memo.get(labels)
        if hit is None:
            if len(memo) > 200_000:
                memo.clear()  # bound the memory over a long-lived engine
            hit = memo[labels] = drop_metadata(labels) if self.compat >= 3 else without_name(labels)
        return hit

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
            hit = self.engine.cached_select(matchers)
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
                h = None if el.h is None else el.h.mul(-1.0).compact()
                out.append(El(lab, -el.v, drop or el.drop, h))
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
            if v != v and s.hists is not None and is_histogram(v):
                h = s.hists[st]
                if id(node) in self.stats_nodes:
                    from .native_series import stats_hint

                    before = s.ts[i - 1] if i > 0 else None
                    read = before is not None and before > self.start - self.lookback
                    prev = s.hists.get(before) if read and before is not None else None
                    h = stats_hint(h, prev)
                out.append(El(s.labels, 0.0, h=h))
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
            if s.hists:
                from .native_extended import smoothed_sample

                got = smoothed_sample(self, node, s.labels, ts, vals, s.hists, lo, hi, ref)
                if got is not None:
                    out.append(El(s.labels, got[0], h=got[1]))
                continue
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
                if s.hists:
                    from .native_series import split_window

                    stats = id(vs_node) in self.stats_nodes
                    window = (lo, hi, start, ref, stats, s.sts)
                    out.append(split_window(s.labels, ts, vals, s.hists, *window))
                    continue
                out.append(
                    RangeSeries(s.labels, ts, vals, lo, hi, start, ref, mode=mode, cache=cache)
                )
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
        steps = (ref - first) // step + 1 if first <= ref else 0
        self.subquery_work += steps  # memoised steps cost little, but not nothing
        if steps > MAX_SUBQUERY_STEPS or self.subquery_work > MAX_QUERY_SUBQUERY_STEPS:
            raise QueryError(
                f"subquery {self.text[node.pos[0] : node.pos[1]]!r} would evaluate {steps:,} "
                f"steps ({self.subquery_work:,} in this query so far), over the limit of "
                f"{MAX_SUBQUERY_STEPS:,} per subquery and {MAX_QUERY_SUBQUERY_STEPS:,} per query: "
                "use a larger subquery step or a shorter range"
            )
        remembered = self.engine.subquery_memo
        if remembered is not None:
            got = remembered.window(self, node, t, (first, ref, start, step))
            if got is not None:
                return got
        acc: dict[Labels, tuple[list[int], list[float], list[bool]]] = {}
        hacc: dict[Labels, list[tuple[int, Any]]] = {}  # native histogram points
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
                    if el.h is not None:
                        hacc.setdefault(el.labels, []).append((st, el.h))
                        continue
                    entry[0].append(st)
                    entry[1].append(el.v)
            else:
                raise QueryError("subquery needs a scalar or instant vector expression")
            st += step
        out = RangeVec()
        for lab, (ts, vals, drop) in acc.items():
            if hacc:
                from .native_series import subquery_series

                out.append(subquery_series(lab, ts, vals, hacc.get(lab, []), start, ref, drop[0]))
                continue
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
                out.append(Sample(lab, t, el.v, el.h))
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
                sp = by_labels[lab] = SeriesPoints(lab, pts, list(rs.hpoints or ()))
                mat.append(sp)
            else:
                raise QueryError("vector cannot contain metrics with the same labelset")
        return mat


# By node type. A class-level table of plain functions, not bound methods in
# the instance: those would make every Evaluator a reference cycle that only
# the cyclic collector frees (rule tests create one per rule and step).
_DISPATCH: dict[type, Callable[[Evaluator, Any, int], EvalValue]] = {
    ast.NumberLiteral: Evaluator._number,
    ast.StringLiteral: Evaluator._string,
    ast.ParenExpr: Evaluator._paren,
    ast.UnaryExpr: Evaluator._unary,
    ast.VectorSelector: Evaluator._vector_selector,
    ast.MatrixSelector: Evaluator._matrix_selector,
    ast.SubqueryExpr: Evaluator._subquery,
    ast.BinaryExpr: Evaluator._binary,
    ast.AggregateExpr: Evaluator._aggregate,
    ast.Call: Evaluator._call,
}
