"""Sums and averages of many native histograms, with Kahan summation.

``sum``/``avg`` and ``sum_over_time``/``avg_over_time`` add histograms as
Prometheus does: every field (count, sum, zero bucket, each bucket) is summed
with a Kahan compensation, so ``1 + 1e100 + 1 - 1e100`` is 2, not 0. The
common layout (coarsest schema, widest zero bucket, shared custom bounds) is
found first by folding plain additions, which also reports counter reset
collisions and reconciled custom bounds. An average that would overflow
(a sum of Inf from finite inputs) switches to an incremental mean, as
Prometheus does.
"""

from __future__ import annotations

import math

from .float_histogram import FloatHistogram, remap_custom
from .gomath import kahan_inc


def sum_histograms(
    hists: list[FloatHistogram], average: bool = False
) -> tuple[FloatHistogram, bool, bool]:
    """The sum (or mean) of ``hists``; also (counter reset collision, custom bounds reconciled).

    Raises HistogramError for a mix of exponential and custom buckets.
    """
    layout = hists[0]
    reconciled = False
    for h in hists[1:]:
        layout, _, r = layout.add(h)
        reconciled = reconciled or r
    # Prometheus warns when any input says "reset" and another "not_reset".
    hints = {h.counter_reset_hint for h in hists}
    collision = "reset" in hints and "not_reset" in hints
    # One column per field, in input order (a bucket missing from a histogram is 0).
    columns: dict[tuple[str, int], list[float]] = {}
    for k, h in enumerate(hists):
        for key, value in _aligned(h, layout).items():
            col = columns.setdefault(key, [0.0] * len(hists))
            col[k] = value
    out = layout.copy()
    out.positive, out.negative = {}, {}
    for (field, index), col in sorted(columns.items()):
        value = _mean(col) if average else _kahan(col)
        if field == "count":
            out.count = value
        elif field == "sum":
            out.sum = value
        elif field == "zero":
            out.zero_count = value
        elif field == "pos":
            out.positive[index] = value
        else:
            out.negative[index] = value
    return out, collision, reconciled


def _aligned(h: FloatHistogram, layout: FloatHistogram) -> dict[tuple[str, int], float]:
    """h's fields in the layout of ``layout``: (field, bucket index) -> value."""
    out: dict[tuple[str, int], float] = {("count", 0): h.count, ("sum", 0): h.sum}
    if layout.uses_custom_buckets:
        buckets = h.positive
        if h.custom_values != layout.custom_values:
            buckets = remap_custom(h.positive, h.custom_values, layout.custom_values)
        out.update({("pos", i): c for i, c in buckets.items()})
        return out
    g = h.reduce_resolution(layout.schema)
    zero, _ = g._zero_for_threshold(layout.zero_threshold)
    out[("zero", 0)] = zero
    for name, side in (("pos", g.positive), ("neg", g.negative)):
        for i, c in side.items():
            if g.lower_bound(i) >= layout.zero_threshold:
                out[(name, i)] = c
    return out


def _kahan(values: list[float]) -> float:
    s, c = 0.0, 0.0
    for v in values:
        s, c = kahan_inc(v, s, c)
    return s + c


def _mean(values: list[float]) -> float:
    total = _kahan(values)
    n = len(values)
    if not math.isinf(total) or any(math.isinf(v) for v in values):
        return total / n
    # The direct sum overflowed: an incremental mean stays in range.
    mean, comp = 0.0, 0.0
    for k, v in enumerate(values, 1):
        mean, comp = kahan_inc(v / k - (mean + comp) / k, mean, comp)
    return mean + comp
