"""Native histogram samples in selectors and range vectors.

A stored series keeps its histogram samples in ``Series.hists`` (by
timestamp) with a placeholder NaN in ``vs`` (``storage.HISTOGRAM_NAN``). The
evaluator calls in here only for series that hold histograms, so float-only
queries pay one ``is None`` test per series:

* an instant selector turns a placeholder into an element carrying ``h``;
* a range selector splits the window: ``ts``/``vs`` keep the float samples
  (so every float range function sees only floats, as in Prometheus, whose
  range series hold ``Floats`` and ``Histograms`` apart) and ``hpoints`` the
  histograms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import ast
from .evaltypes import RangeSeries
from .float_histogram import NOT_RESET, UNKNOWN

if TYPE_CHECKING:
    from .float_histogram import FloatHistogram
    from .labels import Labels


def split_window(
    labels: Labels,
    ts: Sequence[int],
    vs: Sequence[float],
    hists: dict[int, FloatHistogram],
    lo: int,
    hi: int,
    start: int,
    end: int,
    stats: bool = False,
    sts: dict[int, int] | None = None,
) -> RangeSeries:
    """The window ``[lo, hi)`` of a series holding histograms, floats and histograms apart.

    ``stats``: read as the histogram stats iterator reads (``stats_hint``).
    """
    from .storage import is_histogram

    fts: list[int] = []
    fvs: list[float] = []
    hpoints: list[tuple[int, FloatHistogram]] = []
    for i in range(lo, hi):
        v = vs[i]
        if v != v and is_histogram(v):
            h = hists[ts[i]]
            if stats:
                h = stats_hint(h, hpoints[-1][1] if hpoints else None)
            hpoints.append((ts[i], h))
        else:
            fts.append(ts[i])
            fvs.append(v)
    rs = RangeSeries(labels, fts, fvs, 0, len(fts), start, end)
    rs.hpoints = hpoints or None
    if sts and hpoints:
        rs.hsts = [sts.get(t, 0) for t, _ in hpoints]
    return rs


def subquery_series(
    labels: Labels,
    ts: Sequence[int],
    vs: Sequence[float],
    hpoints: list[tuple[int, FloatHistogram]],
    start: int,
    end: int,
    drop: bool,
) -> RangeSeries:
    rs = RangeSeries(labels, ts, vs, 0, len(ts), start, end, drop)
    # As Prometheus: a subquery's histograms lose "reset"/"not_reset" hints, which
    # describe the stored neighbours, not the subquery's own steps.
    rs.hpoints = [(t, _unknown_hint(h)) for t, h in hpoints] or None
    return rs


def _unknown_hint(h: FloatHistogram) -> FloatHistogram:
    if h.counter_reset_hint in ("reset", NOT_RESET):
        h = h.copy()
        h.counter_reset_hint = UNKNOWN
    return h


_STATS_FUNCS = frozenset({"histogram_count", "histogram_sum", "histogram_avg"})
_BUCKET_FUNCS = frozenset({"histogram_quantile", "histogram_quantiles", "histogram_fraction"})


def stats_selectors(expr: ast.Expr) -> frozenset[int]:
    """ids of the selectors Prometheus reads through its histogram stats iterator.

    Under ``histogram_count``/``_sum``/``_avg`` (with no subquery, bucket
    function or trim in between) Prometheus reads only count and sum, and
    works out each "unknown" counter reset hint on the fly from the sample
    read before it: "reset" or "not_reset" (``stats_hint``).
    """
    found: set[int] = set()

    def walk(node: object, stats: bool) -> None:
        if isinstance(node, ast.VectorSelector):
            if stats:
                found.add(id(node))
            return
        if isinstance(node, list):
            for n in node:
                walk(n, stats)
            return
        if not isinstance(node, ast.Expr):
            return
        if isinstance(node, ast.SubqueryExpr) or (
            isinstance(node, ast.Call) and node.func in _BUCKET_FUNCS
        ):
            stats = False
        elif isinstance(node, ast.Call) and node.func in _STATS_FUNCS:
            stats = True
        elif isinstance(node, ast.BinaryExpr) and node.op in ("</", ">/"):
            stats = False
        for value in vars(node).values():
            if isinstance(value, (ast.Expr, list)):
                walk(value, stats)

    walk(expr, False)
    return frozenset(found)


def stats_hint(h: FloatHistogram, prev: FloatHistogram | None) -> FloatHistogram:
    """``h`` with the hint the stats iterator gives it, ``prev`` being the sample read before."""
    from .histogram_resets import detect_reset

    if h.counter_reset_hint != UNKNOWN or prev is None:
        return h
    out = h.copy()
    out.counter_reset_hint = "reset" if detect_reset(h, prev) else NOT_RESET
    return out
