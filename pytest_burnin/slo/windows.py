"""SLO windows: rolling (the last N before the evaluation time) or calendar.

A calendar window runs from the start of the current period (month, week or
day, in a time zone) up to the evaluation time: early in the month there is
little window, which is what a calendar budget means. The engine needs a range
for ``{{window}}``, so a calendar window is written as its exact length
(``1234567s``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CALENDAR_PERIODS = ("month", "week", "day")


class WindowError(ValueError):
    """A window that cannot be used; the message names what and why."""


@dataclass(frozen=True)
class Window:
    text: str  # how the headline names it: "14d", "calendar month"
    start_ms: int
    end_ms: int
    promql: str  # what replaces {{window}} in queries

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms


def promql_duration(ms: int) -> str:
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"


def parse_ms(text: str) -> int:
    from ..promql.parser import ParseError, parse_duration

    try:
        return parse_duration(text)
    except (ParseError, ValueError) as exc:
        raise WindowError(f"invalid duration {text!r}: {exc}") from None


def check_window(spec: Any) -> None:
    """Raise WindowError when a window spec cannot be resolved (collection-time check)."""
    if isinstance(spec, str):
        parse_ms(spec)
        return
    period_start(spec, datetime(2026, 1, 15, tzinfo=timezone.utc))


def resolve_window(spec: Any, t_ms: int) -> Window:
    """The window ending at ``t_ms``: a duration string (rolling) or ``{calendar: ...}``."""
    if isinstance(spec, str):
        length = parse_ms(spec)
        return Window(spec, t_ms - length, t_ms, spec)
    now = datetime.fromtimestamp(t_ms / 1000, tz=timezone.utc)
    start = period_start(spec, now)
    start_ms = int(start.timestamp() * 1000)
    if start_ms >= t_ms:
        # Only at the very instant a period starts: nothing to measure yet.
        raise WindowError(f"the calendar {spec['calendar']} starts at the evaluation time")
    return Window(f"calendar {spec['calendar']}", start_ms, t_ms, promql_duration(t_ms - start_ms))


def period_start(spec: dict[str, Any], now: datetime) -> datetime:
    """Start of the calendar period holding ``now`` (an aware datetime)."""
    period = spec.get("calendar")
    if period not in CALENDAR_PERIODS:
        raise WindowError(
            f"unsupported calendar period {period!r}; supported: {', '.join(CALENDAR_PERIODS)}"
        )
    tz_name = str(spec.get("time_zone", "UTC"))
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise WindowError(
            f"unknown time zone {tz_name!r} (use an IANA name: Europe/Paris)"
        ) from None
    local = now.astimezone(tz)
    anchor = _anchor(spec.get("start"), tz)
    # Periods begin at the anchor's time of day (midnight by default); a week
    # on the anchor's weekday (Monday by default), a month on its day.
    h, m, s = (anchor.hour, anchor.minute, anchor.second) if anchor else (0, 0, 0)
    start = local.replace(hour=h, minute=m, second=s, microsecond=0)
    if period == "day":
        if start > local:
            start -= timedelta(days=1)
    elif period == "week":
        weekday = anchor.weekday() if anchor else 0
        start -= timedelta(days=(start.weekday() - weekday) % 7)
        if start > local:
            start -= timedelta(days=7)
    else:
        day = anchor.day if anchor else 1
        start = _month_day(start, start.year, start.month, day)
        if start > local:
            year, month = (start.year, start.month - 1) if start.month > 1 else (start.year - 1, 12)
            start = _month_day(start, year, month, day)
    # Rebuild through the zone so a DST change inside the period is accounted for.
    return datetime(
        start.year, start.month, start.day, start.hour, start.minute, start.second, tzinfo=tz
    )


def _month_day(t: datetime, year: int, month: int, day: int) -> datetime:
    import calendar

    last = calendar.monthrange(year, month)[1]
    return t.replace(year=year, month=month, day=min(day, last))


def _anchor(text: Any, tz: ZoneInfo) -> datetime | None:
    if text is None:
        return None
    try:
        t = datetime.fromisoformat(str(text).replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        raise WindowError(f"invalid calendar start {text!r} (use 2026-01-01T00:00:00)") from None
    return t.astimezone(tz) if t.tzinfo else t.replace(tzinfo=tz)
