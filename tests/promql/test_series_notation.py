"""promtool's series notation: label sets, expanding values, errors."""

from __future__ import annotations

import contextlib
import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_burnin.promql.lexer import ParseError
from pytest_burnin.promql.series_notation import parse_metric, parse_series, parse_series_values
from pytest_burnin.promql.storage import STALE_NAN, is_stale
from pytest_burnin.promql.values import NativeHistogramUnsupported


def test_metric_and_values() -> None:
    labels, values = parse_series('http_requests_total{job="api", code="200"} 1 2 3')
    assert labels == (("__name__", "http_requests_total"), ("code", "200"), ("job", "api"))
    assert values == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("up", (("__name__", "up"),)),
        ("up{}", (("__name__", "up"),)),
        ('{__name__="up", a="b"}', (("__name__", "up"), ("a", "b"))),
        ('{"my.metric", "a.b"="c"}', (("__name__", "my.metric"), ("a.b", "c"))),
        ('job:rate5m{a="b",}', (("__name__", "job:rate5m"), ("a", "b"))),
        ('{a="x\\"y\\n"}', (("a", 'x"y\n'),)),
        ('{a=""}', ()),
        ("{}", ()),
    ],
)
def test_parse_metric(text: str, labels: tuple[tuple[str, str], ...]) -> None:
    assert parse_metric(text) == labels


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("0+10x3", [0.0, 10.0, 20.0, 30.0]),
        ("10-2x2", [10.0, 8.0, 6.0]),
        ("1x2", [1.0, 1.0, 1.0]),
        ("5x0", [5.0]),
        ("1+1x0", [1.0]),
        ("-3-10x2", [-3.0, -13.0, -23.0]),
        ("+4 -6", [4.0, -6.0]),
        ("_", [None]),
        ("_x3", [None, None, None]),
        ("1 _ 3", [1.0, None, 3.0]),
        ("1.5e3 2E-1", [1500.0, 0.2]),
        ("Inf -Inf +inf", [math.inf, -math.inf, math.inf]),
        ("0x5", [0.0] * 6),  # hex is off in series: "0x5" is 0 repeated
        ("1 2 3    ", [1.0, 2.0, 3.0]),
        ("", []),
        ("1m", [60.0]),
    ],
)
def test_values(text: str, values: list[float | None]) -> None:
    assert parse_series_values(text) == values


def test_nan_and_stale() -> None:
    nan, stale, nanx = parse_series_values("NaN stale NaNx1")[:3]
    assert nan is not None and math.isnan(nan) and not is_stale(nan)
    assert stale is not None and is_stale(stale)
    assert nanx is not None and math.isnan(nanx)
    bits = struct.pack(">d", STALE_NAN)
    assert parse_series_values("stale") == [pytest.approx(STALE_NAN, nan_ok=True)]
    assert struct.pack(">d", parse_series_values("stale")[0] or 0.0) == bits


def test_expansion_adds_step_by_step_like_prometheus() -> None:
    # Repeated addition, not a + i*b: float rounding must match promtool's exactly.
    values = parse_series_values("0+0.1x10")
    expected: list[float | None] = []
    current = 0.0
    for _ in range(11):
        expected.append(current)
        current += 0.1
    assert values == expected
    assert values[3] == 0.30000000000000004


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'up{job="prometheus", instance="localhost:9090" 0+0x1440',
            "1:48: parse error: unexpected character inside braces: '0'",
        ),
        (
            "up 1 foo",
            '1:6: parse error: unexpected identifier "foo" in series values, expected number or "stale"',
        ),
        ("up 1+1", "1:7: parse error: unexpected end of input in series values"),
        ("up -3-3 -3", "1:8: parse error: unexpected <space> in series values"),
        ("up 3+3x4-4", "1:9: parse error: unexpected character in series sequence: '-'"),
        ("up 1 ! 2", "1:6: parse error: unexpected character in series sequence: '!'"),
        ("up{a=1} 1", "1:6: parse error: unexpected character inside braces: '1'"),
        ("up{a} 1", '1:5: parse error: unexpected "}" in label set, expected "="'),
        (
            'up{a="b" c="d"} 1',
            '1:10: parse error: unexpected identifier "c" in label set, expected "," or "}"',
        ),
        ("up{", "1:4: parse error: unexpected end of input inside braces"),
        ("up 1.5h", '1:4: parse error: not a valid duration string: "1.5h"'),
        ("", "1:1: parse error: unexpected end of input"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_series(text)
    assert str(info.value) == message


def test_parse_metric_rejects_trailing_text() -> None:
    with pytest.raises(ParseError, match=r"1:4: parse error: unexpected character: '1'"):
        parse_metric("up 1")


@pytest.mark.parametrize(
    "text",
    ["{{schema:0 sum:5 count:4 buckets:[1 2 1]}}", "1 {{schema:0 sum:1 count:1}}x3", "_ {{}}"],
)
def test_native_histograms_are_refused_not_misread(text: str) -> None:
    with pytest.raises(NativeHistogramUnsupported, match="native histogram"):
        parse_series(f'h{{le="1"}} {text}')


def test_multi_line_position() -> None:
    with pytest.raises(ParseError) as info:
        parse_series('up{a="b"}\n 1 2 x')
    assert (info.value.line, info.value.col) == (2, 6)


_finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(st.lists(_finite, max_size=10))
def test_plain_numbers_round_trip(numbers: list[float]) -> None:
    text = " ".join(repr(n) for n in numbers)
    assert parse_series_values(text) == numbers


@given(
    st.integers(-1000, 1000),
    st.integers(-1000, 1000),
    st.integers(0, 50),
)
def test_expanding_notation(start: int, step: int, count: int) -> None:
    sign = "+" if step >= 0 else "-"
    values = parse_series_values(f"{start}{sign}{abs(step)}x{count}")
    assert values == [float(start + i * step) for i in range(count + 1)]


@given(st.lists(st.sampled_from(["1", "_", "stale", "-2", "3x2", "_x2", "0+1x1"]), max_size=8))
def test_value_counts(items: list[str]) -> None:
    sizes = {"1": 1, "_": 1, "stale": 1, "-2": 1, "3x2": 3, "_x2": 2, "0+1x1": 2}
    assert len(parse_series_values(" ".join(items))) == sum(sizes[i] for i in items)


@given(st.text(max_size=30))
def test_only_parse_errors_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(ParseError, NativeHistogramUnsupported):
        parse_series(text)


def test_expansion_beyond_the_limit_is_a_located_error_not_a_memory_hog() -> None:
    import time

    from pytest_burnin.promql.series_notation import MAX_SERIES_VALUES

    started = time.perf_counter()
    for text in ("m 0+1x2000000000", "m 1 _x2000000000", "m 0x10000000 0x10000000"):
        with pytest.raises(ParseError, match=f"more than {MAX_SERIES_VALUES:,} values"):
            parse_series(text)
    assert time.perf_counter() - started < 5
    # The largest expansion seen in real test files (Wikimedia's) still loads.
    assert len(parse_series("m 0x10000000")[1]) == 10_000_001
