"""How promtool 3.5 words a duration it refuses (prometheus/common 0.65 ``ParseDuration``).

Prometheus 2.x matched a duration against one regular expression and said "not a
valid duration string" for every malformed one; 3.x reads it part by part and
names an unknown unit (``1.5m``: the unit "."). ``lexer.parse_duration`` keeps
2.x's words; the PromQL parser asks here for 3.x's under compat 3.
"""

from __future__ import annotations

from .lexer import go_quote

# Unit -> (order, nanoseconds), largest first: each may appear once, in this order.
_UNITS: dict[str, tuple[int, int]] = {
    "y": (0, 365 * 86_400 * 10**9),
    "w": (1, 7 * 86_400 * 10**9),
    "d": (2, 86_400 * 10**9),
    "h": (3, 3_600 * 10**9),
    "m": (4, 60 * 10**9),
    "s": (5, 10**9),
    "ms": (6, 10**6),
}
_MAX = (1 << 63) - 1


def error_3x(text: str) -> str:
    """The message promtool 3.5 gives for the malformed duration ``text``."""
    invalid = f"not a valid duration string: {go_quote(text)}"
    if text == "":
        return "empty duration string"
    rest, last, total = text, -1, 0
    while rest:
        digits = _run(rest, digit=True)
        if digits == 0:
            return invalid
        value = int(rest[:digits])
        if value > _MAX:  # Go's ParseInt fails: the string is not valid
            return invalid
        rest = rest[digits:]
        unit_len = _run(rest, digit=False)
        if unit_len == 0:
            return invalid
        unit, rest = rest[:unit_len], rest[unit_len:]
        if unit not in _UNITS:
            return f"unknown unit {go_quote(unit)} in duration {go_quote(text)}"
        order, nanos = _UNITS[unit]
        if order <= last:
            return invalid
        last = order
        if value > (1 << 63) // nanos:
            return "duration out of range"
        total += value * nanos
        if total > _MAX:
            return "duration out of range"
    return invalid


def _run(text: str, *, digit: bool) -> int:
    """Length of the leading run of ASCII digits (or of anything else)."""
    n = 0
    while n < len(text) and ("0" <= text[n] <= "9") == digit:
        n += 1
    return n
