"""Go's ``fmt`` formatting rules, as far as rule templates and promtool output need them.

Alert annotations are compared byte for byte against what the test author saw
from the real promtool, so a float must print exactly as Go prints it: ``%v``
of a float64 is strconv's shortest 'g' form (``1e+06``, ``0.1``, ``+Inf``),
which differs from Python's ``repr`` and ``%g``.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

MISSING_MARK = "<no value>"


class GoTime:
    """A Go ``time.Time`` in UTC (``toTime``), printed with Go's ``String()``."""

    def __init__(self, seconds: float) -> None:
        self.ns = int(seconds * 1e9)

    def __str__(self) -> str:
        secs, ns = divmod(self.ns, 1_000_000_000)
        dt = datetime.fromtimestamp(secs, tz=timezone.utc)
        frac = f".{ns:09d}".rstrip("0") if ns else ""
        return dt.strftime("%Y-%m-%d %H:%M:%S") + frac + " +0000 UTC"


class GoDuration:
    """A Go ``time.Duration`` (``toDuration``), printed like ``1h2m3.5s``."""

    def __init__(self, seconds: float) -> None:
        self.ns = int(seconds * 1e9)

    def __str__(self) -> str:
        return go_duration(self.ns)


def go_duration(ns: int) -> str:
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < 1_000_000_000:
        # Sub-second durations use the largest unit that keeps an integer part.
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if u >= size:
                return sign + _trim_frac(u, size) + unit
    out = ""
    h, rem = divmod(u, 3_600_000_000_000)
    m, rem = divmod(rem, 60_000_000_000)
    if h:
        out += f"{h}h"
    if h or m:
        out += f"{m}m"
    return sign + out + _trim_frac(rem, 1_000_000_000) + "s"


def _trim_frac(value: int, size: int) -> str:
    whole, frac = divmod(value, size)
    if not frac:
        return str(whole)
    width = len(str(size)) - 1
    return f"{whole}.{frac:0{width}d}".rstrip("0")


def _special(v: float, plus: bool = False) -> str | None:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return None


def format_float_v(v: float) -> str:
    """Go's ``%v`` / ``strconv.FormatFloat(v, 'g', -1, 64)``."""
    s = _special(v)
    if s is not None:
        return s
    if v == 0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    sign, digits, exponent = Decimal(repr(v)).as_tuple()
    assert isinstance(exponent, int)
    dp = len(digits) + exponent  # position of the decimal point in the digit string
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    exp = dp - 1
    neg = "-" if sign else ""
    # strconv's shortest 'g' decides with precision 6, whatever the digit count.
    if exp < -4 or exp >= 6:
        mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        return f"{neg}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return f"{neg}0.{'0' * -dp}{ds}"
    if dp >= len(ds):
        return neg + ds + "0" * (dp - len(ds))
    return f"{neg}{ds[:dp]}.{ds[dp:]}"


def shortest_digits(v: float) -> tuple[str, int]:
    """The shortest round-trip digits of abs(v) (non-zero, finite) and its decimal exponent."""
    _, digits, exponent = Decimal(repr(abs(v))).as_tuple()
    assert isinstance(exponent, int)
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    return ds, len(digits) + exponent - 1


def format_float(v: float, verb: str, prec: int | None, flags: str = "") -> str:
    """``%e %f %g`` (and upper-case forms) with Go's spelling of NaN and infinities."""
    s = _special(v)
    if s is not None:
        if s == "+Inf" and "+" not in flags and verb != "v":
            return "+Inf"
        return s
    if verb in "gG" and prec is None:
        out = format_float_v(v)
        return out.upper() if verb == "G" else out
    py = f"%{'+' if '+' in flags else ''}{'#' if '#' in flags else ''}.{6 if prec is None else prec}{verb}"
    return py % v


def type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "<nil>"
    if isinstance(v, dict):
        return "map[string]string"
    if isinstance(v, list):
        return "template.queryResult"
    return type(v).__name__


