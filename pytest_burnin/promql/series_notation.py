"""promtool's series notation: ``metric{l="v"} 0+10x5 _ stale 3x2``.

Used by promtool test files (``input_series``: the series and its values,
joined by one space as promtool does, so error columns match) and by PromQL
``.test`` scripts (``load`` lines). Expanding items follow Prometheus exactly:

- ``a+bxn`` / ``a-bxn``: n+1 values a, a+b, ..., added step by step (the same
  float rounding as Prometheus, so expected values compare exactly);
- ``axn``: n+1 copies of a;
- ``_``: one missing sample, ``_xn``: n missing samples;
- ``stale``: a staleness marker (``storage.STALE_NAN``).

Native histogram values (``{{schema:0 ...}}``, ``histogram_notation.py``)
raise NativeHistogramUnsupported in ``parse_series``; ``parse_series_mixed``
returns them (as ``FloatHistogram``, with whether a counter reset hint was given).
"""

from __future__ import annotations

from typing import NoReturn, cast

from .histogram_notation import HistogramValue, parse_histogram_item
from .labels import METRIC_NAME, Labels, labels_from
from .lexer import (
    ERROR,
    IDENT,
    PUNCT,
    STRING,
    Lexer,
    ParseError,
    Token,
    go_quote,
    go_quote_rune,
    is_alnum,
    is_alpha,
    parse_duration,
    scan_number,
)
from .literals import parse_number, unquote
from .storage import STALE_NAN
from .values import NativeHistogramUnsupported

__all__ = [
    "ParseError",
    "parse_metric",
    "parse_series",
    "parse_series_mixed",
    "parse_series_values",
]

SeriesValues = list[float | None]  # None: no sample at that step
# With native histograms: a float, a (histogram, hint given) pair, or None.
MixedValues = list[float | HistogramValue | None]

# Values one series may expand to. ``0+1x2000000000`` is 15 bytes of input and
# would need tens of gigabytes. Real test files go up to ``0x10000000`` (ten
# million, Wikimedia's alerts); twice that is the bound: at most about 640 MB
# for distinct values (a constant run shares one float, 160 MB).
MAX_SERIES_VALUES = 20_000_000

_SPACE = " \t\n\r"


def parse_series(text: str) -> tuple[Labels, SeriesValues]:
    """Parse ``metric{labels} values...`` into its label set and expanded values."""
    labels, end = _parse_metric_prefix(text)
    if end < len(text) and text[end] not in _SPACE:
        _unexpected_value_char(text, end)
    return labels, _Values(text, end).parse()


def parse_series_mixed(text: str) -> tuple[Labels, MixedValues]:
    """Like ``parse_series``, native histogram items (``{{...}}``) included."""
    labels, end = _parse_metric_prefix(text)
    if end < len(text) and text[end] not in _SPACE:
        _unexpected_value_char(text, end)
    return labels, _Values(text, end, histograms=True).parse_mixed()


def parse_series_values(text: str) -> SeriesValues:
    """Parse only the values part, e.g. ``0+10x5 _ stale``."""
    return _Values(text, 0).parse()


def parse_metric(text: str) -> Labels:
    """Parse a bare label set such as ``up{job="api"}`` (promtool ``exp_samples.labels``)."""
    labels, end = _parse_metric_prefix(text)
    rest = end
    while rest < len(text) and text[rest] in _SPACE:
        rest += 1
    if rest < len(text):
        raise ParseError(f"unexpected character: {go_quote_rune(text[rest])}", rest, text)
    return labels


