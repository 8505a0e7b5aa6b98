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

Over ``anchored``/``smoothed`` selectors ``native_extended`` answers; start
timestamps (``rs.hsts``) mark counter resets as Prometheus' do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ast, gomath
from .float_histogram import GAUGE, FloatHistogram, HistogramError
from .histogram_resets import (
    count_changes,
    detect_reset,
    merged_points,
    mixed_schemas,
    st_reset,
    sts_by_time,
)
from .labels import METRIC_NAME, get

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
        from .native_extended import extended_value

        return extended_value(ev, arg, rs, name, metric, mode)
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
    points = merged_points(rs)
    if name in ("last_over_time", "first_over_time"):
        pt, pv = points[-1] if name == "last_over_time" else points[0]
        return (0.0, pv) if isinstance(pv, FloatHistogram) else (pv, None)
    if name in ("ts_of_last_over_time", "ts_of_first_over_time"):
        pt = points[-1][0] if name == "ts_of_last_over_time" else points[0][0]
        return pt / 1000.0, None
    if name in ("changes", "resets"):
        return float(count_changes(points, name == "resets", sts_by_time(rs))), None
    if not has_floats:
        return None
    ev.info(
        "ignored histograms in a range containing both floats and histograms for metric name "
        + metric,
        arg,
    )
    v = fn(rs, ev.compat)
    return None if v is None else (v, None)


def _sum(
    ev: Evaluator, arg: ast.Expr, hp: list[tuple[int, FloatHistogram]], average: bool = False
) -> Result:
    from .histogram_sum import sum_histograms

    try:
        total, collision, reconciled = sum_histograms([h for _, h in hp], average)
    except HistogramError:
        ev.warn(mixed_schemas(gomath.go_quote("")), arg)
        return None
    if collision:
        ev.warn("conflicting counter resets during histogram aggregation", arg)
    if reconciled:
        ev.info("mismatched custom buckets were reconciled during aggregation", arg)
    return 0.0, total.compact()


def _instant(ev: Evaluator, arg: ast.Expr, rs: RangeSeries, is_rate: bool, metric: str) -> Result:
    points = merged_points(rs)
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
            ev.warn(mixed_schemas(metric), arg)
            return None
        if rec:
            ev.info("mismatched custom buckets were reconciled during subtraction", arg)
    h.counter_reset_hint = GAUGE
    h = h.compact()
    if is_rate:
        h = h.div(interval / 1000)
    return 0.0, h


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
        ev.warn(mixed_schemas(metric), arg)
        return None
    min_schema = min(last.schema, prev.schema)
    for _, cur in hp[1:-1]:
        if not is_counter:
            continue
        if cur.counter_reset_hint == GAUGE:
            ev.warn(f"this native histogram metric is not a counter: {metric}", arg)
        min_schema = min(min_schema, cur.schema)
        if cur.uses_custom_buckets != custom:
            ev.warn(mixed_schemas(metric), arg)
            return None
    h = last.reduce_resolution(min_schema) if not last.uses_custom_buckets else last.copy()
    try:
        h, _, rec = h.sub(prev)
    except HistogramError:
        ev.warn(mixed_schemas(metric), arg)
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
