"""Gauges that drive an SLO's own queries to a chosen error ratio, by time share.

Pure core. Some SLIs read gauges, not counters: the share of minutes a Wi-Fi
satisfaction gauge spends under 0.75 (``count(g < 0.75)`` summed over a
subquery), or one minus its mean (``sum_over_time / count_over_time``). Their
error ratio over a window is the share of the window's samples that are bad.
So this module finds a good and a bad value (a constant good value measures
an error ratio of 0, a constant bad value 1, asked of the engine), and writes
a series that takes the bad value on a share ``r`` of the minutes, spread
evenly (as a line is drawn on a pixel grid), for any error ratio ``r``.

Such an SLI is as coarse as its samples: one bad minute in an hour is 1.7% of
that hour, so a page tier at 14.4 x 0.1% fires on the first bad minute of a
single gauge. Where the SLI counts gauges (``count(g < 0.75)``: clients), the
design uses several copies of each series (a ``burnin_copy`` label), as the
counter proofs use ample traffic, so that one bad sample stays below half of
every tier's threshold; the copies are kept only when the SLI measures them as
a share of samples too (an SLI of one gauge stays as coarse as it is, and the
checks report it with the reason).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from ..promql.labels import Labels
from .synth_probe import PROBE_MINUTES, Unsupported, measure

_TOLERANCE = 1e-9
_BASE_CANDIDATES = (1.0, 0.0, 0.5, 0.25, 0.75, 0.9, 0.99, 10.0, 100.0, -1.0)


@dataclass
class GaugeDesign:
    """Gauges that take ``bad`` on a share of the minutes and ``good`` on the rest."""

    labels: list[Labels]
    good: float
    bad: float
    copies: int = 1  # series per label set, told apart by a burnin_copy label

    def series(
        self, phases: list[tuple[int, float, float]], step_ms: int
    ) -> list[tuple[Labels, list[float | None]]]:
        if self.copies > 1:
            return self._population(phases, step_ms)
        values: list[float | None] = [self.good]
        for duration_ms, _traffic, ratio in phases:
            # Rounded up: a phase's first minute is bad, so every window that starts
            # with the phase holds at least its share of bad minutes, never less.
            done = 0
            for i in range(1, duration_ms // step_ms + 1):
                due = math.ceil(i * ratio - _TOLERANCE)
                values.append(self.bad if due > done else self.good)
                done = due
        return [(ls, list(values)) for ls in self.labels]

    def _population(
        self, phases: list[tuple[int, float, float]], step_ms: int
    ) -> list[tuple[Labels, list[float | None]]]:
        """Bad samples spread evenly over (minute, copy) slots, taking turns among copies."""
        n = self.copies
        columns: list[list[float | None]] = [[self.good] for _ in range(n)]
        turn = 0
        for duration_ms, _traffic, ratio in phases:
            done = 0
            for i in range(1, duration_ms // step_ms + 1):
                due = math.ceil(i * n * ratio - _TOLERANCE)
                bad_now = min(n, due - done)
                done = due
                bad = {(turn + j) % n for j in range(bad_now)}
                turn = (turn + bad_now) % n
                for k, column in enumerate(columns):
                    column.append(self.bad if k in bad else self.good)
        return [
            (tuple(sorted((*ls, ("burnin_copy", str(k))))), list(columns[k]))
            for ls in self.labels
            for k in range(n)
        ]


def gauge_design(
    num_query: str, total_query: str, num_is_bad: bool, labels: list[Labels], copies: int = 1
) -> GaugeDesign:
    """A good and a bad value for these gauges (queries with the probe window substituted);
    ``copies`` of each series where the SLI measures them as a share of samples."""
    found: dict[float, float] = {}
    for value in _candidates(num_query + " " + total_query):
        series = [(ls, [value] * (PROBE_MINUTES + 1)) for ls in labels]
        try:
            bad, total = measure(num_query, total_query, num_is_bad, series)
        except Unsupported:
            continue
        if total > _TOLERANCE:
            found[value] = bad / total
    good = next((v for v, r in found.items() if abs(r) < _TOLERANCE), None)
    bad_value = next((v for v, r in found.items() if abs(r - 1) < _TOLERANCE), None)
    if good is None or bad_value is None:
        raise Unsupported(
            "no constant value of the SLI's gauges measures an error ratio of both 0 and 1"
        )
    plan = GaugeDesign(labels, good, bad_value)
    # A half-bad minute pattern must measure half: the SLI is a share of samples.
    half = plan.series([(PROBE_MINUTES * 60_000, 0.0, 0.5)], 60_000)
    bad, total = measure(
        num_query, total_query, num_is_bad, [(ls, [v or 0.0 for v in vs]) for ls, vs in half]
    )
    if total <= _TOLERANCE or abs(bad / total - 0.5) > 0.11:  # 5-minute window: steps of 1/5
        raise Unsupported("the SLI's gauges are not judged by the share of bad samples")
    return _with_copies(plan, num_query, total_query, num_is_bad, copies)


def _with_copies(
    plan: GaugeDesign, num_query: str, total_query: str, num_is_bad: bool, copies: int
) -> GaugeDesign:
    """The plan with ``copies`` per series, if the SLI counts them as a share of samples."""
    if copies <= 1:
        return plan
    trial = replace(plan, copies=copies)
    share = 0.3
    pattern = trial.series([(PROBE_MINUTES * 60_000, 0.0, share)], 60_000)
    bad, total = measure(
        num_query, total_query, num_is_bad, [(ls, [v or 0.0 for v in vs]) for ls, vs in pattern]
    )
    # The 5-minute probe window holds 5 x copies samples.
    if total > _TOLERANCE and abs(bad / total - share) <= 1 / (5 * copies) + _TOLERANCE:
        return trial
    return plan


def copies_for(resolution: float, limit: int = 100) -> int:
    """Copies so that one bad sample is at most half a threshold ``resolution`` samples wide
    (a tier's factor x budget x its long window in samples)."""
    if resolution <= 0:
        return 1
    return max(1, min(limit, math.ceil(2 / resolution - _TOLERANCE)))


def _candidates(text: str) -> list[float]:
    """Values to try: round ones, and each number in the queries and just either side of it."""
    out = list(_BASE_CANDIDATES)
    for literal in re.findall(r"(?<![\w.\[])(\d+(?:\.\d+)?)(?![\w.])", text):
        x = float(literal)
        out += [x - 0.01, x, x + 0.01]
    return list(dict.fromkeys(out))
