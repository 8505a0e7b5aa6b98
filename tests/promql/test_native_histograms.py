"""Native histograms: the series notation, FloatHistogram arithmetic and the engine over them."""

from __future__ import annotations

import math

import pytest

from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.float_histogram import (
    CUSTOM_BUCKETS_SCHEMA,
    FloatHistogram,
    HistogramError,
    histograms_match,
)
from pytest_burnin.promql.lexer import ParseError
from pytest_burnin.promql.series_notation import parse_series_mixed
from pytest_burnin.promql.storage import Storage
from pytest_burnin.promql.values import Vector


def hist(text: str) -> FloatHistogram:
    _, values = parse_series_mixed("{} " + text)
    [value] = values
    assert isinstance(value, tuple)
    return value[0]


def test_notation_reads_every_key() -> None:
    h = hist(
        "{{schema:1 sum:-0.3 count:3.1 z_bucket:7.1 z_bucket_w:0.05 buckets:[5.1 10 7] "
        "offset:-3 n_buckets:[4.1 5] n_offset:-5 counter_reset_hint:gauge}}"
    )
    assert (h.schema, h.sum, h.count, h.zero_count, h.zero_threshold) == (1, -0.3, 3.1, 7.1, 0.05)
    assert h.positive == {-3: 5.1, -2: 10.0, -1: 7.0}
    assert h.negative == {-5: 4.1, -4: 5.0}
    assert h.counter_reset_hint == "gauge"


def test_notation_expands_repetitions_and_increments() -> None:
    labels, values = parse_series_mixed(
        'm{a="b"} {{count:1 buckets:[1]}}x2 _ {{count:1 buckets:[1]}}+{{count:2 buckets:[0 2]}}x2 7'
    )
    assert labels == (("__name__", "m"), ("a", "b"))
    hs = [v[0].test_expression() if isinstance(v, tuple) else v for v in values]
    assert hs == [
        "{{count:1 buckets:[1]}}",
        "{{count:1 buckets:[1]}}",
        "{{count:1 buckets:[1]}}",
        None,
        "{{count:1 buckets:[1]}}",
        "{{count:3 buckets:[1 2]}}",
        "{{count:5 buckets:[1 4]}}",
        7.0,
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{schema:0 foo:1}}", 'bad histogram descriptor found: "foo"'),
        ("{{count:1 count:2}}", 'duplicate key "count" in histogram'),
        ("{{count:1", "missing"),
        ("{{counter_reset_hint:maybe}}", "unknown value"),
        ("{{schema:9 count:1}}", "invalid schema 9"),
        ("{{schema:-53 custom_values:[2 1]}}", "strictly increasing"),
        ("{{schema:0 custom_values:[1]}}", "need schema:-53"),
    ],
)
def test_notation_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_series_mixed("m " + text)


def test_add_merges_schemas_and_zero_buckets() -> None:
    fine = hist("{{schema:1 count:4 sum:4 buckets:[1 1 1 1]}}")  # buckets 0..3 at schema 1
    coarse = hist("{{schema:0 count:2 sum:2 z_bucket:1 z_bucket_w:0.5 buckets:[1]}}")
    total, collision, reconciled = fine.add(coarse)
    assert total.schema == 0 and not collision and not reconciled
    # schema 1 bucket 0 covers (2^-0.5, 1]: above the zero threshold 0.5 -> schema-0 bucket 0.
    assert histograms_match(
        hist("{{count:6 sum:6 z_bucket:1 z_bucket_w:0.5 buckets:[2 2 1]}}"), total, False, 1e-9
    )


def test_mixing_custom_and_exponential_buckets_is_refused() -> None:
    custom = FloatHistogram(
        schema=CUSTOM_BUCKETS_SCHEMA, count=1, positive={0: 1.0}, custom_values=(1.0,)
    )
    with pytest.raises(HistogramError, match="mix of exponential and custom"):
        custom.add(hist("{{count:1 buckets:[1]}}"))


def test_comparison_ignores_empty_buckets_and_unnamed_hints() -> None:
    want = hist("{{count:2 buckets:[0 2 0]}}")
    got = hist("{{count:2 offset:1 buckets:[2] counter_reset_hint:not_reset}}")
    assert histograms_match(want, got, False, 1e-6)
    assert not histograms_match(
        hist("{{count:2 offset:1 buckets:[2] counter_reset_hint:reset}}"), got, True, 1e-6
    )
    assert not histograms_match(hist("{{count:2 buckets:[2]}}"), got, False, 1e-6)


