"""Subquery steps remembered across the evaluations of a forward simulation.

A rule such as Sloth's ``sum_over_time((count(x < 0.75))[3d:])`` re-evaluates its
inner query at every step of a three-day window at every rule evaluation:
simulating three days at one-minute steps costs tens of millions of inner
evaluations, though each inner value, once its time has passed, never changes.
Within one query the evaluator already memoises inner steps; this memo keeps
them across queries, for as long as a simulation runs.

It is exact under a contract the simulation keeps (``simulation/run.py``):
samples are appended in time order, each at or before the time being
evaluated and after every earlier evaluation time, except the rules' own
outputs, which are written at the evaluation time. An inner query's value at
step ``st`` reads samples at or before ``st`` only, so it is final once the
samples up to ``st`` are in, provided the inner query

* selects only series by a fixed metric name that no rule writes (``volatile``),
* reads only at or before its time (``reads.time_safe``: no ``@``, no negative
  offset, no ``anchored``/``smoothed`` modifier, no ``step()``/``range()``
  durations, no ``info()``).

Values are kept per label set as time-ordered lists with exact integer prefix
sums while every value is an integer, so ``sum_over_time`` over a window is one
subtraction, and equal to Prometheus' Kahan sum, which is exact on integers
whose partial sums stay below 2^53 (``rangefuncs`` checks that bound).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import ast
from .evaltypes import IVector, RangeSeries, RangeVec
from .labels import METRIC_NAME, Labels
from .reads import referenced_metrics, time_safe

if TYPE_CHECKING:
    from ..rules.rulefile import RuleGroup
    from .evaluator import Evaluator

# Beyond this many points before the oldest window still read, a track drops them.
_TRIM_SLACK = 4096
# Magnitudes above this leave the prefix sums (a window's sum must stay exact).
_EXACT = 2.0**52


class _Points:
    """One label set's inner values, in time order, with integer prefix sums."""

    __slots__ = ("drop", "order", "prefix", "ts", "vs")

    def __init__(self, drop: bool) -> None:
        self.drop = drop
        self.ts: list[int] = []
        self.vs: list[float] = []
        # Each point's place in the inner vector at its step: the usual path orders
        # a window's series by their first step, then by that place.
        self.order: list[int] = []
        # (pre, pre_abs): pre[i] is the sum of vs[:i], pre_abs of their magnitudes;
        # None once a value is not an exact integer.
        self.prefix: tuple[list[int], list[int]] | None = ([0], [0])

    def add(self, t: int, v: float, order: int = 0) -> None:
        self.ts.append(t)
        self.vs.append(v)
        self.order.append(order)
        if self.prefix is None:
            return
        if v == v and abs(v) < _EXACT and v.is_integer():
            pre, pre_abs = self.prefix
            n = int(v)
            pre.append(pre[-1] + n)
            pre_abs.append(pre_abs[-1] + abs(n))
        else:
            self.prefix = None

    def trim(self, before: int) -> None:
        k = bisect_left(self.ts, before)
        if k:
            del self.ts[:k], self.vs[:k], self.order[:k]
            if self.prefix is not None:
                del self.prefix[0][:k], self.prefix[1][:k]


class _Track:
    """The inner values of one (inner query, step), over a contiguous run of steps."""

    def __init__(self, first: int) -> None:
        self.first = first  # earliest step held
        self.next = first  # next step to evaluate
        self.span = 0  # the longest window read so far
        self.points: dict[Labels, _Points] = {}


class SubqueryMemo:
    """Inner subquery steps shared by every query of one engine (see the module doc)."""

    def __init__(self, volatile: Iterable[str] = ()) -> None:
        self.volatile = frozenset(volatile)
        self._tracks: dict[tuple[str, int], _Track] = {}
        self._eligible: dict[int, tuple[ast.Expr, bool]] = {}
        self.hits = 0  # steps served from the memo (tests read it)
        self.evaluated = 0  # steps evaluated into the memo

    def eligible(self, inner: ast.Expr) -> bool:
        hit = self._eligible.get(id(inner))
        if hit is None or hit[0] is not inner:
            hit = self._eligible[id(inner)] = (inner, self._check(inner))
        return hit[1]

    def _check(self, inner: ast.Expr) -> bool:
        names = referenced_metrics(inner)
        return names is not None and not names & self.volatile and time_safe(inner)

    def window(
        self,
        ev: Evaluator,
        node: ast.SubqueryExpr,
        t: int,
        window: tuple[int, int, int, int],
    ) -> RangeVec | None:
        """The subquery's range vector from remembered steps; None: evaluate it as usual.

        ``t`` is the time the subquery is evaluated at; ``window`` its first step,
        reference time (after ``@`` and offset), start and step.
        """
        first, ref, start, step = window
        inner = node.expr
        # A reference time after t (``@``, a negative offset) reads samples not in yet.
        if ref > t or ev.histograms or not self.eligible(inner):
            return None
        key = (ev.text[inner.pos[0] : inner.pos[1]] or repr(inner), step)
        track = self._tracks.get(key)
        if track is None or first < track.first or first > track.next:
            # New, asked further back than it holds, or a gap since its last step:
            # start over from this window (once per longer window, not per step).
            track = self._tracks[key] = _Track(first)
        track.span = max(track.span, ref - first)
        st, fresh = track.next, 0
        while st <= ref:
            if not self._add(track, st, ev.eval(inner, st)):
                del self._tracks[key]
                self._eligible[id(inner)] = (inner, False)
                return None  # native histograms or a type error: the usual path
            fresh += 1
            st += step
        track.next = max(track.next, st)
        self.evaluated += fresh
        self.hits += max(0, (ref - first) // step + 1 - fresh)
        ev.subquery_work += fresh + 1
        oldest = ref - track.span
        if oldest - track.first > _TRIM_SLACK * step:
            for p in track.points.values():
                p.trim(oldest)
            track.first = oldest
        out: list[tuple[int, int, RangeSeries]] = []
        for labels, p in list(track.points.items()):
            ts = p.ts
            lo = bisect_left(ts, first)
            hi = bisect_right(ts, ref, lo)
            if hi > lo:
                rs = RangeSeries(labels, ts, p.vs, lo, hi, start, ref, p.drop)
                rs.prefix = p.prefix
                out.append((ts[lo], p.order[lo], rs))
            elif not ts or ts[-1] < oldest:
                del track.points[labels]  # gone from every window still read
        out.sort(key=lambda x: (x[0], x[1]))  # the usual path's order (see _Points.order)
        return RangeVec(rs for _, _, rs in out)

    @staticmethod
    def _add(track: _Track, st: int, val: object) -> bool:
        if isinstance(val, float):
            entry = track.points.get(())
            if entry is None:
                entry = track.points[()] = _Points(False)
            entry.add(st, val)
            return True
        if not isinstance(val, IVector):
            return False
        for i, el in enumerate(val):
            if el.h is not None:
                return False
            entry = track.points.get(el.labels)
            if entry is None:
                entry = track.points[el.labels] = _Points(el.drop)
            entry.add(st, el.v, i)
        return True


def volatile_names(groups: Iterable[RuleGroup]) -> set[str]:
    """Metric names the rules of ``groups`` write: their records, ALERTS, ALERTS_FOR_STATE."""
    names = {"ALERTS", "ALERTS_FOR_STATE"}
    for g in groups:
        for rule in g.rules:
            if not rule.is_alert:
                names.add(rule.name)
            renamed = rule.labels.get(METRIC_NAME)
            if renamed:
                names.add(renamed)
    return names
