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
from .float_histogram import GAUGE, NOT_RESET, UNKNOWN

# Prometheus' head cuts a chunk after this many samples.
SAMPLES_PER_CHUNK = 120

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


def stored_hint(
    prev: FloatHistogram | None, chunk_len: int, h: FloatHistogram
) -> tuple[FloatHistogram, int]:
    """The histogram as Prometheus' TSDB gives it back, and the new chunk length.

    The counter reset hint read back depends on the chunk: gauge histograms
    stay gauges; the first histogram of a chunk reads as "unknown", every later
    one as "not_reset". A chunk starts at the first histogram, after a float,
    at a counter reset, at a change of schema, zero threshold or custom bounds,
    and every SAMPLES_PER_CHUNK samples.
    """
    from .native_range import detect_reset

    out = h.copy()
    if h.counter_reset_hint == GAUGE:
        return out, (chunk_len + 1 if prev is not None and prev.counter_reset_hint == GAUGE else 1)
    new_chunk = (
        prev is None
        or prev.counter_reset_hint == GAUGE
        or chunk_len >= SAMPLES_PER_CHUNK
        or h.counter_reset_hint == "reset"
        or prev.schema != h.schema
        or prev.zero_threshold != h.zero_threshold
        or prev.custom_values != h.custom_values
        or detect_reset(h, prev)
    )
    out.counter_reset_hint = UNKNOWN if new_chunk else NOT_RESET
    return out, 1 if new_chunk else chunk_len + 1
