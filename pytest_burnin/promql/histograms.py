"""Quantiles: the ``quantile`` aggregation/``quantile_over_time`` estimator and
``histogram_quantile``/``histogram_fraction`` over classic (``le``-bucket) histograms.

Native histograms are out of scope: series here only ever hold floats, so the
native-only functions (``histogram_count`` ...) find nothing to work on.
"""

from __future__ import annotations

import math
from bisect import bisect_left

from .gomath import almost_equal, div

# Prometheus 3 treats bucket-count decreases this small as float noise.
_SMALL_DELTA = 1e-12


def quantile(q: float, values: list[float]) -> float:
    """Linear interpolation between the closest ranks (Prometheus' ``quantile``)."""
    if not values or q != q:
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    # NaN sorts first, as in Prometheus' value heap.
    vals = sorted(values, key=lambda v: (v == v, v))
    n = len(vals)
    rank = q * (n - 1)
    lower = max(0, math.floor(rank))
    upper = min(n - 1, lower + 1)
    weight = rank - math.floor(rank)
    return vals[lower] * (1 - weight) + vals[upper] * weight


def _coalesce(buckets: list[tuple[float, float]]) -> list[list[float]]:
    """Sorted buckets with equal upper bounds (``le="1"`` and ``le="1.0"``) summed."""
    out: list[list[float]] = []
    for ub, count in sorted(buckets, key=lambda b: b[0]):
        if out and out[-1][0] == ub:
            out[-1][1] += count
        else:
            out.append([ub, count])
    return out


# (lowest, highest upper bound whose count was raised, largest decrease fixed)
MonotonicityFix = tuple[float, float, float]


def _make_monotonic(buckets: list[list[float]], compat: int) -> MonotonicityFix | None:
    """Bucket counts must not decrease (non-atomic scrapes break that); returns what was fixed."""
    lo_b, hi_b, max_diff = math.inf, -math.inf, 0.0
    forced = False
    if compat < 3:
        top = -math.inf
        for b in buckets:
            if b[1] > top:
                top = b[1]
            elif b[1] < top:
                b[1] = top
                forced = True
        return (lo_b, hi_b, max_diff) if forced else None
    prev = buckets[0][1]
    for b in buckets[1:]:
        cur = b[1]
        if cur == prev:
            continue
        if almost_equal(prev, cur, _SMALL_DELTA):
            b[1] = prev  # float noise, silently evened out
            continue
        if cur < prev:
            b[1] = prev
            forced = True
            lo_b, hi_b = min(lo_b, b[0]), max(hi_b, b[0])
            max_diff = max(max_diff, prev - cur)
            continue
        prev = cur
    return (lo_b, hi_b, max_diff) if forced else None


def bucket_quantile(
    q: float, raw: list[tuple[float, float]], compat: int
) -> tuple[float, MonotonicityFix | None]:
    """The q-quantile of classic buckets (upper bound, count), and what had to be
    forced monotonic, if anything (Prometheus reports that as an info annotation)."""
    if q != q:
        return math.nan, None
    if q < 0:
        return -math.inf, None
    if q > 1:
        return math.inf, None
    if not raw:
        return math.nan, None
    buckets = _coalesce(raw)
    if not math.isinf(buckets[-1][0]) or buckets[-1][0] < 0:
        return math.nan, None
    forced = _make_monotonic(buckets, compat)
    return _interpolate(q, buckets), forced


def _interpolate(q: float, buckets: list[list[float]]) -> float:
    if len(buckets) < 2:
        return math.nan
    observations = buckets[-1][1]
    if observations == 0:
        return math.nan
    rank = q * observations
    counts = [b[1] for b in buckets[:-1]]
    b = bisect_left(counts, rank)
    # bisect needs sorted counts; NaN counts break that, fall back to a scan.
    if any(c != c for c in counts):
        b = next((i for i, c in enumerate(counts) if c >= rank), len(counts))
    if b == len(buckets) - 1:
        return buckets[-2][0]
    if b == 0 and buckets[0][0] <= 0:
        return buckets[0][0]
    bucket_start = 0.0
    bucket_end = buckets[b][0]
    count = buckets[b][1]
    if b > 0:
        bucket_start = buckets[b - 1][0]
        count -= buckets[b - 1][1]
        rank -= buckets[b - 1][1]
    # count can be 0 (q=0 over an empty first bucket): NaN, as Go divides.
    return bucket_start + (bucket_end - bucket_start) * div(rank, count)


def _within(v: float, lb: float, ub: float, rank: float, count: float) -> float:
    """Rank of v inside bucket (lb, ub], interpolated linearly; no interpolation to Inf."""
    if math.isinf(lb) or math.isinf(ub):
        return rank if math.isinf(ub) else count
    return rank + (count - rank) * (v - lb) / (ub - lb)


def bucket_fraction(lower: float, upper: float, raw: list[tuple[float, float]]) -> float:
    """Estimated share of observations in [lower, upper] of a classic histogram."""
    if not raw:
        return math.nan
    buckets = _coalesce(raw)
    if not math.isinf(buckets[-1][0]) or buckets[-1][0] < 0:
        return math.nan
    total = buckets[-1][1]
    if total == 0 or lower != lower or upper != upper:
        return math.nan
    if lower >= upper:
        return 0.0
    rank = 0.0
    lower_rank = upper_rank = 0.0
    lower_set = upper_set = False
    for i, (ub, count) in enumerate(buckets):
        lb = -math.inf if i == 0 else buckets[i - 1][0]
        if i == 0 and ub > 0:
            lb = 0.0  # the first bucket is assumed to start at zero when its bound is positive

        if not lower_set and lb >= lower:
            lower_rank, lower_set = rank, True
        if not upper_set and lb >= upper:
            upper_rank, upper_set = rank, True
        if lower_set and upper_set:
            break
        if not lower_set and lb < lower < ub:
            lower_rank, lower_set = _within(lower, lb, ub, rank, count), True
        if not upper_set and lb < upper < ub:
            upper_rank, upper_set = _within(upper, lb, ub, rank, count), True
        if lower_set and upper_set:
            break
        rank = count
    if not lower_set or lower_rank > total:
        lower_rank = total
    if not upper_set or upper_rank > total:
        upper_rank = total
    return (upper_rank - lower_rank) / total
