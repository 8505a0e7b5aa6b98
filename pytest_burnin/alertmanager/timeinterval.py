"""Alertmanager time intervals (``time_intervals`` / ``mute_time_intervals``).

An interval is a list of periods; an instant is inside the interval when it
is inside any period. A period constrains times of day, weekdays, days of the
month (negative days count from the month's end), months and years, all read
in the period's ``location`` (UTC by default). Semantics and error wording
follow Alertmanager's ``timeinterval/timeinterval.go``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Range = tuple[int, int]  # inclusive

WEEKDAYS = {
    "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3,
    "thursday": 4, "friday": 5, "saturday": 6,
}  # fmt: skip
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_VALID_TIME = re.compile(r"^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)")


class IntervalError(ValueError):
    """A period field that Alertmanager refuses; the message is Alertmanager's."""


@dataclass
class Period:
    times: list[Range] | None = None  # minutes of the day, [start, end)
    weekdays: list[Range] | None = None  # 0 = Sunday
    days_of_month: list[Range] | None = None
    months: list[Range] | None = None
    years: list[Range] | None = None
    location: tzinfo = field(default=timezone.utc)

    def contains(self, at: datetime) -> bool:
        t = at.astimezone(self.location)
        if self.times is not None:
            minute = t.hour * 60 + t.minute
            if not any(start <= minute < end for start, end in self.times):
                return False
        if self.days_of_month is not None and not self._day_of_month(t):
            return False
        if self.months is not None and not any(b <= t.month <= e for b, e in self.months):
            return False
        if self.weekdays is not None:
            weekday = (t.weekday() + 1) % 7  # Python's Monday=0 -> Go's Sunday=0
            if not any(b <= weekday <= e for b, e in self.weekdays):
                return False
        return self.years is None or any(b <= t.year <= e for b, e in self.years)

    def _day_of_month(self, t: datetime) -> bool:
        days = calendar.monthrange(t.year, t.month)[1]
        for begin, end in self.days_of_month or []:
            b = days + begin + 1 if begin < 0 else begin
            e = days + end + 1 if end < 0 else end
            if b > days:
                continue
            b, e = max(min(b, days), -days), max(min(e, days), -days)
            if b <= t.day <= e:
                return True
        return False


def contains(periods: list[Period], at: datetime) -> bool:
    return any(p.contains(at) for p in periods)


def parse_time(text: str) -> int:
    if not _VALID_TIME.match(text):
        raise IntervalError(f"couldn't parse timestamp {text}, invalid format")
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def parse_times(entry: dict[str, str]) -> Range:
    start, end = entry.get("start_time", ""), entry.get("end_time", "")
    if not start or not end:
        raise IntervalError("both start and end times must be provided")
    s, e = parse_time(start), parse_time(end)
    if s >= e:
        raise IntervalError("start time cannot be equal or greater than end time")
    return (s, e)


def _range(text: str, member: object) -> Range:
    text = text.lower()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 2:
            raise IntervalError(f"couldn't parse range {text}, invalid format")
        return (_member(parts[0], member), _member(parts[1], member))
    n = _member(text, member)
    return (n, n)


def _member(text: str, member: object) -> int:
    if member == "weekday":
        if text not in WEEKDAYS:
            raise IntervalError(f"{text} is not a valid weekday")
        return WEEKDAYS[text]
    if member == "month":
        if text in MONTHS:
            return MONTHS[text]
        try:
            n = int(text)
        except ValueError:
            raise IntervalError(f"{text} is not a valid month") from None
        if not 1 <= n <= 12:
            raise IntervalError(f"{text} is not a valid month")
        return n
    try:
        return int(text)
    except ValueError:
        raise IntervalError(f'strconv.Atoi: parsing "{text}": invalid syntax') from None


def parse_weekdays(text: str) -> Range:
    b, e = _range(text, "weekday")
    if b > e:
        raise IntervalError("start day cannot be before end day")
    return (b, e)


def parse_days_of_month(text: str) -> Range:
    b, e = _range(text, "day")
    for n in (b, e):
        if n == 0 or n < -31 or n > 31:
            raise IntervalError(f"{n} is not a valid day of the month: out of range")
    if b < 0 < e:
        raise IntervalError("end day must be negative if start day is negative")
    if (28 + b if b < 0 else b) > (28 + e if e < 0 else e):
        raise IntervalError(f"end day {e} is always before start day {b}")
    return (b, e)


def parse_months(text: str) -> Range:
    b, e = _range(text, "month")
    if b > e:
        names = {v: k for k, v in MONTHS.items()}
        raise IntervalError(f"end month {names[e]} is before start month {names[b]}")
    return (b, e)


def parse_years(text: str) -> Range:
    b, e = _range(text, "year")
    if b > e:
        raise IntervalError(f"end year {e} is before start year {b}")
    return (b, e)


def parse_location(text: str) -> tzinfo:
    if text in ("", "UTC"):
        return timezone.utc
    if text == "Local":
        return datetime.now().astimezone().tzinfo or timezone.utc
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise IntervalError(f"unknown time zone {text}") from None
