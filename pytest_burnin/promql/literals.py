"""PromQL literals: numbers as Go reads them, and quoted strings with Go's escapes."""

from __future__ import annotations

import math

from .lexer import ParseError, go_quote, go_rune_u


def parse_number(text: str, pos: int = 0, source: str = "") -> float:
    """A PromQL number literal, following Go's ParseInt(base 0) then ParseFloat."""
    clean = text.replace("_", "")
    low = clean.lower()
    try:
        # Go's ParseInt(base 0, 64 bits) first; where it fails, ParseFloat: "09" is 9,
        # and a hex integer past int64 is invalid (ParseFloat wants a 'p' exponent).
        if low.startswith("0x") and "p" not in low:
            as_int = int(clean[2:], 16)
            if as_int >= 1 << 63:
                raise ValueError(text)
            return float(as_int)
        octal = len(clean) > 1 and clean[0] == "0" and clean.isdigit()
        if octal and not {"8", "9"} & set(clean) and int(clean, 8) < 1 << 63:
            return float(int(clean, 8))  # Go reads a leading 0 as octal
        if low.startswith("0x"):
            return float.fromhex(clean)
        value = float(clean)
    except ValueError:
        raise ParseError(
            f"error parsing number: strconv.ParseFloat: parsing {go_quote(text)}: invalid syntax",
            pos,
            source,
        ) from None
    if math.isinf(value) and "inf" not in low:
        raise ParseError(
            f"error parsing number: strconv.ParseFloat: parsing {go_quote(text)}: value out of range",
            pos,
            source,
        )
    return value


_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
}
_ESCAPE_WIDTH = {"x": (2, 16), "u": (4, 16), "U": (8, 16)}


def unquote(token: str) -> str:
    """The value of a PromQL string token ('..', "..", or `raw`), Go escapes resolved.

    ``\\xNN`` and octal escapes are bytes, as in Go; a byte sequence that is not
    UTF-8 is kept as surrogate escapes so that label-name validation rejects it
    later, as Prometheus does.
    """
    quote, body = token[0], token[1:-1]
    if quote == "`" or "\\" not in body:
        return body
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        i += 1
        if c != "\\":
            out += c.encode("utf-8", "surrogatepass")
            continue
        if i >= n:
            raise ValueError("escape sequence not terminated")
        e = body[i]
        if e in _SIMPLE_ESCAPES or e == quote:
            out += _SIMPLE_ESCAPES.get(e, e).encode()
            i += 1
            continue
        if e not in "01234567xuU":
            raise ValueError(f"unknown escape sequence {go_rune_u(e)}")
        width, base = _ESCAPE_WIDTH.get(e, (3, 8))
        if base == 16:
            i += 1
        code = _escape_code(body[i : i + width], width, base, quote)
        i += width
        if e in "uU":
            out += chr(code).encode("utf-8")
        else:
            out.append(code)
    return out.decode("utf-8", "surrogateescape")


def _escape_code(digits: str, width: int, base: int, quote: str) -> int:
    valid = "01234567" if base == 8 else "0123456789abcdefABCDEF"
    # A short escape runs into the closing quote, which Prometheus' lexer reads as
    # the next digit: "\u12" is an illegal '"' in the escape, not an unterminated one.
    for d in digits + quote * (width - len(digits)):
        if d not in valid:
            raise ValueError(f"illegal character {go_rune_u(d)} in escape sequence")
    code = int(digits, base)
    if code > 0x10FFFF or 0xD800 <= code < 0xE000 or (base == 8 and code > 255):
        raise ValueError("escape sequence is an invalid Unicode code point")
    return code
