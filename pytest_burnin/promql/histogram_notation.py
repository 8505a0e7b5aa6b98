"""The native-histogram series notation of promtool tests and PromQL scripts.

``{{schema:1 sum:-0.3 count:3.1 z_bucket:7.1 z_bucket_w:0.05 buckets:[5.1 10 7]
offset:-3 n_buckets:[4.1 5] n_offset:-5 counter_reset_hint:gauge}}``: every
key optional, each at most once; ``buckets`` are absolute counts starting at
bucket index ``offset``; ``custom_values:[...]`` gives the bounds of schema
-53 (custom buckets). Expanding items, as Prometheus' grammar has them:

- ``{{h}}xN``: N+1 copies of h;
- ``{{a}}+{{b}}xN`` / ``{{a}}-{{b}}xN``: a, a+b, a+2b, ... (N+1 values).

``parse_histogram_item`` reads one item at a position in a series line and
returns the expanded histograms, each paired with whether the text named a
counter reset hint (promqltest compares the hint only then).
"""

from __future__ import annotations

import itertools

from .float_histogram import CUSTOM_BUCKETS_SCHEMA, HINTS, FloatHistogram, HistogramError
from .lexer import ParseError
from .literals import parse_number

_INT_KEYS = ("schema", "offset", "n_offset")
_FLOAT_KEYS = ("sum", "count", "z_bucket", "z_bucket_w")
_LIST_KEYS = ("buckets", "n_buckets", "custom_values")
_KEYS = (*_INT_KEYS, *_FLOAT_KEYS, *_LIST_KEYS, "counter_reset_hint")

HistogramValue = tuple[FloatHistogram, bool]  # (histogram, counter reset hint given)


def parse_histogram_item(text: str, pos: int, max_values: int) -> tuple[list[HistogramValue], int]:
    """One ``{{...}}`` item (with ``xN`` / ``+{{...}}xN`` / ``-{{...}}xN``) at ``pos``.

    Returns the expanded values and the position after the item.
    """
    base, hint_set, i = parse_histogram(text, pos)
    if i < len(text) and text[i] == "x":
        reps, i = _repetitions(text, i + 1, max_values)
        return [(base, hint_set)] * (reps + 1), i
    if i < len(text) and text[i] in "+-" and text.startswith("{{", i + 1):
        sign = text[i]
        inc, inc_hint, i = parse_histogram(text, i + 1)
        if not (i < len(text) and text[i] == "x"):
            raise ParseError('unexpected character in series sequence: expected "x"', i, text)
        reps, i = _repetitions(text, i + 1, max_values)
        out: list[HistogramValue] = [(base, inc_hint)]
        cur = base
        for _ in range(reps):
            if cur.schema > inc.schema:
                raise ParseError(
                    f"error combining histograms: cannot merge from schema {inc.schema} "
                    f"to {cur.schema}",
                    pos,
                    text,
                )
            try:
                cur = (cur.add(inc) if sign == "+" else cur.sub(inc))[0]
            except HistogramError as err:
                raise ParseError(f"error combining histograms: {err}", pos, text) from None
            out.append((cur, inc_hint))
        return out, i
    return [(base, hint_set)], i


def _repetitions(text: str, i: int, max_values: int) -> tuple[int, int]:
    start = i
    while i < len(text) and text[i].isdigit():
        i += 1
    if i == start:
        raise ParseError("unexpected end of input in series values", i, text)
    reps = int(text[start:i])
    if reps + 1 > max_values:
        raise ParseError(
            f"series expands to more than {max_values:,} values (x{reps} here): "
            "use fewer repetitions or a longer interval between samples",
            start,
            text,
        )
    return reps, i


