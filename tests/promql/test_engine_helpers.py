"""Unit tests for the engine's helpers: Go float semantics, RE2 translation, hashing, speed."""

from __future__ import annotations

import math
import re
import time

import pytest

from pytest_burnin.promql import gomath
from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.labels import labels_from
from pytest_burnin.promql.limit_hash import xxh64
from pytest_burnin.promql.re2 import compile_anchored, translate
from pytest_burnin.promql.storage import STALE_NAN, Storage, is_stale


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (0.1, "0.1"),
        (1e21, "1000000000000000000000"),
        (1.5e-7, "0.00000015"),
        (-2.5, "-2.5"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
        (math.nan, "NaN"),
    ],
)
def test_format_float_matches_go_f_minus_one(value: float, text: str) -> None:
    assert gomath.format_float(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(2.0, "2"), (-1.1, "-1.1"), (1e6, "1e+06"), (1e-5, "1e-05")]
)
def test_format_g_matches_go(value: float, text: str) -> None:
    assert gomath.format_g(value) == text


def test_openmetrics_label_values() -> None:
    assert [gomath.format_openmetrics(v) for v in (0.0, 1.0, 0.25, math.inf)] == [
        "0.0",
        "1.0",
        "0.25",
        "+Inf",
    ]


def test_ieee_arithmetic_never_raises() -> None:
    assert gomath.div(1.0, -0.0) == -math.inf
    assert math.isnan(gomath.mod(1.0, 0.0))
    assert gomath.pow_(0.0, -1.0) == math.inf
    assert gomath.pow_(-8.0, 1 / 3) != gomath.pow_(-8.0, 1 / 3)  # NaN
    assert gomath.log(0.0) == -math.inf
    assert gomath.guarded("atanh", 1.0) == math.inf


def test_almost_equal_is_relative() -> None:
    assert gomath.almost_equal(1e9, 1e9 + 1, 1e-6)
    assert not gomath.almost_equal(1.0, 1.01, 1e-6)
    assert gomath.almost_equal(math.nan, math.nan, 1e-6)


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        ("((?i)PRO).*", "((?i:PRO)).*"),
        ("a(?i)b|c", "a(?i:b)|(?i:c)"),
        ("[[:digit:]]+", "[0-9]+"),
        ("x\\z", "x\\Z"),
    ],
)
def test_re2_translation(pattern: str, python: str) -> None:
    assert translate(pattern) == python


def test_regex_dot_matches_newline_only_in_prometheus_3() -> None:
    assert compile_anchored("a.b").match("a\nb")
    assert not compile_anchored("a.b", dotall=False).match("a\nb")
    assert not compile_anchored("ab").match("abc")  # fully anchored
    assert isinstance(compile_anchored("x"), re.Pattern)


@pytest.mark.parametrize(
    ("data", "digest"),
    [
        (b"", 0xEF46DB3751D8E999),
        (b"a", 0xD24EC4F1A98C6E5B),
        (b"abc", 0x44BC2CF5AD770999),
    ],
)
def test_xxh64_known_vectors(data: bytes, digest: int) -> None:
    assert xxh64(data) == digest


def test_limit_ratio_halves_are_complementary() -> None:
    s = Storage()
    for i in range(50):
        s.append(labels_from({"__name__": "m", "i": str(i)}), 0, 1.0)
    e = Engine(s)
    pos = {x.labels for x in e.instant("limit_ratio(0.5, m)", 0)}  # type: ignore[union-attr]
    neg = {x.labels for x in e.instant("limit_ratio(-0.5, m)", 0)}  # type: ignore[union-attr]
    assert not pos & neg
    assert len(pos | neg) == 50


def test_quieted_staleness_marker_still_counts() -> None:
    assert is_stale(STALE_NAN)
    assert is_stale(1.0 * STALE_NAN)  # arithmetic sets the quiet bit
    assert not is_stale(math.nan)


def test_thirty_days_of_minutes_increase_is_fast() -> None:
    """The SLO shape: sum(increase(x[14d])) over 43,200-point series, many evaluations."""
    s = Storage()
    n = 43_200
    for k in range(4):
        series = s.get_or_create(labels_from({"__name__": "x_total", "k": str(k)}))
        series.ts.extend(i * 60_000 for i in range(n))
        series.vs.extend(float(i % 5000) for i in range(n))
    e = Engine(s)
    end = (n - 1) * 60_000
    started = time.perf_counter()
    e.instant("sum(increase(x_total[14d]))", end)  # builds the per-series caches
    for i in range(200):
        e.instant("sum(increase(x_total[14d]))", end - i * 60_000)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0, f"201 evaluations took {elapsed:.2f}s"
