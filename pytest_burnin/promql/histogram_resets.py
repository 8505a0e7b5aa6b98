"""Counter resets, equality and change counting for native histograms.

``detect_reset`` is Prometheus' ``FloatHistogram.DetectReset``; ``st_reset``
its start-timestamp rule (``isStartTimestampReset``); ``count_changes``
serves ``changes()`` and ``resets()`` over windows mixing floats and
histograms. Shared by ``native_range`` and ``native_extended``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .float_histogram import FloatHistogram, intersect_bounds, remap_custom

if TYPE_CHECKING:
    from .evaltypes import RangeSeries


def sts_by_time(rs: RangeSeries) -> dict[int, int] | None:
    if not rs.hsts or not rs.hpoints:
        return None
    return {t: st for (t, _), st in zip(rs.hpoints, rs.hsts, strict=False)}


def merged_points(rs: RangeSeries) -> list[tuple[int, float | FloatHistogram]]:
    pts: list[tuple[int, float | FloatHistogram]] = list(zip(rs.times(), rs.values(), strict=True))
    pts.extend(rs.hpoints or [])
    pts.sort(key=lambda p: p[0])
    return pts


def count_changes(
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
                n += not histograms_equal(cur, prev)
        elif isinstance(prev, FloatHistogram) or isinstance(cur, FloatHistogram):
            n += 1
        elif resets:
            n += cur < prev
        else:
            n += cur != prev and not (cur != cur and prev != prev)
    return n


def histograms_equal(a: FloatHistogram, b: FloatHistogram) -> bool:
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


def mixed_schemas(metric: str) -> str:
    return (
        "vector contains a mix of histograms with exponential and custom buckets schemas "
        f"for metric name {metric}"
    )


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
