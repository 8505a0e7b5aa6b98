"""The trim operators ``h </ x`` (keep observations below x) and ``h >/ x`` (above x).

Prometheus' ``FloatHistogram.TrimBuckets``: buckets wholly on the dropped side
are emptied, a bucket holding x keeps the interpolated share on the kept side
(linear for custom buckets and the zero bucket, logarithmic for exponential
buckets), and count and sum are re-estimated from the kept buckets (each at
its midpoint) whenever anything was trimmed.
"""

from __future__ import annotations

import math

from .float_histogram import FloatHistogram
from .native_quantile import _log_fraction


def trim_buckets(h: FloatHistogram, rhs: float, upper_trim: bool) -> FloatHistogram:
    out = h.copy()
    custom = h.uses_custom_buckets
    count = total = 0.0
    trimmed = False
    has = {True: False, False: False}
    for positive, side in ((True, out.positive), (False, out.negative)):
        for i in sorted(side):
            c = side[i]
            if c == 0:
                continue
            has[positive] = True
            if positive:
                lower, upper = h.lower_bound(i), h.upper_bound(i)
            else:
                lower, upper = -h.upper_bound(i), -h.lower_bound(i)
            whole = upper <= rhs if upper_trim else lower >= rhs
            partial = lower < rhs if upper_trim else upper > rhs
            if whole:
                count += c
                total += _midpoint(lower, upper, positive, custom) * c
            elif partial:
                keep, mid = _bucket_trim(lower, upper, c, rhs, upper_trim, positive, custom)
                count += keep
                total += mid * keep
                if keep != c:
                    side[i] = keep
                    trimmed = True
            else:
                side[i] = 0.0
                trimmed = True
    if h.zero_count > 0:
        keep, mid = _zero_trim(h, rhs, has[False], has[True], upper_trim)
        if keep != h.zero_count:
            out.zero_count = keep
            trimmed = True
        total += mid * keep
        count += keep
    if trimmed:
        out.count, out.sum = count, total
        out = out.compact()
    return out


def _midpoint(lower: float, upper: float, positive: bool, linear: bool) -> float:
    if math.isinf(lower):
        if math.isinf(upper):
            return 0.0
        return upper / 2 if upper > 0 else upper
    if math.isinf(upper):
        return lower
    if linear:
        return (lower + upper) / 2
    geo = math.sqrt(abs(lower * upper))
    return geo if positive else -geo


def _bucket_trim(
    lower: float,
    upper: float,
    c: float,
    rhs: float,
    upper_trim: bool,
    positive: bool,
    custom: bool,
) -> tuple[float, float]:
    if math.isinf(lower) or math.isinf(upper):
        return _infinite_trim(lower, upper, c, rhs, upper_trim)
    if rhs <= lower:
        under = 0.0
    elif rhs >= upper:
        under = c
    elif custom:
        under = c * (rhs - lower) / (upper - lower)
    else:
        under = c * _log_fraction(rhs, lower, upper)
    if upper_trim:
        return under, _midpoint(lower, rhs, positive, custom)
    return c - under, _midpoint(rhs, upper, positive, custom)


def _zero_if_inf(x: float) -> float:
    return 0.0 if math.isinf(x) else x


def _infinite_trim(
    lower: float, upper: float, c: float, rhs: float, upper_trim: bool
) -> tuple[float, float]:
    if lower == -math.inf:
        if upper_trim:
            if rhs >= upper:
                return c, 0.0
            if rhs > 0 and upper > 0 and not math.isinf(upper):
                return c * rhs / upper, rhs / 2
            if upper <= 0:
                return c, rhs
            return 0.0, _zero_if_inf(upper)
        if rhs <= lower:
            return c, 0.0
        if rhs >= 0 and upper > rhs and not math.isinf(upper):
            return c * (1 - rhs / upper), (rhs + upper) / 2
        return 0.0, _zero_if_inf(upper)
    # upper is +Inf
    if upper_trim:
        return 0.0, _zero_if_inf(lower)
    if rhs >= lower:
        return c, rhs
    return 0.0, _zero_if_inf(lower)


def _zero_trim(
    h: FloatHistogram, rhs: float, has_negative: bool, has_positive: bool, upper_trim: bool
) -> tuple[float, float]:
    lower, upper = -h.zero_threshold, h.zero_threshold
    if has_negative and not has_positive:
        upper = 0.0
    if has_positive and not has_negative:
        lower = 0.0
    if upper_trim:
        if rhs <= lower:
            return 0.0, 0.0
        if rhs >= upper:
            return h.zero_count, (lower + upper) / 2
        return h.zero_count * (rhs - lower) / (upper - lower), (lower + rhs) / 2
    if rhs <= lower:
        return h.zero_count, (lower + upper) / 2
    if rhs >= upper:
        return 0.0, 0.0
    return h.zero_count * (upper - rhs) / (upper - lower), (rhs + upper) / 2