def _engine(lines: dict[str, str], step_ms: int = 60_000) -> Engine:
    storage = Storage()
    for series, text in lines.items():
        labels, values = parse_series_mixed(f"{series} {text}")
        for i, v in enumerate(values):
            if isinstance(v, tuple):
                storage.append_histogram(labels, i * step_ms, v[0])
            elif v is not None:
                storage.append(labels, i * step_ms, v)
    return Engine(storage)


def _one(engine: Engine, query: str, t_ms: int) -> float | FloatHistogram:
    result = engine.instant(query, t_ms)
    assert isinstance(result, Vector) and len(result) == 1, result
    return result[0].h if result[0].h is not None else result[0].v


def test_stored_histograms_read_back_with_tsdb_counter_reset_hints() -> None:
    engine = _engine(
        {"h": "{{count:1 buckets:[1]}} {{count:2 buckets:[2]}} {{count:1 buckets:[1]}}"}
    )
    hints = [_one(engine, "h", t) for t in (0, 60_000, 120_000)]
    assert [h.counter_reset_hint for h in hints if isinstance(h, FloatHistogram)] == [
        "unknown",
        "not_reset",
        "unknown",  # a counter reset starts a new chunk
    ]


def test_rate_and_functions_over_a_histogram_counter() -> None:
    engine = _engine(
        {"h": "{{schema:0 sum:0 count:0 buckets:[0 0]}}+{{sum:6 count:6 buckets:[2 4]}}x10"}
    )
    rate = _one(engine, "rate(h[5m])", 600_000)
    assert isinstance(rate, FloatHistogram)
    assert rate.count == pytest.approx(0.1) and rate.positive == pytest.approx(
        {0: 2 / 60, 1: 4 / 60}
    )
    assert rate.counter_reset_hint == "gauge"
    assert _one(engine, "histogram_count(rate(h[5m]))", 600_000) == pytest.approx(0.1)
    assert _one(engine, "histogram_avg(h)", 600_000) == pytest.approx(1.0)
    # 20 observations in (0.5, 1], 40 in (1, 2]: the median is a quarter into (1, 2]
    # on a logarithmic scale.
    assert _one(engine, "histogram_quantile(0.5, h)", 600_000) == pytest.approx(2**0.25)
    assert _one(engine, "histogram_fraction(0, 1, h)", 600_000) == pytest.approx(1 / 3)


def test_arithmetic_and_aggregation_over_histograms() -> None:
    engine = _engine(
        {
            'h{i="1"}': "{{count:2 sum:3 buckets:[2]}}",
            'h{i="2"}': "{{count:4 sum:5 buckets:[1 3]}}",
        }
    )
    total = _one(engine, "sum(h)", 0)
    assert isinstance(total, FloatHistogram)
    assert (total.count, total.sum, total.compact().positive) == (6.0, 8.0, {0: 3.0, 1: 3.0})
    doubled = _one(engine, 'h{i="1"} * 2', 0)
    assert isinstance(doubled, FloatHistogram) and doubled.count == 4.0
    assert _one(engine, "count(h)", 0) == 2.0


def test_mixed_floats_and_histograms_warn_instead_of_answering() -> None:
    engine = _engine({"m": "1 {{count:1 buckets:[1]}} 3"})
    result = engine.instant("sum_over_time(m[5m])", 180_000)
    assert isinstance(result, Vector) and list(result) == []
    warnings, _ = engine.last_annotations
    assert warnings == [
        'PromQL warning: encountered a mix of histograms and floats for metric name "m" (1:15)'
    ]


def test_float_functions_drop_histogram_samples() -> None:
    engine = _engine({'m{k="f"}': "4", 'm{k="h"}': "{{count:1 buckets:[1]}}"})
    result = engine.instant("sqrt(m)", 0)
    assert isinstance(result, Vector)
    assert [(s.labels, s.v) for s in result] == [((("k", "f"),), 2.0)]
    assert _one(engine, 'histogram_count(m{k="h"})', 0) == 1.0
    assert math.isnan(_one(engine, 'histogram_avg(m{k="h"} * 0)', 0))  # 0/0


def test_buckets_at_the_edge_of_the_float_range_give_inf_not_a_python_error() -> None:
    engine = _engine({"h": "{{schema:0 count:5 offset:1022 buckets:[1 2 2]}}"})
    assert _one(engine, "histogram_quantile(0.9, h)", 0) == math.inf
    assert _one(engine, "histogram_stddev(h)", 0) == math.inf
    assert _one(engine, "histogram_fraction(0, 1e300, h)", 0) == 0.0
