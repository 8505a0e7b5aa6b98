"""Prometheus 3's experimental extended range selectors: ``anchored`` and ``smoothed``.

* ``x[5m] anchored``: the window also keeps the last sample at or before its
  start (looked up within the lookback delta), so ``increase`` measures from a
  real sample instead of extrapolating. Allowed with rate, increase, delta,
  changes and resets.
* ``x[5m] smoothed``: both boundaries get a value linearly interpolated
  between the samples around them (looked up within the lookback delta on
  each side). Allowed with rate, increase and delta; ``x smoothed`` as an
  instant selector interpolates at the evaluation time.

Windows for these selectors hold the extended fetch range; ``RangeSeries.start``
and ``end`` stay the selector's own bounds, and ``mode`` says which rule applies.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from .values import QueryError

ANCHORED_SAFE = ("changes", "delta", "increase", "rate", "resets")
SMOOTHED_SAFE = ("delta", "increase", "rate")


def check_function(mode: str, func: str) -> None:
    safe = ANCHORED_SAFE if mode == "anchored" else SMOOTHED_SAFE
    if func not in safe:
        raise QueryError(
            f"{mode} modifier can only be used with: {', '.join(safe)} - not with {func}"
        )


def _interpolate(t1: int, y1: float, t2: int, y2: float, t: int, counter: bool) -> float:
    if counter and y2 < y1:
        y1 = 0.0  # a reset in between: the counter restarted from zero
    return y1 + (y2 - y1) * (t - t1) / (t2 - t1)


def _bounds(
    ts: Sequence[int], vs: Sequence[float], lo: int, hi: int, start: int, end: int, smoothed: bool
) -> tuple[int, int] | None:
    """Indices of the samples giving the left and right boundary values."""
    last = hi - 1
    # The last sample at or before the window start (searching all but the last).
    first = max(lo, bisect_right(ts, start, lo, last) - 1)
    if smoothed:
        last = bisect_left(ts, end, lo, last)
    if ts[last] <= start:
        return None
    if smoothed and ts[first] > end:
        return None
    return first, last


def boundary_values(
    ts: Sequence[int],
    vs: Sequence[float],
    first: int,
    last: int,
    start: int,
    end: int,
    smoothed: bool,
    counter: bool,
) -> tuple[float, float]:
    left = vs[first]
    if smoothed and ts[first] < start:
        left = _interpolate(ts[first], vs[first], ts[first + 1], vs[first + 1], start, counter)
    right = vs[last]
    if smoothed and last > 0 and ts[last] > end:
        right = _interpolate(ts[last - 1], vs[last - 1], ts[last], vs[last], end, counter)
    return left, right


def extended_rate(
    ts: Sequence[int],
    vs: Sequence[float],
    lo: int,
    hi: int,
    start: int,
    end: int,
    smoothed: bool,
    counter: bool,
    is_rate: bool,
) -> float | None:
    if hi <= lo:
        return None
    found = _bounds(ts, vs, lo, hi, start, end, smoothed)
    if found is None:
        return None
    first, last = found
    left, right = boundary_values(ts, vs, first, last, start, end, smoothed, counter)
    result = right - left
    if counter:
        # Resets at the boundaries are already in the interpolated values;
        # only the samples strictly inside the window add corrections.
        if ts[first] <= start:
            first += 1
        if ts[last] >= end:
            last -= 1
        prev = left
        for i in range(first, last + 1):
            cur = vs[i]
            if cur < prev:
                result += prev
            prev = cur
        if right < prev:
            result += prev
    if is_rate:
        result /= (end - start) / 1000.0
    return result


def anchored_values(
    ts: Sequence[int], vs: Sequence[float], lo: int, hi: int, start: int
) -> list[float] | None:
    """Values for changes()/resets() on an anchored window: the anchor sample and
    everything after the window start; None when nothing lies after the start."""
    after = bisect_right(ts, start, lo, hi)
    if after >= hi:
        return None
    out = vs[max(lo, after - 1) : hi]
    return out if isinstance(out, list) else list(out)


def extend_points(
    ts: Sequence[int], vs: Sequence[float], lo: int, hi: int, start: int, end: int, smoothed: bool
) -> list[tuple[int, float]]:
    """The points an anchored/smoothed range selector returns on its own: boundary
    values stamped at the window bounds, with the samples strictly inside."""
    if hi <= lo:
        return []
    found = _bounds(ts, vs, lo, hi, start, end, smoothed)
    if found is None:
        return []
    first, last = found
    left, right = boundary_values(ts, vs, first, last, start, end, smoothed, False)
    if ts[first] <= start:
        first += 1
    if ts[last] >= end:
        last -= 1
    inner = list(zip(ts[first : last + 1], vs[first : last + 1], strict=True))
    return [(start, left), *inner, (end, right)]


def smoothed_value(
    ts: Sequence[int], vs: Sequence[float], lo: int, hi: int, at: int
) -> float | None:
    """``x smoothed``: the value at ``at``, interpolated between its neighbours."""
    i = bisect_left(ts, at, lo, hi)
    if i < hi and ts[i] == at:
        return vs[i]
    if lo < i < hi:
        return _interpolate(ts[i - 1], vs[i - 1], ts[i], vs[i], at, False)
    if i > lo:
        return vs[i - 1]
    return None
