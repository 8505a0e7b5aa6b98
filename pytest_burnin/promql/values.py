"""Query results: Scalar, String, Vector (instant) and Matrix (range), as in Prometheus' API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .labels import Labels

if TYPE_CHECKING:
    from .float_histogram import FloatHistogram


@dataclass(slots=True)
class Sample:
    labels: Labels
    t: int  # ms
    v: float
    h: FloatHistogram | None = None  # a native histogram sample (then v is 0)


@dataclass(slots=True)
class Scalar:
    t: int
    v: float


@dataclass(slots=True)
class String:
    t: int
    v: str


class Vector(list[Sample]):
    """An instant vector: one sample per series at one timestamp."""


@dataclass(slots=True)
class SeriesPoints:
    labels: Labels
    points: list[tuple[int, float]] = field(default_factory=list)
    hpoints: list[tuple[int, FloatHistogram]] = field(default_factory=list)


class Matrix(list[SeriesPoints]):
    """A range vector, or the result of a range query."""


Value = Scalar | String | Vector | Matrix


class QueryError(Exception):
    """A query that cannot be evaluated (Prometheus' runtime errors, same wording)."""


class NativeHistogramUnsupported(QueryError):
    """Raised where a native histogram is met: out of scope, never a wrong answer."""
