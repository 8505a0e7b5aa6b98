"""The evaluator's internal value types.

They differ from the public ones in ``values.py`` in two ways that matter for
speed and semantics:

* an instant-vector element carries a ``drop`` flag: Prometheus 3 removes the
  metric name lazily ("delayed name removal"), at the end of the query, so that
  ``sum by (__name__) (rate(x[5m]))`` and ``label_replace(..., "__name__", ...)``
  still see it. In compat=2 mode the name is removed at once and the flag
  stays False.
* a range-vector series is a window ``[lo, hi)`` into shared timestamp/value
  lists, so a 14-day window over 1-minute data costs two bisections, not
  20,000 tuples.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from .labels import Labels
from .values import QueryError

if TYPE_CHECKING:
    from .float_histogram import FloatHistogram


class CorrectionSource(Protocol):
    def corrections(self, vs: Sequence[float]) -> list[float]: ...

    def reset_counts(self, vs: Sequence[float]) -> list[int]: ...


# Labels Prometheus 3 treats as metric metadata: removed with the metric name.
METADATA_LABELS = frozenset({"__name__", "__type__", "__unit__"})


def drop_metadata(labels: Labels) -> Labels:
    return tuple(p for p in labels if p[0] not in METADATA_LABELS)


class El:
    """One instant-vector element: a float ``v``, or a native histogram ``h`` (then v is 0)."""

    __slots__ = ("drop", "h", "labels", "v")

    def __init__(
        self, labels: Labels, v: float, drop: bool = False, h: FloatHistogram | None = None
    ) -> None:
        self.labels = labels
        self.v = v
        self.drop = drop
        self.h = h

    def __repr__(self) -> str:
        return f"El({self.labels!r}, {self.h or self.v!r}, drop={self.drop})"


class IVector(list[El]):
    """An instant vector during evaluation."""


class RangeSeries:
    """One series of a range vector: samples ``ts[lo:hi]``/``vs[lo:hi]`` (no stale markers).

    ``start``/``end`` are the window's bounds in ms (``end`` is the reference
    time after offset and ``@``), which rate() extrapolates towards.
    """

    __slots__ = (
        "cache",
        "drop",
        "end",
        "hi",
        "hpoints",
        "hsts",
        "labels",
        "lo",
        "mode",
        "prefix",
        "start",
        "ts",
        "vs",
    )

    def __init__(
        self,
        labels: Labels,
        ts: Sequence[int],
        vs: Sequence[float],
        lo: int,
        hi: int,
        start: int,
        end: int,
        drop: bool = False,
        mode: str | None = None,
        cache: CorrectionSource | None = None,
    ) -> None:
        self.labels = labels
        # "anchored"/"smoothed": [lo, hi) is the extended fetch range (see extended.py).
        self.mode = mode
        # Where stored series get their reset-correction prefix arrays from
        # (None for subquery results, which are read once).
        self.cache = cache
        self.ts = ts
        self.vs = vs
        self.lo = lo
        self.hi = hi
        self.start = start
        self.end = end
        self.drop = drop
        # Native histogram samples of the window, in time order (ts/vs hold
        # only its float samples); None when the series has none.
        self.hpoints: list[tuple[int, FloatHistogram]] | None = None
        # Start timestamps of those histogram samples (0: unknown), when stored.
        self.hsts: list[int] | None = None
        # Exact integer prefix sums of ``vs`` and of its magnitudes, when every value
        # is an integer (remembered subquery steps: subquery_memo.py); else None.
        self.prefix: tuple[list[int], list[int]] | None = None

    def __len__(self) -> int:
        return self.hi - self.lo

    def values(self) -> list[float]:
        vs = self.vs[self.lo : self.hi]
        return vs if isinstance(vs, list) else list(vs)  # an array('d') slice: a list

    def times(self) -> list[int]:
        ts = self.ts[self.lo : self.hi]
        return ts if isinstance(ts, list) else list(ts)


class RangeVec(list[RangeSeries]):
    """A range vector during evaluation."""


EvalValue = float | str | IVector | RangeVec


def arg_vec(v: EvalValue) -> IVector:
    """A function argument that must be an instant vector (the parser checked; this says so)."""
    if not isinstance(v, IVector):
        raise QueryError(f"expected instant vector argument, got {type(v).__name__}")
    return v


def arg_num(v: EvalValue) -> float:
    if not isinstance(v, float):
        raise QueryError(f"expected scalar argument, got {type(v).__name__}")
    return v


def arg_str(v: EvalValue) -> str:
    if not isinstance(v, str):
        raise QueryError(f"expected string argument, got {type(v).__name__}")
    return v
