"""Range queries: a range function over a plain selector, computed for every step at once.

``engine.py`` evaluates a range query one step at a time. For
``f(x[r])`` that means, per step and per series, a window slice and a
Python loop over its samples: 1,000 series x 121 steps x 240 samples is
29 million Python iterations for ``predict_linear(x[1h], 600)``. Here the
first step's call computes the windows of all steps and series with two
``searchsorted`` per series and runs a numpy kernel (``rangekernels``) over
them; later steps read their vector from the evaluator's memo.

Only what is proved bit-identical to ``rangefuncs.py`` is batched (tests in
``tests/promql/test_rangebatch.py`` compare both on awkward data); anything
else (``@``, anchored/smoothed selectors, subqueries, non-literal
parameters, instant queries) returns None and takes the ordinary path.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from . import ast
from . import rangekernels as rk
from .evaltypes import El, IVector
from .labels import METRIC_NAME, Labels, get
from .rangefuncs import _PREFIX_MIN
from .storage import Series

if TYPE_CHECKING:
    from .evaluator import Evaluator

# Tests switch this off to compare with the step-by-step path.
ENABLED = True
# Fewer steps than this are not worth the numpy set-up.
MIN_STEPS = 3
# Windows (series x steps) computed at once: about 15 MB of temporary arrays
# (a rule test over 1,000 series x 1,440 steps stays under promtool's memory).
MAX_WINDOWS = 125_000

# Functions that need two samples in a window to give a value.
_NEEDS_TWO = frozenset({"rate", "increase", "delta", "irate", "idelta", "deriv", "predict_linear"})
BATCHED = frozenset(
    {
        *_NEEDS_TWO,
        "sum_over_time",
        "avg_over_time",
        "count_over_time",
        "min_over_time",
        "max_over_time",
        "stddev_over_time",
        "stdvar_over_time",
        "last_over_time",
        "first_over_time",
        "present_over_time",
        "ts_of_last_over_time",
        "ts_of_first_over_time",
        "changes",
        "resets",
    }
)
_KEEP_NAME = frozenset({"last_over_time", "first_over_time"})


@dataclass
class Batch:
    """A range function's values at every step: ``values[i, j]`` for series i at step j."""

    labels: list[tuple[Labels, bool]]  # output labels and delayed-drop flag, per series
    values: rk.F64
    has: npt.NDArray[np.bool_]  # where the function gave a value
    vectors: list[IVector] | None = None  # built on first per-step use


def on_grid(ev: Evaluator, t: int) -> int | None:
    """The step index of ``t`` in this range query, or None (instant query, subquery time)."""
    if not ENABLED or ev.interval <= 0:
        return None
    offset = t - ev.start
    if offset < 0 or t > ev.end or offset % ev.interval:
        return None
    return offset // ev.interval