def parse_histogram(text: str, pos: int) -> tuple[FloatHistogram, bool, int]:
    """One ``{{...}}`` at ``pos``: the histogram, whether it names a hint, the end position."""
    if not text.startswith("{{", pos):
        raise ParseError('expected a histogram description "{{"', pos, text)
    end = text.find("}}", pos + 2)
    if end < 0:
        raise ParseError('histogram description incomplete: missing "}}"', pos, text)
    desc: dict[str, object] = {}
    i = pos + 2
    while i < end:
        if text[i] in " \t":
            i += 1
            continue
        key_start = i
        while i < end and (text[i].isalpha() or text[i] == "_"):
            i += 1
        key = text[key_start:i].lower()
        if key not in _KEYS:
            raise ParseError(
                f'bad histogram descriptor found: "{text[key_start:i] or text[i]}"', key_start, text
            )
        if i >= end or text[i] != ":":
            raise ParseError("missing `:` for histogram descriptor", i, text)
        i += 1
        if key in desc:
            raise ParseError(f'duplicate key "{key}" in histogram', key_start, text)
        if key in _LIST_KEYS:
            if i >= end or text[i] != "[":
                raise ParseError(f'expected "[" after {key}:', i, text)
            close = text.find("]", i)
            if close < 0 or close > end:
                raise ParseError(f'missing "]" in {key}', i, text)
            desc[key] = [_number(text, w, i) for w in text[i + 1 : close].split()]
            i = close + 1
            continue
        word_start = i
        while i < end and text[i] not in " \t":
            i += 1
        word = text[word_start:i]
        if key == "counter_reset_hint":
            if word.lower() not in HINTS:
                raise ParseError(
                    f'error parsing counter_reset_hint: unknown value "{word}"', word_start, text
                )
            desc[key] = word.lower()
        elif key in _INT_KEYS:
            try:
                desc[key] = int(word, 0)
            except ValueError:
                raise ParseError(
                    f'error parsing {key} number: "{word}"', word_start, text
                ) from None
        else:
            desc[key] = _number(text, word, word_start)
    h = _build(desc)
    _validate(h, text, pos)
    return h, "counter_reset_hint" in desc, end + 2


def _validate(h: FloatHistogram, text: str, pos: int) -> None:
    """What Prometheus' TSDB refuses to store, refused here with the position."""
    if h.schema != CUSTOM_BUCKETS_SCHEMA and not -4 <= h.schema <= 8:
        raise ParseError(
            f"histogram has an invalid schema {h.schema}: use -4 to 8, or -53 for custom buckets",
            pos,
            text,
        )
    if h.custom_values and not h.uses_custom_buckets:
        raise ParseError("custom_values need schema:-53 (custom buckets)", pos, text)
    bounds = h.custom_values
    if any(b <= a for a, b in itertools.pairwise(bounds)) or any(
        v != v or v == float("inf") for v in bounds
    ):
        raise ParseError(
            "custom_values must be finite and strictly increasing (+Inf is implied)", pos, text
        )


def _number(text: str, word: str, pos: int) -> float:
    try:
        return parse_number(word)
    except Exception:
        raise ParseError(f'error parsing number: "{word}"', pos, text) from None


def _build(desc: dict[str, object]) -> FloatHistogram:
    def num(key: str) -> float:
        v = desc.get(key, 0.0)
        assert isinstance(v, (int, float))
        return float(v)

    def ints(key: str) -> int:
        v = desc.get(key, 0)
        assert isinstance(v, int)
        return v

    def floats(key: str) -> list[float]:
        v = desc.get(key, [])
        assert isinstance(v, list)
        return [float(x) for x in v]

    hint = desc.get("counter_reset_hint", "unknown")
    assert isinstance(hint, str)
    offset, n_offset = ints("offset"), ints("n_offset")
    return FloatHistogram(
        schema=ints("schema"),
        zero_threshold=num("z_bucket_w"),
        zero_count=num("z_bucket"),
        count=num("count"),
        sum=num("sum"),
        positive={offset + k: c for k, c in enumerate(floats("buckets"))},
        negative={n_offset + k: c for k, c in enumerate(floats("n_buckets"))},
        counter_reset_hint=hint,
        custom_values=tuple(floats("custom_values")),
    )
