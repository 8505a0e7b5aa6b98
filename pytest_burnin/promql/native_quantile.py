"""Quantiles, fractions and variance over one native histogram (Prometheus' quantile.go).

Buckets are walked as Prometheus' ``AllBucketIterator`` walks them: negative
buckets from the most negative, the zero bucket (when populated), then the
positive ones; bounds next to the zero bucket are clipped to its threshold.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from .float_histogram import FloatHistogram


@dataclass(slots=True)
class Bucket:
    lower: float
    upper: float
    count: float


def all_buckets(h: FloatHistogram, reverse: bool = False) -> Iterator[Bucket]:
    out = list(_forward(h))
    return reversed(out) if reverse else iter(out)


def _forward(h: FloatHistogram) -> Iterator[Bucket]:
    z = h.zero_threshold
    custom = h.uses_custom_buckets
    for i in sorted(h.negative, reverse=True):
        lower, upper = -h.upper_bound(i), -h.lower_bound(i)
        if not custom and -z < upper < 0:
            upper = -z
        yield Bucket(lower, upper, h.negative[i])
    if not custom and h.zero_count > 0:
        yield Bucket(-z, z, h.zero_count)
    for i in sorted(h.positive):
        lower, upper = h.lower_bound(i), h.upper_bound(i)
        if not custom and 0 < lower < z:
            lower = z
        yield Bucket(lower, upper, h.positive[i])


def histogram_quantile(q: float, h: FloatHistogram) -> tuple[float, str | None]:
    """The q-quantile and the info annotation it raises (None, or its kind)."""
    if q < 0:
        return -math.inf, None
    if q > 1:
        return math.inf, None
    if h.count == 0 or q != q:
        return math.nan, None
    forward = h.sum != h.sum or q < 0.5
    buckets = list(all_buckets(h, reverse=not forward))
    rank = q * h.count if forward else (1 - q) * h.count
    count = 0.0
    k = -1
    bucket = Bucket(0.0, 0.0, 0.0)
    for k, b in enumerate(buckets):  # noqa: B007 (k is used after the loop)
        bucket = b
        if b.count == 0:
            continue
        count += b.count
        if count >= rank:
            break
    lower, upper = bucket.lower, bucket.upper
    if not h.uses_custom_buckets and lower < 0 < upper:
        if not h.negative and h.positive:
            lower = 0.0
        elif not h.positive and h.negative:
            upper = 0.0
    elif h.uses_custom_buckets:
        if lower == -math.inf:
            if upper <= 0:
                return upper, None
            lower = 0.0
        elif upper == math.inf:
            return lower, None
    count = min(count, h.count)
    if count < rank:
        if h.sum != h.sum:
            return math.nan, "quantile_nan_result"
        return upper, None
    info = None
    rank = rank - (count - bucket.count) if forward else count - rank
    if h.sum != h.sum:
        total = count + sum(b.count for b in buckets[k + 1 :])
        if total < h.count:
            info = "quantile_nan_skew"
    fraction = rank / bucket.count
    if h.uses_custom_buckets or (lower <= 0 <= upper):
        return lower + (upper - lower) * fraction, info
    log_lower, log_upper = _log2(abs(lower)), _log2(abs(upper))
    if lower > 0:
        return _exp2(log_lower + (log_upper - log_lower) * fraction), info
    return -_exp2(log_upper + (log_lower - log_upper) * (1 - fraction)), info


def _exp2(x: float) -> float:
    """Go's math.Exp2: +Inf past the float range rather than Python's OverflowError."""
    try:
        return float(2.0**x)
    except OverflowError:
        return math.inf


def histogram_fraction(lower: float, upper: float, h: FloatHistogram) -> tuple[float, str | None]:
    """Share of observations between lower and upper, and an info kind (or None)."""
    if h.count == 0 or lower != lower or upper != upper:
        return math.nan, None
    if lower >= upper:
        return 0.0, None
    count = rank = lower_rank = upper_rank = 0.0
    lower_set = upper_set = False
    buckets = list(all_buckets(h))
    k = 0
    for k, b in enumerate(buckets):  # noqa: B007
        count += b.count
        blo, bhi = b.lower, b.upper
        zero = False
        if blo <= 0 <= bhi:  # custom buckets too (a first bucket from -Inf)
            zero = True
            if not h.negative and h.positive:
                blo = 0.0
            elif not h.positive and h.negative:
                bhi = 0.0
        linear = h.uses_custom_buckets or zero

        def below(
            v: float,
            lo: float = blo,
            hi: float = bhi,
            c: float = b.count,
            linear: bool = linear,
            rank: float = rank,
        ) -> float:
            if linear:
                if lo == -math.inf:
                    return c
                return rank + c * ((v - lo) / (hi - lo))
            return rank + c * _log_fraction(v, lo, hi)

        if not lower_set and blo >= lower:
            lower_rank, lower_set = rank, True
        if not upper_set and blo >= upper:
            upper_rank, upper_set = rank, True
        if lower_set and upper_set:
            break
        if not lower_set and blo < lower < bhi:
            lower_rank, lower_set = below(lower), True
        if not upper_set and blo < upper < bhi:
            upper_rank, upper_set = below(upper), True
        if lower_set and upper_set:
            break
        rank += b.count
    info = None
    if h.sum != h.sum:
        count += sum(b.count for b in buckets[k + 1 :])
        if count < h.count:
            info = "fraction_nans"
    else:
        count = h.count
    if not lower_set or lower_rank > count:
        lower_rank = count
    if not upper_set or upper_rank > count:
        upper_rank = count
    return (upper_rank - lower_rank) / h.count, info


def _log_fraction(v: float, lower: float, upper: float) -> float:
    log_lower, log_upper = _log2(abs(lower)), _log2(abs(upper))
    log_v = _log2(abs(v))
    if v > 0:
        return (log_v - log_lower) / (log_upper - log_lower)
    return 1 - ((log_v - log_upper) / (log_lower - log_upper))


def _log2(x: float) -> float:
    if x == 0:
        return -math.inf
    if x == math.inf:
        return math.inf
    return math.log2(x)


def histogram_variance(h: FloatHistogram) -> float:
    """Estimated variance of the observations (bucket midpoints; geometric for exponential)."""
    from .gomath import kahan_inc

    mean = h.sum / h.count if h.count else math.nan
    var, comp = 0.0, 0.0
    for b in all_buckets(h):
        if b.count == 0:
            continue
        if h.uses_custom_buckets:
            val = (b.upper + b.lower) / 2.0
        elif b.lower <= 0 <= b.upper:
            val = 0.0
        else:
            val = math.sqrt(b.upper * b.lower)
            if b.upper < 0:
                val = -val
        delta = val - mean
        var, comp = kahan_inc(b.count * delta * delta, var, comp)
    var += comp
    return var / h.count if h.count else math.nan