def batch_for(ev: Evaluator, node: ast.Call, step: int) -> tuple[Batch, int] | None:
    """The batch holding ``step`` of a call and the step's column in it (None: not batchable).

    Steps are computed in chunks of at most MAX_WINDOWS windows (series x
    steps), so a long query over many series never holds more than one
    chunk's arrays per call; the evaluator keeps only the current chunk.
    """
    if node.func not in BATCHED:
        return None
    key = id(node)
    memo = ev.batch_memo
    hit = memo.get(key)
    if hit is not None:
        first, count, batch = hit
        if batch is None:
            return None
        if first <= step < first + count:
            return batch, step - first
    arg = node.args[0] if node.args else None
    width = len(ev.select(arg.vector)) if isinstance(arg, ast.MatrixSelector) else 1
    chunk = max(MIN_STEPS, MAX_WINDOWS // max(width, 1))
    first = step // chunk * chunk
    total = (ev.end - ev.start) // ev.interval + 1
    count = min(chunk, total - first)
    batch = _all_steps(ev, node, first, count)
    memo[key] = (first, count, batch)
    return None if batch is None else (batch, step - first)


def batched_call(ev: Evaluator, node: ast.Call, t: int) -> IVector | None:
    """The call's vector at step ``t`` from the all-steps batch, or None (not batchable)."""
    step = on_grid(ev, t)
    if step is None:
        return None
    found = batch_for(ev, node, step)
    if found is None:
        return None
    batch, column = found
    if batch.vectors is None:
        batch.vectors = _vectors(batch.labels, batch.values, batch.has)
    return batch.vectors[column]


def _literal(node: ast.Expr) -> float | None:
    """A parameter's value when it is a number literal (possibly negated or in parens)."""
    if isinstance(node, ast.NumberLiteral):
        return float(node.value)
    if isinstance(node, ast.ParenExpr):
        return _literal(node.expr)
    if isinstance(node, ast.UnaryExpr):
        inner = _literal(node.expr)
        return None if inner is None else (-inner if node.op == "-" else inner)
    return None


def _all_steps(ev: Evaluator, node: ast.Call, first: int, n_steps: int) -> Batch | None:
    """Steps ``first .. first + n_steps - 1`` of the query, or None (not batchable)."""
    if ev.histograms:  # native histogram samples: the kernels know floats only
        return None
    name = node.func
    arg = node.args[0] if node.args else None
    if not isinstance(arg, ast.MatrixSelector):
        return None
    sel = arg.vector
    if sel.modifier is not None or sel.at is not None or sel.at_modifier is not None:
        return None
    dur = 0.0
    if name == "predict_linear":
        lit = _literal(node.args[1])
        if lit is None:
            return None
        dur = lit
    if (ev.end - ev.start) // ev.interval + 1 < MIN_STEPS:
        return None
    series = ev.select(sel)
    out_labels: list[tuple[Labels, bool]] = []
    for s in series:
        out_labels.append((s.labels, False) if name in _KEEP_NAME else ev.drop_name(s.labels))
    if len({lab for lab, _ in out_labels}) != len(out_labels):
        return None  # a duplicate label set: the ordinary path raises its error per step
    steps_t = ev.start + (first + np.arange(n_steps, dtype=np.int64)) * ev.interval
    ref = steps_t - ev.duration(sel.offset)
    start = ref - ev.duration(arg.range)
    empty = Batch([], np.zeros((0, n_steps)), np.zeros((0, n_steps), dtype=np.bool_))
    try:
        data = _gather(ev, series, start, ref)
    except _NotFloats:
        return None
    if data is None:
        return empty
    ts, vs, lo, n, base = data
    need = 2 if name in _NEEDS_TWO else 1
    valid = n >= need
    if not bool(valid.any()):
        return empty
    idx = np.nonzero(valid)[0]
    w, order = rk.Windows.build(ts, vs, lo[idx], n[idx])
    # Per window: its step's time, window start and end, in the windows' order.
    sel_idx = idx[order]
    at = {"t": steps_t, "start": start, "end": ref}
    per_window = {k: np.tile(v, len(series))[sel_idx] for k, v in at.items()}
    with np.errstate(all="ignore"):
        vals = _kernel(ev, name, w, per_window, dur, lambda: _corrections(ev, series, base))
    if vals is None:
        return None
    result = np.full(len(series) * n_steps, np.nan)
    result[sel_idx] = vals
    has = np.zeros(len(series) * n_steps, dtype=bool)
    has[sel_idx] = True
    if name in ("rate", "increase") and isinstance(arg, ast.MatrixSelector):
        _counter_hint(
            ev,
            node,
            [s for i, s in enumerate(series) if has[i * n_steps : (i + 1) * n_steps].any()],
        )
    return Batch(
        out_labels, result.reshape(len(series), n_steps), has.reshape(len(series), n_steps)
    )


class _NotFloats(Exception):
    """A selected series holds samples that are not floats."""


def _gather(
    ev: Evaluator, series: list[Series], start: rk.I64, ref: rk.I64
) -> tuple[rk.I64, rk.F64, rk.I64, rk.I64, list[tuple[int, int]]] | None:
    """The series' samples the windows can reach, concatenated, each (series, step)
    window's [lo, lo + n) in them, and the span [a, b) taken from each series."""
    cache = ev.engine._series_cache
    side: Literal["left", "right"] = "right" if ev.compat >= 3 else "left"  # 3.x: left-open
    first = bisect_right if ev.compat >= 3 else bisect_left
    ts_parts, vs_parts, lo_parts, n_parts, spans = [], [], [], [], []
    offset = 0
    for s in series:
        ts_l, vs_l = cache.clean(s)
        # Only this chunk's span: a chunk of steps over long series copies little.
        a = first(ts_l, int(start[0])) if len(start) else 0
        b = max(a, bisect_right(ts_l, int(ref[-1]))) if len(ref) else a
        ts_a = np.asarray(ts_l[a:b], dtype=np.int64)
        try:
            vs_a = np.asarray(vs_l[a:b], dtype=np.float64)
        except (TypeError, ValueError):
            raise _NotFloats from None  # e.g. native histogram samples: the ordinary path
        lo = np.searchsorted(ts_a, start, side=side)
        hi = np.searchsorted(ts_a, ref, side="right")
        ts_parts.append(ts_a)
        vs_parts.append(vs_a)
        lo_parts.append(lo + offset)
        n_parts.append(np.maximum(hi - lo, 0))
        spans.append((a, b))
        offset += len(ts_a)
    if not series:
        return None
    return (
        np.concatenate(ts_parts),
        np.concatenate(vs_parts),
        np.concatenate(lo_parts).astype(np.int64),
        np.concatenate(n_parts).astype(np.int64),
        spans,
    )


def _corrections(ev: Evaluator, series: list[Series], spans: list[tuple[int, int]]) -> rk.F64:
    """The series' reset-correction prefix arrays (the same cached lists rangefuncs
    uses), over the spans _gather took: windows only take differences of them."""
    cache = ev.engine._series_cache
    parts = [
        np.asarray(cache.corrections(cache.clean(s)[1])[a:b], dtype=np.float64)
        for s, (a, b) in zip(series, spans, strict=True)
    ]
    return np.concatenate(parts) if parts else np.zeros(0)


def _kernel(
    ev: Evaluator,
    name: str,
    w: rk.Windows,
    at: dict[str, rk.I64],
    dur: float,
    corrections: Callable[[], rk.F64],
) -> rk.F64 | None:
    last = w.lo + w.n - 1
    if name in ("rate", "increase", "delta"):
        result = w.vs[last] - w.vs[w.lo]
        counter = name != "delta"
        if counter:
            corr = corrections() if bool((w.n >= _PREFIX_MIN).any()) else np.zeros(0)
            result = rk.add_resets(w, result, corr, _PREFIX_MIN)
        return rk.extrapolate(w, result, at["start"], at["end"], counter, name == "rate", ev.compat)
    if name in ("irate", "idelta"):
        cur, prev = w.vs[last], w.vs[last - 1]
        if name == "idelta":
            delta: rk.F64 = cur - prev
            return delta
        interval = (w.ts[last] - w.ts[last - 1]).astype(np.float64) / 1000.0
        out: rk.F64 = np.where(cur < prev, cur, cur - prev) / interval
        return out
    if name in ("deriv", "predict_linear"):
        intercept_t = w.ts[w.lo] if name == "deriv" else at["t"]
        slope, intercept = rk.regression(w, intercept_t)
        return slope if name == "deriv" else slope * dur + intercept
    simple: dict[str, Callable[[], rk.F64 | None]] = {
        "sum_over_time": lambda: rk.kahan_sum(w),
        "avg_over_time": lambda: rk.mean3(w) if ev.compat >= 3 else rk.mean2(w),
        "count_over_time": lambda: w.n.astype(np.float64),
        "min_over_time": lambda: rk.extreme(w, False),
        "max_over_time": lambda: rk.extreme(w, True),
        "stddev_over_time": lambda: np.sqrt(rk.variance(w)),
        "stdvar_over_time": lambda: rk.variance(w),
        "last_over_time": lambda: w.vs[last],
        "first_over_time": lambda: w.vs[w.lo],
        "present_over_time": lambda: np.ones(len(w.n)),
        "ts_of_last_over_time": lambda: w.ts[last].astype(np.float64) / 1000.0,
        "ts_of_first_over_time": lambda: w.ts[w.lo].astype(np.float64) / 1000.0,
        "changes": lambda: rk.count_pairs(w, False),
        "resets": lambda: rk.count_pairs(w, True),
    }
    return simple[name]()


def _counter_hint(ev: Evaluator, node: ast.Call, series: list[Series]) -> None:
    """The info annotation rangefuncs gives for rate()/increase() over a non-counter name."""
    from .gomath import go_quote

    for s in series:
        metric = get(s.labels, METRIC_NAME)
        if metric and not metric.endswith(("_total", "_sum", "_count", "_bucket")):
            ev.info(
                "metric might not be a counter, name does not end in "
                f"_total/_sum/_count/_bucket: {go_quote(metric)}",
                node.args[0],
            )


def _vectors(labels: list[tuple[Labels, bool]], values: rk.F64, has: np.ndarray) -> list[IVector]:
    """One IVector per step, series in selection order (as the per-step path builds them)."""
    vals_by_step = values.T.tolist()
    has_by_step = has.T.tolist()
    labs = [lab for lab, _ in labels]
    drops = [drop for _, drop in labels]
    everyone = [True] * len(labels)
    out = []
    for vals, present in zip(vals_by_step, has_by_step, strict=True):
        if present == everyone:  # the common case: one El per series, built in C
            out.append(IVector(map(El, labs, vals, drops)))
            continue
        out.append(
            IVector(
                El(lab, v, drop)
                for lab, drop, v, p in zip(labs, drops, vals, present, strict=True)
                if p
            )
        )
    return out
