"""Native histograms over ``anchored`` and ``smoothed`` selectors (Prometheus 3 extensions).

Prometheus' ``extendedHistogramRate``: the window's boundary values are the
samples at (anchored) or interpolated at (smoothed) its edges, counter resets
inside it corrected; ``changes``/``resets`` over an anchored window start at
the last sample at or before its start; ``x smoothed`` interpolates between
the samples around the evaluation time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import ast, gomath
from .float_histogram import GAUGE, FloatHistogram, HistogramError
from .histogram_resets import count_changes, detect_reset, merged_points, mixed_schemas
from .labels import METRIC_NAME, Labels, get
from .values import NativeHistogramUnsupported

if TYPE_CHECKING:
    from .evaltypes import RangeSeries
    from .evaluator import Evaluator

Result = tuple[float, FloatHistogram | None] | None


def extended_value(
    ev: Evaluator, arg: ast.Expr, rs: RangeSeries, name: str, metric: str, mode: str
) -> Result:
    """rate & co. and changes/resets over anchored or smoothed windows holding histograms."""
    if name in ("rate", "increase", "delta"):
        if len(rs) > 0:
            ev.warn(f"encountered a mix of histograms and floats for metric name {metric}", arg)
            return None
        return extended_rate(ev, arg, rs, name, metric, mode == "smoothed")
    if name in ("changes", "resets") and mode == "anchored":
        points = anchored_points(rs)
        return None if points is None else (float(count_changes(points, name == "resets")), None)
    raise NativeHistogramUnsupported(f"{name}() over {mode} native histograms is not supported")


def interpolate(
    h1: FloatHistogram, t1: int, h2: FloatHistogram, t2: int, t: int, counter: bool
) -> FloatHistogram:
    """The histogram at t on the line from (t1, h1) to (t2, h2); a counter reset starts at 0."""
    if t == t1:
        return h1.copy()
    if t == t2:
        return h2.copy()
    fraction = (t - t1) / (t2 - t1)
    if counter and detect_reset(h2, h1):
        return h2.mul(fraction)
    diff = h2.sub(h1)[0].mul(fraction)
    return diff.add(h1)[0]


def extended_rate(
    ev: Evaluator, arg: ast.Expr, rs: RangeSeries, name: str, metric: str, smoothed: bool
) -> Result:
    hp = rs.hpoints or []
    start, end = rs.start, rs.end
    counter = name != "delta"
    last = len(hp) - 1
    first = max(0, next((i for i in range(last) if hp[i][0] > start), last) - 1)
    if smoothed:
        last = next((i for i in range(last) if hp[i][0] >= end), last)
    if hp[last][0] <= start or (smoothed and hp[first][0] > end):
        return None
    window = [h for _, h in hp[first : last + 1]]
    if any(h.uses_custom_buckets != window[0].uses_custom_buckets for h in window):
        ev.warn(mixed_schemas(metric), arg)
        return None
    if counter and any(h.counter_reset_hint == GAUGE for h in window):
        ev.warn(f"this native histogram metric is not a counter: {metric}", arg)
    try:
        left = hp[first][1].copy()
        if smoothed and hp[first][0] < start:
            (t1, h1), (t2, h2) = hp[first], hp[first + 1]
            left = interpolate(h1, t1, h2, t2, start, counter)
        right = hp[last][1].copy()
        if smoothed and last > 0 and hp[last][0] > end:
            (t1, h1), (t2, h2) = hp[last - 1], hp[last]
            right = interpolate(h1, t1, h2, t2, end, counter)
        if (not counter and left.counter_reset_hint != GAUGE) or (
            not counter and right.counter_reset_hint != GAUGE
        ):
            ev.warn(f"this native histogram metric is not a gauge: {metric}", arg)
        result = right.sub(left)[0]
        if counter:
            correction = _reset_correction(hp, first, last, left, right, start, smoothed)
            if correction is not None:
                result = result.add(correction)[0]
    except HistogramError:
        ev.warn(mixed_schemas(metric), arg)
        return None
    if name == "rate":
        result = result.div((end - start) / 1000)
    result.counter_reset_hint = GAUGE
    return 0.0, result.compact()


def _reset_correction(
    hp: list[tuple[int, FloatHistogram]],
    first_i: int,
    last_i: int,
    left: FloatHistogram,
    right: FloatHistogram,
    start: int,
    smoothed: bool,
) -> FloatHistogram | None:
    """What counter resets inside the window took away (Prometheus' correctForCounterResetsHistogram)."""
    first = first_i + 1
    prev = left
    if smoothed and hp[first_i][0] < start and detect_reset(hp[first_i + 1][1], hp[first_i][1]):
        # The left interpolation already spans this reset.
        prev = hp[first_i + 1][1]
        first += 1
    last = last_i - 1
    if first > last + 1:
        return None
    correction: FloatHistogram | None = None
    for _, h in hp[first : last + 1]:
        if detect_reset(h, prev):
            correction = prev.copy() if correction is None else correction.add(prev)[0]
        prev = h
    if detect_reset(right, prev):
        correction = prev.copy() if correction is None else correction.add(prev)[0]
    return correction


def anchored_points(
    rs: RangeSeries,
) -> list[tuple[int, float | FloatHistogram]] | None:
    """The anchor (last sample at or before the start, of either kind) and every later sample."""
    points = merged_points(rs)
    if not any(t > rs.start for t, _ in points):
        return None
    before = [i for i, (t, _) in enumerate(points) if t <= rs.start]
    return points[before[-1] :] if before else points


def smoothed_sample(
    ev: Evaluator,
    node: ast.Expr,
    labels: Labels,
    ts: Sequence[int],
    vs: Sequence[float],
    hists: dict[int, FloatHistogram],
    lo: int,
    hi: int,
    at: int,
) -> tuple[float, FloatHistogram | None] | None:
    """``x smoothed`` at ``at`` for a series holding histograms: interpolated between neighbours."""
    # A histogram sample's value is a NaN placeholder with its timestamp in ``hists``.
    kinds = {vs[i] != vs[i] and ts[i] in hists for i in range(lo, hi)}
    metric = gomath.go_quote(get(labels, METRIC_NAME))
    if kinds == {True, False}:
        ev.warn(f"encountered a mix of histograms and floats for metric name {metric}", node)
        return None
    if kinds == {False}:
        from .extended import smoothed_value

        v = smoothed_value(ts, vs, lo, hi, at)
        return None if v is None else (v, None)
    points = [(ts[i], hists[ts[i]]) for i in range(lo, hi)]
    i = next((k for k, (t, _) in enumerate(points) if t >= at), len(points))
    if i < len(points) and points[i][0] == at:
        return 0.0, points[i][1].copy()
    if 0 < i < len(points):
        (t1, h1), (t2, h2) = points[i - 1], points[i]
        if h1.uses_custom_buckets != h2.uses_custom_buckets:
            ev.warn(mixed_schemas(metric), node)
            return None
        counter = h1.counter_reset_hint != GAUGE or h2.counter_reset_hint != GAUGE
        return 0.0, interpolate(h1, t1, h2, t2, at, counter)
    if i > 0:
        h = points[i - 1][1].copy()
        h.counter_reset_hint = "unknown"
        return 0.0, h
    return None
