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

from typing import TYPE_CHECKING

from .evaltypes import RangeSeries
from .float_histogram import NOT_RESET, UNKNOWN

if TYPE_CHECKING:
    from .float_histogram import FloatHistogram
    from .labels import Labels


def split_window(
    labels: Labels,
    ts: list[int],
    vs: list[float],
    hists: dict[int, FloatHistogram],
    lo: int,
    hi: int,
    start: int,
    end: int,
) -> RangeSeries:
    """The window ``[lo, hi)`` of a series holding histograms, floats and histograms apart."""
    from .storage import is_histogram

    fts: list[int] = []
    fvs: list[float] = []
    hpoints: list[tuple[int, FloatHistogram]] = []
    for i in range(lo, hi):
        v = vs[i]
        if v != v and is_histogram(v):
            hpoints.append((ts[i], hists[ts[i]]))
        else:
            fts.append(ts[i])
            fvs.append(v)
    rs = RangeSeries(labels, fts, fvs, 0, len(fts), start, end)
    rs.hpoints = hpoints or None
    return rs


def subquery_series(
    labels: Labels,
    ts: list[int],
    vs: list[float],
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
