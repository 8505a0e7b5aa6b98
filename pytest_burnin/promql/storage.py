"""The in-memory series store every metric source loads into and the engine reads.

Samples are kept per series as two parallel Python lists (timestamps in integer
milliseconds, float values) sorted by time, so the evaluator finds any window
with ``bisect``. Staleness markers are the special NaN Prometheus uses
(bit pattern 0x7ff0000000000002) and are told apart with ``is_stale``.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, MutableSequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .ast import Matcher, MatchType
from .goregex import full_match
from .labels import METRIC_NAME, Labels, get

if TYPE_CHECKING:
    from .float_histogram import FloatHistogram

# A series' timestamps (ms) and values: lists, or arrays for bulk-loaded series.
Times = MutableSequence[int]
Values = MutableSequence[float]

_STALE_BITS = 0x7FF0000000000002
STALE_NAN: float = struct.unpack(">d", _STALE_BITS.to_bytes(8, "big"))[0]
_STALE_BYTES = struct.pack(">d", STALE_NAN)
# The marker is a signalling NaN; any float arithmetic on it (even ``1 * x``)
# sets the quiet bit, giving 0x7ff8000000000002. That payload is still only
# ever the marker (arithmetic NaNs have payload 0), so both forms count.
_QUIET_STALE_BYTES = struct.pack(">Q", _STALE_BITS | 0x0008000000000000)


# Where a series holds a native histogram sample, ``vs`` holds this NaN (its
# own payload, never produced by arithmetic on floats) and ``hists`` the histogram.
HISTOGRAM_NAN: float = struct.unpack(">d", (0x7FF0000000000003).to_bytes(8, "big"))[0]
_HISTOGRAM_BYTES = struct.pack(">d", HISTOGRAM_NAN)


def is_histogram(value: float) -> bool:
    """True for the placeholder of a native histogram sample."""
    return value != value and struct.pack(">d", value) == _HISTOGRAM_BYTES


def is_stale(value: float) -> bool:
    """True for Prometheus' staleness marker (and only for it, not any NaN)."""
    if value == value:
        return False
    b = struct.pack(">d", value)
    return b in (_STALE_BYTES, _QUIET_STALE_BYTES)


def matches(matcher: Matcher, value: str, dotall: bool = True) -> bool:
    """Whether ``matcher`` accepts ``value``; regexes are fully anchored RE2 (goregex).

    ``dotall``: Prometheus 3 lets ``.`` match a newline, 2.x does not.
    """
    t = matcher.type
    if t is MatchType.EQUAL:
        return value == matcher.value
    if t is MatchType.NOT_EQUAL:
        return value != matcher.value
    hit = full_match(matcher.value, value, dotall)
    return hit if t is MatchType.REGEX else not hit


@dataclass
class Series:
    labels: Labels
    # Lists as samples arrive one by one; ``array('q')``/``array('d')`` when a
    # whole series is loaded at once (``Storage.load``): 16 bytes a sample
    # instead of about 70, and numpy reads them without a copy.
    ts: Times = field(default_factory=list)
    vs: Values = field(default_factory=list)
    # Native histogram samples by timestamp (their ``vs`` entry is HISTOGRAM_NAN).
    hists: dict[int, FloatHistogram] | None = None

    # Start timestamps by sample timestamp (Prometheus 3's experimental ``@st``
    # load lines); native-histogram rate/irate/resets read them.
    sts: dict[int, int] | None = None
    # Samples in the current histogram chunk (the counter reset hint depends on it).
    chunk_len: int = 0

    def append_histogram(self, t: int, h: FloatHistogram) -> None:
        from .histogram_hints import stored_hint

        if self.hists is None:
            self.hists = {}
        prev = None
        if self.ts and self.ts[-1] < t and is_histogram(self.vs[-1]):
            prev = self.hists.get(self.ts[-1])
        h, self.chunk_len = stored_hint(prev, self.chunk_len, h)
        self.hists[t] = h
        self.append(t, HISTOGRAM_NAN)

    def append(self, t: int, v: float) -> None:
        if self.hists and t in self.hists and not is_histogram(v):
            del self.hists[t]
        if not self.ts or t > self.ts[-1]:
            self.ts.append(t)
            self.vs.append(v)
            return
        i = bisect_left(self.ts, t)
        if i < len(self.ts) and self.ts[i] == t:
            self.vs[i] = v  # a later write for the same timestamp wins
            return
        insort(self.ts, t)
        self.vs.insert(i, v)

    def window(self, start_excl: int, end_incl: int) -> tuple[int, int]:
        """Index range [lo, hi) of samples with start_excl < t <= end_incl."""
        ts = self.ts
        lo = bisect_left(ts, start_excl + 1)
        hi = bisect_left(ts, end_incl + 1, lo)
        return lo, hi


class Storage:
    """Series by label set, with a metric-name index for selection."""

    def __init__(self) -> None:
        self._series: dict[Labels, Series] = {}
        self._by_name: dict[str, list[Series]] = {}
        # Bumped whenever the set of series changes, so selections can be cached.
        self.generation = 0
        # Whether any native histogram was stored: float-only queries skip every
        # histogram check when it is False.
        self.has_histograms = False

    def __len__(self) -> int:
        return len(self._series)

    def __iter__(self) -> Iterator[Series]:
        return iter(self._series.values())

    def get_or_create(self, labels: Labels) -> Series:
        s = self._series.get(labels)
        if s is None:
            s = Series(labels)
            self.generation += 1
            self._series[labels] = s
            self._by_name.setdefault(get(labels, METRIC_NAME), []).append(s)
        return s

    def append(self, labels: Labels, t: int, v: float) -> None:
        self.get_or_create(labels).append(t, v)

    def append_histogram(self, labels: Labels, t: int, h: FloatHistogram) -> None:
        self.has_histograms = True
        self.get_or_create(labels).append_histogram(t, h)

    def load(self, labels: Labels, ts: Times, vs: Values) -> None:
        """A whole new series at once, kept as given (strictly increasing times,
        float values; typically ``array('q')``/``array('d')``). A series that
        already exists takes the samples one by one."""
        if labels in self._series:
            self.extend(labels, zip(ts, vs, strict=True))
            return
        s = self.get_or_create(labels)
        s.ts, s.vs = ts, vs

    def extend(self, labels: Labels, samples: Iterable[tuple[int, float]]) -> None:
        s = self.get_or_create(labels)
        for t, v in samples:
            s.append(t, v)

    def clear(self) -> None:
        self.generation += 1
        self._series.clear()
        self._by_name.clear()

    def select(self, matchers: list[Matcher], dotall: bool = True) -> list[Series]:
        """Every series all matchers accept (a missing label matches as "")."""
        candidates: Iterable[Series]
        name_eq = next(
            (m for m in matchers if m.name == METRIC_NAME and m.type is MatchType.EQUAL), None
        )
        if name_eq is not None:
            candidates = self._by_name.get(name_eq.value, [])
        else:
            candidates = self._series.values()
        out = []
        for s in candidates:
            lab = s.labels
            if all(matches(m, get(lab, m.name), dotall) for m in matchers):
                out.append(s)
        return out

    def time_bounds(self) -> tuple[int, int] | None:
        """(first, last) sample timestamp over all series, or None when empty."""
        lo, hi = math.inf, -math.inf
        for s in self._series.values():
            if s.ts:
                lo = min(lo, s.ts[0])
                hi = max(hi, s.ts[-1])
        if lo is math.inf:
            return None
        return int(lo), int(hi)
