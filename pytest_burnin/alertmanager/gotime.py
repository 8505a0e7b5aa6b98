"""Go's ``time.Time`` as notification templates see it: ``String()``, ``Format``, JSON.

Templates print ``.StartsAt`` directly, call ``.StartsAt.Format "2006-01-02"`` or
pipe it to ``date``/``tz`` (0.27+), and the webhook body carries it as RFC 3339
with nanoseconds; each spelling must match Go's byte for byte.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from ..rules.gotemplate import Func, FuncError, GoMethods

# Go's zero time, 0001-01-01T00:00:00Z, which firing alerts carry as their EndsAt.
_ZERO = datetime(1, 1, 1, tzinfo=timezone.utc)

_LAYOUT = re.compile(
    r"January|Jan|Monday|Mon|MST|2006|01|02|_2|15|03|04|05|06|PM|pm|"
    r"Z07:00|Z0700|Z07|-07:00|-0700|-07|[.,](?:0+|9+)|1|2|3|4|5"
)


class GoTime(GoMethods):
    """A UTC or zoned instant with nanoseconds (Python's datetime stops at micro)."""

    def __init__(self, dt: datetime, nanos: int | None = None, zone: str = "UTC") -> None:
        self.dt = dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
        self.nanos = dt.microsecond * 1000 if nanos is None else nanos
        self.zone = zone

    @classmethod
    def zero(cls) -> GoTime:
        return cls(_ZERO, 0)

    @classmethod
    def parse_rfc3339(cls, text: str) -> GoTime:
        m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)", text)
        if not m:
            raise ValueError(f"not an RFC 3339 time: {text!r}")
        base, frac, off = m.groups()
        nanos = int((frac or "").ljust(9, "0"))
        dt = datetime.fromisoformat(base + ("+00:00" if off == "Z" else off))
        dt = dt.replace(microsecond=nanos // 1000)
        return cls(dt, nanos, "UTC" if off == "Z" else "")

    def is_zero(self) -> bool:
        return self.dt == _ZERO and self.nanos == 0

    def in_zone(self, tz: tzinfo, name: str) -> GoTime:
        return GoTime(self.dt.astimezone(tz), self.nanos, name)

    @property
    def go_methods(self) -> dict[str, Func]:
        return {
            "Format": (self.format, "s"),
            "Unix": (lambda: int(self.dt.timestamp()), ""),
            "UnixMilli": (lambda: int(self.dt.timestamp()) * 1000 + self.nanos // 1_000_000, ""),
            "UTC": (lambda: GoTime(self.dt.astimezone(timezone.utc), self.nanos), ""),
            "IsZero": (self.is_zero, ""),
            "String": (self.go_string, ""),
            "Year": (lambda: self.dt.year, ""),
        }

    def _offset(self) -> int:
        off = self.dt.utcoffset() or timedelta(0)
        return int(off.total_seconds())

    def _zone_abbrev(self) -> str:
        if self.zone and self.zone not in ("UTC", "Local") and "/" not in self.zone:
            return self.zone
        name = self.dt.tzname() or ""
        if self.zone == "UTC" or (self._offset() == 0 and name in ("UTC", "UTC+00:00")):
            return "UTC"
        if name and not name.startswith("UTC"):
            return name
        off = self._offset()
        sign = "-" if off < 0 else "+"
        h, rem = divmod(abs(off), 3600)
        return f"{sign}{h:02d}" + (f"{rem // 60:02d}" if rem else "")

    def go_string(self) -> str:
        # time.Time.String: "2006-01-02 15:04:05.999999999 -0700 MST"
        return self.format("2006-01-02 15:04:05.999999999 -0700 MST")

    def rfc3339nano(self) -> str:
        return self.format("2006-01-02T15:04:05.999999999Z07:00")

    def format(self, layout: str) -> str:
        return _LAYOUT.sub(lambda m: self._element(m.group()), layout)

    def _element(self, e: str) -> str:
        d = self.dt
        if e == "2006":
            return f"{d.year:04d}"
        if e == "06":
            return f"{d.year % 100:02d}"
        if e == "January":
            return d.strftime("%B")
        if e == "Jan":
            return d.strftime("%b")
        if e in ("01", "1"):
            return f"{d.month:02d}" if e == "01" else str(d.month)
        if e == "Monday":
            return d.strftime("%A")
        if e == "Mon":
            return d.strftime("%a")
        if e in ("02", "2", "_2"):
            return {"02": f"{d.day:02d}", "2": str(d.day), "_2": f"{d.day:2d}"}[e]
        if e == "15":
            return f"{d.hour:02d}"
        if e in ("03", "3"):
            h = d.hour % 12 or 12
            return f"{h:02d}" if e == "03" else str(h)
        if e in ("04", "4"):
            return f"{d.minute:02d}" if e == "04" else str(d.minute)
        if e in ("05", "5"):
            return f"{d.second:02d}" if e == "05" else str(d.second)
        if e in ("PM", "pm"):
            s = "PM" if d.hour >= 12 else "AM"
            return s if e == "PM" else s.lower()
        if e == "MST":
            return self._zone_abbrev()
        if e[0] in ".," and len(e) > 1:
            digits = f"{self.nanos:09d}"[: len(e) - 1]
            if e[1] == "9":
                digits = digits.rstrip("0")
                return e[0] + digits if digits else ""
            return e[0] + digits
        off = self._offset()
        if e.startswith("Z") and off == 0:
            return "Z"
        sign = "-" if off < 0 else "+"
        h, rem = divmod(abs(off), 3600)
        m = rem // 60
        if e in ("Z07:00", "-07:00"):
            return f"{sign}{h:02d}:{m:02d}"
        if e in ("Z0700", "-0700"):
            return f"{sign}{h:02d}{m:02d}"
        return f"{sign}{h:02d}"  # Z07, -07


def as_time(v: Any) -> GoTime:
    if not isinstance(v, GoTime):
        raise FuncError(f"wrong type for value; expected time.Time; got {type(v).__name__}")
    return v
