"""``promql_expr_test`` assertions where native histograms take part.

promtool compares each sample as (labels, value, histogram text): the
histogram side is ``TestExpression()`` of the result and of the
``exp_samples[].histogram`` notation (``{{schema:0 count:3 buckets:[1 2]}}``),
so the texts must be equal, counter reset hint included. A float sample has
an empty histogram text; a histogram sample has value 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..promql.float_histogram import FloatHistogram
from ..promql.labels import Labels
from ..promql.lexer import ParseError
from ..promql.series_notation import parse_metric, parse_series_mixed
from ..promql.values import QueryError, Scalar, Vector

if TYPE_CHECKING:
    from ..promql.engine import Engine
    from .testfile import ExpSample

Parsed = tuple[Labels, float, str]  # labels, value, histogram text ("" for a float)


def query_samples(engine: Engine, expr: str, t_ms: int) -> list[Parsed]:
    """The query's result as promtool reads it (raises QueryError/ParseError)."""
    val = engine.instant(expr, t_ms)
    if isinstance(val, Scalar):
        return [((), val.v, "")]
    if not isinstance(val, Vector):
        raise QueryError("rule result is not a vector or scalar")
    return [
        (s.labels, 0.0 if s.h is not None else s.v, "" if s.h is None else s.h.test_expression())
        for s in val
    ]


def expected_sample(s: ExpSample) -> Parsed:
    """One ``exp_samples`` entry (raises ParseError naming what is wrong)."""
    labels = parse_metric(s.labels) if s.labels.strip() else ()
    if not s.histogram:
        return labels, s.value, ""
    _, values = parse_series_mixed("{} " + s.histogram)
    if len(values) != 1:
        raise ParseError(f"expected 1 value, got {len(values)}", 0, s.histogram)
    value = values[0]
    if not isinstance(value, tuple):
        raise ParseError(f"expected histogram, got {value}", 0, s.histogram)
    h: FloatHistogram = value[0]
    return labels, s.value, h.test_expression()


def uses_histograms(samples: list[Parsed]) -> bool:
    return any(text for _, _, text in samples)
