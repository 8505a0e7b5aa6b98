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
that hour, so a page tier at 14.4 x 0.1% fires on the first bad minute. The
checks report it as it is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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

    def series(
        self, phases: list[tuple[int, float, float]], step_ms: int
    ) -> list[tuple[Labels, list[float | None]]]:
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


def gauge_design(
    num_query: str, total_query: str, num_is_bad: bool, labels: list[Labels]
) -> GaugeDesign:
    """A good and a bad value for these gauges (queries with the probe window substituted)."""
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
    return plan


def _candidates(text: str) -> list[float]:
    """Values to try: round ones, and each number in the queries and just either side of it."""
    out = list(_BASE_CANDIDATES)
    for literal in re.findall(r"(?<![\w.\[])(\d+(?:\.\d+)?)(?![\w.])", text):
        x = float(literal)
        out += [x - 0.01, x, x + 0.01]
    return list(dict.fromkeys(out))
