"""PromQL's date functions as Go computes them, for every float, not just sane dates.

``minute(v)``, ``year(v)`` ... run ``time.Unix(int64(v), 0).UTC()`` in
Prometheus. Python's ``datetime`` stops at year 9999 (``minute(1e15)`` raised
ValueError) and has no answer for NaN or Inf, while Go answers everything:

* ``int64(v)`` of NaN, ±Inf or a float outside int64 is, on amd64 (the
  platform Prometheus is released and tested on), the minimum int64;
* the calendar is Go's ``absDate`` over unsigned 64-bit seconds since year
  -292277022399, where very large or small times wrap around. That is how
  ``year(+Inf)`` is 292277026596 and ``days_in_month(NaN)`` is 31.

The arithmetic is Go 1.19-1.22's ``time`` package (Prometheus 2.42 was built
with it); see docs/promql.md for the one known difference to 3.x builds.
"""

from __future__ import annotations

import math

_U64 = 1 << 64
_MIN_INT64 = -(1 << 63)
_SECONDS_PER_DAY = 86_400
_DAYS_PER_400_YEARS = 365 * 400 + 97
_DAYS_PER_100_YEARS = 365 * 100 + 24
_DAYS_PER_4_YEARS = 365 * 4 + 1
_ABSOLUTE_ZERO_YEAR = -292277022399
# Go: (absoluteZeroYear - internalYear) * 365.2425 * secondsPerDay, an exact integer.
_ABSOLUTE_TO_INTERNAL = (_ABSOLUTE_ZERO_YEAR - 1) * 3652425 * _SECONDS_PER_DAY // 10000
_UNIX_TO_INTERNAL = (1969 * 365 + 1969 // 4 - 1969 // 100 + 1969 // 400) * _SECONDS_PER_DAY
_DAYS_BEFORE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365)


def go_int64(x: float) -> int:
    """Go's ``int64(x)`` on amd64: truncation, and MinInt64 when x does not fit (or is NaN)."""
    if not math.isfinite(x) or not -(2.0**63) <= x < 2.0**63:
        return _MIN_INT64
    return int(x)


def _abs_seconds(unix: int) -> int:
    """Go's ``Time.abs()`` for UTC: seconds since the absolute zero year, as a uint64."""
    return (unix + _UNIX_TO_INTERNAL - _ABSOLUTE_TO_INTERNAL) % _U64


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _abs_date(abs_s: int) -> tuple[int, int, int, int]:
    """Go's ``absDate(abs, true)``: (year, month 1-12, day of month, day of year 0-based)."""
    d = abs_s // _SECONDS_PER_DAY
    n = d // _DAYS_PER_400_YEARS
    y = 400 * n
    d -= _DAYS_PER_400_YEARS * n
    n = d // _DAYS_PER_100_YEARS
    n -= n >> 2
    y += 100 * n
    d -= _DAYS_PER_100_YEARS * n
    n = d // _DAYS_PER_4_YEARS
    y += 4 * n
    d -= _DAYS_PER_4_YEARS * n
    n = d // 365
    n -= n >> 2
    y += n
    d -= 365 * n
    year = y + _ABSOLUTE_ZERO_YEAR
    yday = d
    day = yday
    if _is_leap(year):
        if day > 31 + 29 - 1:
            day -= 1  # after the leap day: pretend it was not there
        elif day == 31 + 29 - 1:
            return year, 2, 29, yday
    month = day // 31
    end = _DAYS_BEFORE[month + 1]
    if day >= end:
        month += 1
        begin = end
    else:
        begin = _DAYS_BEFORE[month]
    return year, month + 1, day - begin + 1, yday


def _days_since_epoch(year: int) -> int:
    """Go's ``daysSinceEpoch``: days from the absolute zero year to January 1 of ``year``."""
    y = (year - _ABSOLUTE_ZERO_YEAR) % _U64
    n = y // 400
    y -= 400 * n
    d = _DAYS_PER_400_YEARS * n
    n = y // 100
    y -= 100 * n
    d += _DAYS_PER_100_YEARS * n
    n = y // 4
    y -= 4 * n
    d += _DAYS_PER_4_YEARS * n
    d += 365 * y
    return d % _U64


def _days_in_month(year: int, month: int) -> int:
    """Prometheus: ``32 - time.Date(year, month, 32, ...).Day()``, wrap-arounds included."""
    d = _days_since_epoch(year) + _DAYS_BEFORE[month - 1]
    if _is_leap(year) and month >= 3:
        d += 1
    d += 32 - 1
    return 32 - _abs_date(d * _SECONDS_PER_DAY % _U64)[2]


def date_part(name: str, x: float) -> float:
    """``year``, ``month``, ``day_of_month``, ``day_of_week``, ``day_of_year``, ``hour``,
    ``minute`` or ``days_in_month`` of the Unix time ``x`` (seconds), as Prometheus answers."""
    abs_s = _abs_seconds(go_int64(x))
    if name == "hour":
        return float(abs_s % _SECONDS_PER_DAY // 3600)
    if name == "minute":
        return float(abs_s % 3600 // 60)
    if name == "day_of_week":
        # Go: (abs + Monday*secondsPerDay) % secondsPerWeek / secondsPerDay, Sunday = 0.
        shifted = (abs_s + _SECONDS_PER_DAY) % _U64  # uint64 addition wraps
        return float(shifted % (7 * _SECONDS_PER_DAY) // _SECONDS_PER_DAY)
    year, month, day, yday = _abs_date(abs_s)
    if name == "year":
        return float(year)
    if name == "month":
        return float(month)
    if name == "day_of_month":
        return float(day)
    if name == "day_of_year":
        return float(yday + 1)
    if name == "days_in_month":
        return float(_days_in_month(year, month))
    raise ValueError(f"not a date function: {name}")


def rfc3339(unix: int) -> str:
    """``time.Unix(unix, 0).UTC().Format(time.RFC3339)`` for any int64, without OverflowError."""
    abs_s = _abs_seconds(unix)
    year, month, day, _ = _abs_date(abs_s)
    sod = abs_s % _SECONDS_PER_DAY
    hms = f"{sod // 3600:02d}:{sod % 3600 // 60:02d}:{sod % 60:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}T{hms}Z"


DATE_FUNCTIONS = frozenset(
    {
        "year",
        "month",
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "hour",
        "minute",
        "days_in_month",
    }
)