def _parse_metric_prefix(text: str) -> tuple[Labels, int]:
    """The metric name and label set at the start of ``text``; returns (labels, end)."""
    i, n = 0, len(text)
    while i < n and text[i] in _SPACE:
        i += 1
    name_start = i
    if i < n and (is_alpha(text[i]) or text[i] == ":"):
        while i < n and (is_alnum(text[i]) or text[i] == ":"):
            i += 1
    name = text[name_start:i]
    pairs: list[tuple[str, str]] = []
    if i < n and text[i] == "{":
        tokens = Lexer(text).lex_braces(i)
        pairs = _LabelSet(text, tokens).parse()
        i = tokens[-1].end
    elif not name:
        if i >= n:
            raise ParseError("unexpected end of input", i, text)
        raise ParseError(f"unexpected character: {go_quote_rune(text[i])}", i, text)
    if name:
        pairs = [p for p in pairs if p[0] != METRIC_NAME] + [(METRIC_NAME, name)]
    return labels_from(pairs), i


class _LabelSet:
    """``{a="b", "c.d"="e", "metric.name"}`` from lexer tokens."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.k = 1  # after "{"

    def peek(self) -> Token:
        tok = self.tokens[min(self.k, len(self.tokens) - 1)]
        if tok.kind == ERROR:
            raise ParseError(tok.val, tok.pos, self.text)
        return tok

    def unexpected(self, expected: str) -> ParseError:
        tok = self.peek()
        return ParseError(
            f"unexpected {tok.desc()} in label set, expected {expected}", tok.pos, self.text
        )

    def string(self, tok: Token) -> str:
        try:
            return unquote(tok.val)
        except ValueError as err:
            raise ParseError(str(err), tok.pos, self.text) from None

    def parse(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        while not (self.peek().kind == PUNCT and self.peek().val == "}"):
            pairs.append(self.item())
            tok = self.peek()
            if tok.kind == PUNCT and tok.val == ",":
                self.k += 1
            elif not (tok.kind == PUNCT and tok.val == "}"):
                raise self.unexpected('"," or "}"')
        return pairs

    def item(self) -> tuple[str, str]:
        tok = self.peek()
        if tok.kind not in (IDENT, STRING):
            raise self.unexpected('identifier or "}"')
        self.k += 1
        name = tok.val if tok.kind == IDENT else self.string(tok)
        eq = self.peek()
        if tok.kind == STRING and eq.kind == PUNCT and eq.val in (",", "}"):
            return METRIC_NAME, name  # Prometheus 3: a lone quoted string is the name
        if not (eq.kind == PUNCT and eq.val == "="):
            raise self.unexpected('"="')
        self.k += 1
        value = self.peek()
        if value.kind != STRING:
            raise self.unexpected("string")
        self.k += 1
        return name, self.string(value)


class _Values:
    """Space-separated value items, expanded."""

    def __init__(self, text: str, start: int, histograms: bool = False) -> None:
        self.text = text
        self.i = start
        self.count = 0  # values expanded so far, for MAX_SERIES_VALUES
        self.histograms = histograms

    def error(self, msg: str, pos: int) -> ParseError:
        return ParseError(msg, pos, self.text)

    def parse(self) -> SeriesValues:
        # Without ``histograms`` no item is a histogram, so the values are floats or None.
        return cast(SeriesValues, self.parse_mixed())

    def parse_mixed(self) -> MixedValues:
        text, n = self.text, len(self.text)
        out: MixedValues = []
        while True:
            while self.i < n and text[self.i] in _SPACE:
                self.i += 1
            if self.i >= n:
                return out
            if text.startswith("{{", self.i):
                if not self.histograms:
                    raise NativeHistogramUnsupported(
                        "native histogram series values ({{...}}) are not supported: "
                        f"{text[self.i : self.i + 40]!r}"
                    )
                hists, self.i = parse_histogram_item(text, self.i, MAX_SERIES_VALUES - len(out))
                out.extend(hists)
            else:
                out.extend(self.item())
            self.count = len(out)
            if self.i < n and text[self.i] not in _SPACE:
                _unexpected_value_char(text, self.i)

    def item(self) -> SeriesValues:
        text, start = self.text, self.i
        if text.startswith("_", start) and not (
            start + 1 < len(text) and is_alnum(text[start + 1]) and text[start + 1] != "x"
        ):
            self.i += 1
            if self.at_times():
                return [None] * self.repetitions()
            return [None]
        first = self.value(allow_stale=True)
        if self.at_times():
            return [first] * (self.repetitions() + 1)
        if self.i < len(text) and text[self.i] in "+-":
            step = self.value(allow_stale=False)
            if not self.at_times():
                raise self.unexpected_here()
            count = self.repetitions()
            values: SeriesValues = []
            current = first
            for _ in range(count + 1):
                values.append(current)
                current += step  # step by step, as Prometheus does (same rounding)
            return values
        return [first]

    def at_times(self) -> bool:
        if self.i < len(self.text) and self.text[self.i] == "x":
            self.i += 1
            return True
        return False

    def repetitions(self) -> int:
        start = self.i
        while self.i < len(self.text) and self.text[self.i] in "0123456789":
            self.i += 1
        digits = self.text[start : self.i]
        if not digits:
            raise self.unexpected_here()
        if self.i < len(self.text) and self.text[self.i] not in _SPACE:
            _unexpected_value_char(self.text, self.i)
        reps = int(digits)
        self.count += reps + 1
        if self.count > MAX_SERIES_VALUES:
            raise self.error(
                f"series expands to more than {MAX_SERIES_VALUES:,} values (x{digits} here): "
                "use fewer repetitions or a longer interval between samples",
                start,
            )
        return reps

    def value(self, *, allow_stale: bool) -> float:
        """A signed number, Inf/NaN, a duration (as seconds), or ``stale``."""
        text, n = self.text, len(self.text)
        start = self.i
        sign = 1.0
        if self.i < n and text[self.i] in "+-":
            sign = -1.0 if text[self.i] == "-" else 1.0
            self.i += 1
        body = self.i
        if self.i < n and is_alpha(text[self.i]):
            word = self.word(start, body, allow_stale=allow_stale and sign > 0)
            # No arithmetic on the stale marker: it would quiet the signalling NaN.
            return word if sign > 0 else -word
        end, ok = scan_number(text, body, allow_hex=False)
        if end == body:
            if self.i >= n:
                raise self.error("unexpected end of input in series values", self.i)
            _unexpected_value_char(text, self.i)
        self.i = end
        if self.i < n and text[self.i] in "smhdwy":
            return sign * self.duration(body)
        if not ok:
            raise self.error(f"bad number syntax: {go_quote(text[body:end])}", start)
        return sign * parse_number(text[body:end], body, text)

    def word(self, start: int, body: int, *, allow_stale: bool) -> float:
        text, n = self.text, len(self.text)
        while self.i < n and is_alnum(text[self.i]) and text[self.i] != "x":
            self.i += 1
        word = text[body : self.i]
        low = word.lower()
        if low in ("inf", "nan"):
            return float(low)
        if low == "stale" and allow_stale:
            return STALE_NAN
        while self.i < n and is_alnum(text[self.i]):
            self.i += 1
        word = text[body : self.i]
        raise self.error(
            f'unexpected identifier {go_quote(word)} in series values, expected number or "stale"',
            body,
        )

    def duration(self, body: int) -> float:
        text, n = self.text, len(self.text)
        while self.i < n and (text[self.i] in "0123456789smhdwy"):
            self.i += 1
        try:
            return parse_duration(text[body : self.i]) / 1000
        except ValueError as err:
            raise self.error(str(err), body) from None

    def unexpected_here(self) -> ParseError:
        """promtool's generic error for a malformed item: names the next token."""
        if self.i >= len(self.text):
            return self.error("unexpected end of input in series values", self.i)
        char = self.text[self.i]
        if char in _SPACE:
            return self.error("unexpected <space> in series values", self.i)
        return self.error(f"unexpected character in series sequence: {go_quote_rune(char)}", self.i)


def _unexpected_value_char(text: str, pos: int) -> NoReturn:
    raise ParseError(
        f"unexpected character in series sequence: {go_quote_rune(text[pos])}", pos, text
    )
