"""Range-vector functions over series that hold native histogram samples.

``rangefuncs.eval_range_call`` asks ``native_value`` for each range series
with histograms (``rs.hpoints``); ``rs.ts``/``rs.vs`` hold its float samples.
Prometheus' rules, by function:

* ``rate``/``increase``/``delta``, ``irate``/``idelta``, ``sum_over_time``,
  ``avg_over_time``: over histograms only; a window mixing floats and
  histograms answers nothing, with a warning;
* ``count_over_time``, ``present_over_time``, ``last_over_time``,
  ``first_over_time``, ``ts_of_last/first_over_time``, ``changes``,
  ``resets``: both kinds;
* every other function reads floats only (histograms ignored, with an info
  when the window mixes both).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from . import ast, gomath
from .float_histogram import GAUGE, FloatHistogram, HistogramError
from .labels import METRIC_NAME, Labels, get
from .values import NativeHistogramUnsupported

if TYPE_CHECKING:
    from collections.abc import Callable

    from .evaltypes import RangeSeries
    from .evaluator import Evaluator

Result = tuple[float, FloatHistogram | None] | None


def native_value(
    ev: Evaluator,
    node: ast.Call,
    rs: RangeSeries,
    fn: Callable[[RangeSeries, int], float | None],
    t: int,
) -> Result:
    name = node.func
    hp = rs.hpoints or []
    has_floats = len(rs) > 0
    arg = node.args[0] if name not in ("quantile_over_time",) else node.args[1]
    metric = gomath.go_quote(get(rs.labels, METRIC_NAME))
    mode = arg.vector.modifier if isinstance(arg, ast.MatrixSelector) else None
    if mode is not None:
        return _extended(ev, arg, rs, name, metric, mode)
    if name in ("rate", "increase", "delta", "sum_over_time", "avg_over_time", "irate", "idelta"):
        if has_floats and name not in ("irate", "idelta"):
            ev.warn(f"encountered a mix of histograms and floats for metric name {metric}", arg)
            return None
        if name in ("irate", "idelta"):
            return _instant(ev, arg, rs, name == "irate", metric)
        if name == "sum_over_time":
            return _sum(ev, arg, hp)
        if name == "avg_over_time":
            return _sum(ev, arg, hp, average=True)
        return _extrapolated(ev, arg, rs, name, metric)
    if name == "count_over_time":
        return float(len(rs) + len(hp)), None
    if name == "present_over_time":
        return 1.0, None
    points = _merged(rs)
    if name in ("last_over_time", "first_over_time"):
        pt, pv = points[-1] if name == "last_over_time" else points[0]
        return (0.0, pv) if isinstance(pv, FloatHistogram) else (pv, None)
    if name in ("ts_of_last_over_time", "ts_of_first_over_time"):
        pt = points[-1][0] if name == "ts_of_last_over_time" else points[0][0]
        return pt / 1000.0, None
    if name in ("changes", "resets"):
        return float(_changes(points, name == "resets", _sts_by_time(rs))), None
    if not has_floats:
        return None
    ev.info(
        "ignored histograms in a range containing both floats and histograms for metric name "
        + metric,
        arg,
    )
    v = fn(rs, ev.compat)
    return None if v is None else (v, None)


def _extended(
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
        return None if points is None else (float(_changes(points, name == "resets")), None)
    raise NativeHistogramUnsupported(f"{name}() over {mode} native histograms is not supported")


def _sts_by_time(rs: RangeSeries) -> dict[int, int] | None:
    if not rs.hsts or not rs.hpoints:
        return None
    return {t: st for (t, _), st in zip(rs.hpoints, rs.hsts, strict=False)}


def _merged(rs: RangeSeries) -> list[tuple[int, float | FloatHistogram]]:
    pts: list[tuple[int, float | FloatHistogram]] = list(zip(rs.times(), rs.values(), strict=True))
    pts.extend(rs.hpoints or [])
    pts.sort(key=lambda p: p[0])
    return pts


def _changes(
    points: list[tuple[int, float | FloatHistogram]],
    resets: bool,
    sts: dict[int, int] | None = None,
) -> int:
    n = 0
    st = sts or {}
    for (pt, prev), (ct, cur) in itertools.pairwise(points):
        if isinstance(prev, FloatHistogram) and isinstance(cur, FloatHistogram):
            if resets:
                n += st_reset(st.get(pt, 0), pt, st.get(ct, 0), ct) or detect_reset(cur, prev)
            else:
                n += not _equals(cur, prev)
        elif isinstance(prev, FloatHistogram) or isinstance(cur, FloatHistogram):
            n += 1
        elif resets:
            n += cur < prev
        else:
            n += cur != prev and not (cur != cur and prev != prev)
    return n


def _equals(a: FloatHistogram, b: FloatHistogram) -> bool:
    return (
        a.schema == b.schema
        and a.zero_threshold == b.zero_threshold
        and a.custom_values == b.custom_values
        and _same(a.zero_count, b.zero_count)
        and _same(a.count, b.count)
        and _same(a.sum, b.sum)
        and _same_buckets(a.compact().positive, b.compact().positive)
        and _same_buckets(a.compact().negative, b.compact().negative)
    )


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


def _same_buckets(a: dict[int, float], b: dict[int, float]) -> bool:
    return list(a) == list(b) and all(_same(a[i], b[i]) for i in a)


def detect_reset(cur: FloatHistogram, prev: FloatHistogram) -> bool:
    """Whether ``cur`` follows a counter reset after ``prev`` (Prometheus' DetectReset)."""
    if cur.counter_reset_hint == "reset":
        return True
    if cur.counter_reset_hint == "not_reset":
        return False
    if cur.count < prev.count:
        return True
    if cur.uses_custom_buckets:
        if not prev.uses_custom_buckets:
            return True
        if cur.custom_values != prev.custom_values:
            from .float_histogram import intersect_bounds, remap_custom

            bounds = intersect_bounds(cur.custom_values, prev.custom_values)
            mine = remap_custom(cur.positive, cur.custom_values, bounds)
            theirs = remap_custom(prev.positive, prev.custom_values, bounds)
            return any(mine.get(i, 0.0) < v for i, v in theirs.items())
        return any(cur.positive.get(i, 0.0) < v for i, v in prev.positive.items() if v != 0)
    if cur.schema > prev.schema:
        return True
    if cur.zero_threshold < prev.zero_threshold:
        return True
    prev_zero, threshold = prev._zero_for_threshold(cur.zero_threshold)
    if threshold != cur.zero_threshold:
        return True
    if cur.zero_count < prev_zero:
        return True
    p = prev.reduce_resolution(cur.schema)
    for mine, theirs in ((cur.positive, p.positive), (cur.negative, p.negative)):
        for i, v in theirs.items():
            if p.upper_bound(i) <= threshold:
                continue  # inside the zero bucket, counted there
            if v != 0 and (i not in mine or mine[i] < v):
                return True
    return False


def _sum(
    ev: Evaluator, arg: ast.Expr, hp: list[tuple[int, FloatHistogram]], average: bool = False
) -> Result:
    from .histogram_sum import sum_histograms

    try:
        total, collision, reconciled = sum_histograms([h for _, h in hp], average)
    except HistogramError:
        ev.warn(_mixed_schemas(gomath.go_quote("")), arg)
        return None
    if collision:
        ev.warn("conflicting counter resets during histogram aggregation", arg)
    if reconciled:
        ev.info("mismatched custom buckets were reconciled during aggregation", arg)
    return 0.0, total.compact()


def _instant(ev: Evaluator, arg: ast.Expr, rs: RangeSeries, is_rate: bool, metric: str) -> Result:
    points = _merged(rs)
    if len(points) < 2:
        return None
    (t0, v0), (t1, v1) = points[-2], points[-1]
    interval = t1 - t0
    if interval == 0:
        return None
    if not (isinstance(v0, FloatHistogram) and isinstance(v1, FloatHistogram)):
        if isinstance(v0, FloatHistogram) or isinstance(v1, FloatHistogram):
            ev.warn(f"encountered a mix of histograms and floats for metric name {metric}", arg)
            return None
        assert isinstance(v0, float) and isinstance(v1, float)
        res = v1 if is_rate and v1 < v0 else v1 - v0
        return (res / (interval / 1000) if is_rate else res), None
    if is_rate and GAUGE in (v0.counter_reset_hint, v1.counter_reset_hint):
        ev.warn(f"this native histogram metric is not a counter: {metric}", arg)
    if not is_rate and (v0.counter_reset_hint != GAUGE or v1.counter_reset_hint != GAUGE):
        ev.warn(f"this native histogram metric is not a gauge: {metric}", arg)
    h = v1.copy()
    sts = rs.hsts or []
    times = {t: k for k, (t, _) in enumerate(rs.hpoints or [])}
    k0, k1 = times.get(t0), times.get(t1)
    st_reset_here = (
        k0 is not None and k1 is not None and k1 < len(sts) and st_reset(sts[k0], t0, sts[k1], t1)
    )
    if not is_rate or not (st_reset_here or detect_reset(v1, v0)):
        try:
            h, _, rec = h.sub(v0)
        except HistogramError:
            ev.warn(_mixed_schemas(metric), arg)
            return None
        if rec:
            ev.info("mismatched custom buckets were reconciled during subtraction", arg)
    h.counter_reset_hint = GAUGE
    h = h.compact()
    if is_rate:
        h = h.div(interval / 1000)
    return 0.0, h


def _mixed_schemas(metric: str) -> str:
    return (
        "vector contains a mix of histograms with exponential and custom buckets schemas "
        f"for metric name {metric}"
    )


def _extrapolated(ev: Evaluator, arg: ast.Expr, rs: RangeSeries, name: str, metric: str) -> Result:
    hp = rs.hpoints or []
    sts = rs.hsts or []
    is_counter = name != "delta"
    h: FloatHistogram | None = None
    if len(hp) > 1:
        h = _histogram_rate(ev, arg, hp, sts, is_counter, metric)
        if h is None:
            return None
    first_t, last_t = hp[0][0], hp[-1][0]
    duration_to_start = (first_t - rs.start) / 1000
    duration_to_end = (rs.end - last_t) / 1000
    sampled = (last_t - first_t) / 1000
    average = sampled / (len(hp) - 1) if len(hp) > 1 else 0.0
    threshold = average * 1.1
    st_start = bool(is_counter and sts and sts[0] != 0 and rs.start < sts[0] < first_t)
    if st_start:
        # The first sample's start time is inside the window: a 0 there, no
        # extrapolation to the left.
        duration_to_start = 0.0
        sampled = (last_t - sts[0]) / 1000
        h = hp[0][1].copy() if h is None else h.add(hp[0][1])[0]
    elif h is None:
        return None
    elif duration_to_start >= threshold:
        duration_to_start = average / 2
    assert h is not None
    if is_counter and not st_start:
        to_zero = duration_to_start
        first_count = hp[0][1].count
        if h.count > 0 and first_count >= 0:
            to_zero = sampled * (first_count / h.count)
        duration_to_start = min(duration_to_start, to_zero)
    if duration_to_end >= threshold:
        duration_to_end = average / 2
    factor = (sampled + duration_to_start + duration_to_end) / sampled if sampled else 1.0
    if name == "rate":
        factor /= (rs.end - rs.start) / 1000
    return 0.0, h.mul(factor).compact()


def _overlap(sts: list[int], hp: list[tuple[int, FloatHistogram]], i: int) -> bool:
    cur = sts[i]
    return cur != 0 and cur < hp[i - 1][0] and cur != sts[i - 1]


def st_reset(prev_st: int, prev_t: int, cur_st: int, cur_t: int) -> bool:
    """A counter reset told by start timestamps (Prometheus' isStartTimestampReset)."""
    if cur_st == 0 or cur_st >= cur_t or cur_st < prev_t:
        return False
    if cur_st > prev_t:
        return True
    # cur_st == prev_t: a delta (reset) if the previous start time is known and sound.
    if prev_st > prev_t:
        return False
    return prev_st not in (0, prev_t)


def _st_reset_at(sts: list[int], hp: list[tuple[int, FloatHistogram]], i: int) -> bool:
    """Whether sample i follows a start-timestamp reset after sample i-1."""
    return i < len(sts) and st_reset(sts[i - 1], hp[i - 1][0], sts[i], hp[i][0])


def _histogram_rate(
    ev: Evaluator,
    arg: ast.Expr,
    hp: list[tuple[int, FloatHistogram]],
    sts: list[int],
    is_counter: bool,
    metric: str,
) -> FloatHistogram | None:
    prev = hp[0][1]
    last = hp[-1][1]
    custom = prev.uses_custom_buckets
    if is_counter and GAUGE in (prev.counter_reset_hint, last.counter_reset_hint):
        ev.warn(f"this native histogram metric is not a counter: {metric}", arg)
    if is_counter and (_st_reset_at(sts, hp, 1) or detect_reset(hp[1][1], prev)):
        second = hp[1][1]
        prev = FloatHistogram(schema=second.schema, custom_values=second.custom_values)
        custom = second.uses_custom_buckets
    if last.uses_custom_buckets != custom:
        ev.warn(_mixed_schemas(metric), arg)
        return None
    min_schema = min(last.schema, prev.schema)
    for _, cur in hp[1:-1]:
        if not is_counter:
            continue
        if cur.counter_reset_hint == GAUGE:
            ev.warn(f"this native histogram metric is not a counter: {metric}", arg)
        min_schema = min(min_schema, cur.schema)
        if cur.uses_custom_buckets != custom:
            ev.warn(_mixed_schemas(metric), arg)
            return None
    h = last.reduce_resolution(min_schema) if not last.uses_custom_buckets else last.copy()
    try:
        h, _, rec = h.sub(prev)
    except HistogramError:
        ev.warn(_mixed_schemas(metric), arg)
        return None
    if rec:
        ev.info("mismatched custom buckets were reconciled during subtraction", arg)
    if is_counter:
        overlap = False
        for i, (_, cur) in enumerate(hp[1:], 1):
            if not overlap and i < len(sts) and _overlap(sts, hp, i):
                ev.warn("sample has start time that overlaps with previous sample timestamp", arg)
                overlap = True
            if _st_reset_at(sts, hp, i) or detect_reset(cur, prev):
                h, _, rec = h.add(prev)
                if rec:
                    ev.info("mismatched custom buckets were reconciled during addition", arg)
            prev = cur
    elif hp[0][1].counter_reset_hint != GAUGE or last.counter_reset_hint != GAUGE:
        ev.warn(f"this native histogram metric is not a gauge: {metric}", arg)
    h.counter_reset_hint = GAUGE
    return h.compact()


# -- anchored and smoothed windows (Prometheus' extendedHistogramRate) -------


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
        ev.warn(_mixed_schemas(metric), arg)
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
        ev.warn(_mixed_schemas(metric), arg)
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
    points = _merged(rs)
    if not any(t > rs.start for t, _ in points):
        return None
    before = [i for i, (t, _) in enumerate(points) if t <= rs.start]
    return points[before[-1] :] if before else points


def smoothed_sample(
    ev: Evaluator,
    node: ast.Expr,
    labels: Labels,
    ts: list[int],
    vs: list[float],
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
            ev.warn(_mixed_schemas(metric), node)
            return None
        counter = h1.counter_reset_hint != GAUGE or h2.counter_reset_hint != GAUGE
        return 0.0, interpolate(h1, t1, h2, t2, at, counter)
    if i > 0:
        h = points[i - 1][1].copy()
        h.counter_reset_hint = "unknown"
        return 0.0, h
    return None