def go_print(v: Any) -> str:
    """``fmt.Sprint`` of one value, as text/template prints an action's result."""
    go_string = getattr(v, "go_string", None)
    if go_string is not None:  # a Go Stringer (fmt prefers String() to the raw value)
        return str(go_string())
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return format_float_v(v)
    if isinstance(v, int):
        return str(v)
    if v is None:
        return "<nil>"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_print(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(go_print(x) for x in v) + "]"
    return str(v)


def go_quote(s: str) -> str:
    """strconv.Quote: Go escapes, non-printable runes as \\x / \\u."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


# Largest template output, and so the largest printf width or precision: a
# few bytes such as ``%0999999999d`` would otherwise build a gigabyte string.
MAX_OUTPUT = 1 << 20


class OutputLimitError(ValueError):
    """A template would produce more than MAX_OUTPUT characters."""


_VERB = re.compile(r"%([-+# 0]*)(\d+|\*)?(?:\.(\d*|\*))?([a-zA-Z%])")


def sprintf(fmt: str, args: list[Any]) -> str:
    """Go's fmt.Sprintf for the verbs templates use; bad verbs print ``%!d(type=v)``."""
    out: list[str] = []
    pos = 0
    argi = 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos : m.start()])
        pos = m.end()
        flags, width_s, prec_s, verb = m.groups()
        if verb == "%":
            out.append("%")
            continue
        width = int(width_s) if width_s and width_s != "*" else None
        prec = int(prec_s or "0") if prec_s is not None and prec_s != "*" else None
        if max(width or 0, prec or 0) > MAX_OUTPUT:
            raise OutputLimitError(
                f"printf width or precision {max(width or 0, prec or 0)} in {m.group(0)!r} is "
                f"over the template output limit of {MAX_OUTPUT} bytes: use a smaller one"
            )
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[argi]
        argi += 1
        text = _format_one(arg, verb, prec, flags)
        if width is not None and len(text) < width:
            if "-" in flags:
                text = text.ljust(width)
            elif "0" in flags and verb not in "sqvt" and isinstance(arg, (int, float)):
                sign = text[0] if text[:1] in "+-" else ""
                text = sign + text[len(sign) :].rjust(width - len(sign), "0")
            else:
                text = text.rjust(width)
        out.append(text)
    out.append(fmt[pos:])
    if argi < len(args):
        extra = ", ".join(f"{type_name(a)}={go_print(a)}" for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _bad(verb: str, arg: Any) -> str:
    return f"%!{verb}({type_name(arg)}={go_print(arg)})"


def _format_one(arg: Any, verb: str, prec: int | None, flags: str) -> str:
    if verb == "v":
        if isinstance(arg, float):
            return format_float(arg, "g", prec, flags)
        return go_print(arg)
    if verb == "T":
        return type_name(arg)
    if isinstance(arg, bool):
        return go_print(arg) if verb == "t" else _bad(verb, arg)
    if isinstance(arg, float):
        if verb in "eEfFgG":
            return format_float(arg, "f" if verb == "F" else verb, prec, flags)
        return _bad(verb, arg)
    if isinstance(arg, int):
        if verb == "d":
            return f"{'+' if '+' in flags and arg >= 0 else ''}{arg}"
        if verb in "xXob":
            return format(arg, verb)
        if verb == "c":
            return chr(arg)
        if verb == "q":
            return "'" + chr(arg) + "'"
        return _bad(verb, arg)
    if isinstance(arg, str) or (not isinstance(arg, (dict, list)) and arg is not None):
        s = str(arg)
        if verb == "s":
            return s if prec is None else s[:prec]
        if verb == "q":
            return go_quote(s)
        if verb in "xX":
            h = s.encode().hex()
            return h.upper() if verb == "X" else h
        return _bad(verb, arg)
    if verb == "s":
        return go_print(arg)
    return _bad(verb, arg)
