"""Native histograms as PromQL sees them: Prometheus' ``FloatHistogram``.

Buckets are kept as ``{bucket index: count}`` (absolute counts, not deltas),
one dict per sign, rather than Prometheus' spans and bucket arrays: every
operation PromQL performs (scaling, adding, merging to a coarser schema,
widening the zero bucket) is a walk over indexes, and a dict makes each one a
few lines. Spans only matter when a histogram is written out, and
``test_expression()`` derives them there, as Prometheus' ``Compact`` would.

Exponential schemas (-4..8): bucket ``i`` of the positive side covers
``(base**(i-1), base**i]`` with ``base = 2**(2**-schema)``; negative buckets
mirror it. Schema -53 is "custom buckets" (NHCB): ``custom_values`` are the
upper bounds, bucket ``i`` ends at ``custom_values[i]`` (the last at +Inf) and
there is no zero bucket and no negative side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .gomath import div

CUSTOM_BUCKETS_SCHEMA = -53

# Counter reset hints, as Prometheus names them in the test notation.
UNKNOWN = "unknown"
RESET = "reset"
NOT_RESET = "not_reset"
GAUGE = "gauge"
HINTS = (UNKNOWN, RESET, NOT_RESET, GAUGE)


class HistogramError(ValueError):
    """Two histograms that cannot be combined (Prometheus' wording)."""


@dataclass(slots=True)
class FloatHistogram:
    schema: int = 0
    zero_threshold: float = 0.0
    zero_count: float = 0.0
    count: float = 0.0
    sum: float = 0.0
    positive: dict[int, float] = field(default_factory=dict)
    negative: dict[int, float] = field(default_factory=dict)
    counter_reset_hint: str = UNKNOWN
    custom_values: tuple[float, ...] = ()

    # -- basics ---------------------------------------------------------------

    @property
    def uses_custom_buckets(self) -> bool:
        return self.schema == CUSTOM_BUCKETS_SCHEMA

    def copy(self) -> FloatHistogram:
        return replace(self, positive=dict(self.positive), negative=dict(self.negative))

    def compact(self) -> FloatHistogram:
        """A copy without empty buckets (Prometheus' ``Compact(0)``)."""
        out = self.copy()
        out.positive = {i: c for i, c in sorted(self.positive.items()) if c != 0}
        out.negative = {i: c for i, c in sorted(self.negative.items()) if c != 0}
        return out

    def upper_bound(self, index: int) -> float:
        """Upper bound of positive bucket ``index`` (negative buckets: its negation)."""
        if self.uses_custom_buckets:
            return self.custom_values[index] if index < len(self.custom_values) else math.inf
        return exponential_bound(index, self.schema)

    def lower_bound(self, index: int) -> float:
        if self.uses_custom_buckets:
            return self.custom_values[index - 1] if index > 0 else -math.inf
        return exponential_bound(index - 1, self.schema)

    # -- arithmetic (each returns a new histogram) ------------------------------

    def mul(self, factor: float) -> FloatHistogram:
        out = self.copy()
        out.zero_count *= factor
        out.count *= factor
        out.sum *= factor
        out.positive = {i: c * factor for i, c in self.positive.items()}
        out.negative = {i: c * factor for i, c in self.negative.items()}
        if factor < 0:
            out.counter_reset_hint = GAUGE
        return out

    def div(self, scalar: float) -> FloatHistogram:
        out = self.copy()
        out.zero_count = div(out.zero_count, scalar)
        out.count = div(out.count, scalar)
        out.sum = div(out.sum, scalar)
        if scalar == 0:
            # As Prometheus: division by zero removes every bucket.
            out.positive, out.negative = {}, {}
            return out
        out.positive = {i: c / scalar for i, c in self.positive.items()}
        out.negative = {i: c / scalar for i, c in self.negative.items()}
        if scalar < 0:
            out.counter_reset_hint = GAUGE
        return out

    def add(self, other: FloatHistogram) -> tuple[FloatHistogram, bool, bool]:
        """self + other; also (counter reset hints collided, custom bounds reconciled)."""
        return self._combine(other, 1.0)

    def sub(self, other: FloatHistogram) -> tuple[FloatHistogram, bool, bool]:
        return self._combine(other, -1.0)

    def _combine(self, other: FloatHistogram, sign: float) -> tuple[FloatHistogram, bool, bool]:
        if self.uses_custom_buckets != other.uses_custom_buckets:
            raise HistogramError(
                "cannot apply this operation on histograms with a mix of exponential "
                "and custom bucket schemas"
            )
        out = self.copy()
        collision = out._adjust_counter_reset(other)
        out.count += sign * other.count
        out.sum += sign * other.sum
        if out.uses_custom_buckets:
            reconciled = False
            theirs = other.positive
            if self.custom_values != other.custom_values:
                reconciled = True
                bounds = intersect_bounds(self.custom_values, other.custom_values)
                out.positive = remap_custom(self.positive, self.custom_values, bounds)
                theirs = remap_custom(other.positive, other.custom_values, bounds)
                out.custom_values = bounds
            _add_into(out.positive, theirs, sign)
            return out, collision, reconciled
        o = other
        if o.schema < out.schema:
            out = out.reduce_resolution(o.schema)
        elif o.schema > out.schema:
            o = o.reduce_resolution(out.schema)
        other_zero = out._reconcile_zero_buckets(o)
        out.zero_count += sign * other_zero
        threshold = out.zero_threshold
        pos = {i: c for i, c in o.positive.items() if exponential_bound(i, o.schema) > threshold}
        neg = {i: c for i, c in o.negative.items() if exponential_bound(i, o.schema) > threshold}
        _add_into(out.positive, pos, sign)
        _add_into(out.negative, neg, sign)
        return out, collision, False

    def _adjust_counter_reset(self, other: FloatHistogram) -> bool:
        mine, theirs = self.counter_reset_hint, other.counter_reset_hint
        if mine in (theirs, GAUGE):
            return False
        if theirs == GAUGE:
            self.counter_reset_hint = GAUGE
            return False
        if UNKNOWN in (mine, theirs):
            self.counter_reset_hint = UNKNOWN
            return False
        self.counter_reset_hint = UNKNOWN  # reset + not_reset: a collision
        return True

    def reduce_resolution(self, target: int) -> FloatHistogram:
        """The same histogram at a coarser exponential schema (buckets merged)."""
        if target >= self.schema:
            return self.copy()
        delta = self.schema - target
        out = self.copy()
        out.schema = target
        out.positive = _merge_indexes(self.positive, delta)
        out.negative = _merge_indexes(self.negative, delta)
        return out

    def _reconcile_zero_buckets(self, other: FloatHistogram) -> float:
        """Widen both zero buckets to a common threshold; other's zero count at it."""
        other_count, other_threshold = other.zero_count, other.zero_threshold
        while other_threshold != self.zero_threshold:
            if self.zero_threshold > other_threshold:
                other_count, other_threshold = other._zero_for_threshold(self.zero_threshold)
            if other_threshold > self.zero_threshold:
                self.zero_count, self.zero_threshold = self._zero_for_threshold(other_threshold)
                limit = self.zero_threshold
                self.positive = {
                    i: c
                    for i, c in self.positive.items()
                    if exponential_bound(i - 1, self.schema) >= limit
                }
                self.negative = {
                    i: c
                    for i, c in self.negative.items()
                    if exponential_bound(i - 1, self.schema) >= limit
                }
        return other_count

    def _zero_for_threshold(self, threshold: float) -> tuple[float, float]:
        """Zero count and threshold once every bucket below ``threshold`` joins the zero bucket.

        A threshold that falls inside a populated bucket is raised to that
        bucket's upper bound (and the walk redone), as Prometheus does.
        """
        if threshold == self.zero_threshold:
            return self.zero_count, threshold
        while True:
            zero = self.zero_count
            redo = False
            for side in (self.positive, self.negative):
                for i in sorted(side):
                    lower, upper = self.lower_bound(i), self.upper_bound(i)
                    if lower >= threshold:
                        break
                    zero += side[i]
                    if upper > threshold:
                        if side[i] != 0:
                            redo = upper != threshold
                            threshold = upper
                        break
                if redo:
                    break
            if not redo:
                return zero, threshold

    # -- comparison and text ----------------------------------------------------

    def test_expression(self) -> str:
        """The promqltest notation, as Prometheus' ``TestExpression`` writes it."""
        from .gomath import format_g

        h = self.compact()
        parts: list[str] = []
        if h.schema != 0:
            parts.append(f"schema:{h.schema}")
        for key, value in (
            ("count", h.count),
            ("sum", h.sum),
            ("z_bucket", h.zero_count),
            ("z_bucket_w", h.zero_threshold),
        ):
            if value != 0:
                parts.append(f"{key}:{format_g(value)}")
        if h.uses_custom_buckets:
            parts.append("custom_values:[" + " ".join(format_g(v) for v in h.custom_values) + "]")
        if h.counter_reset_hint != UNKNOWN:
            parts.append(f"counter_reset_hint:{h.counter_reset_hint}")
        for side, bkey, okey in (
            (h.positive, "buckets", "offset"),
            (h.negative, "n_buckets", "n_offset"),
        ):
            if not side:
                continue
            lo, hi = min(side), max(side)
            if lo != 0:
                parts.append(f"{okey}:{lo}")
            values = [format_g(side.get(i, 0.0)) for i in range(lo, hi + 1)]
            parts.append(f"{bkey}:[{' '.join(values)}]")
        return "{{" + " ".join(parts) + "}}"

    def go_string(self) -> str:
        """Prometheus' ``String()`` (what ``count_values`` writes): populated buckets with bounds."""
        from .gomath import format_g

        def bucket(lo: float, hi: float, c: float, left: str, right: str) -> str:
            return f"{left}{format_g(lo)},{format_g(hi)}{right}:{format_g(c)}"

        parts = [f"count:{format_g(self.count)}", f"sum:{format_g(self.sum)}"]
        for i in sorted(self.negative, reverse=True):
            if self.negative[i] != 0:
                lo, hi = -self.upper_bound(i), -self.lower_bound(i)
                parts.append(bucket(lo, hi, self.negative[i], "[", ")"))
        if self.zero_count != 0:
            z = self.zero_threshold
            parts.append(bucket(-z, z, self.zero_count, "[", "]"))
        for i in sorted(self.positive):
            if self.positive[i] != 0:
                lo, hi = self.lower_bound(i), self.upper_bound(i)
                parts.append(bucket(lo, hi, self.positive[i], "(", "]"))
        return "{" + ", ".join(parts) + "}"

    def __str__(self) -> str:
        return self.test_expression()


def _add_into(mine: dict[int, float], theirs: dict[int, float], sign: float) -> None:
    for i, c in theirs.items():
        mine[i] = mine.get(i, 0.0) + sign * c


def _merge_indexes(buckets: dict[int, float], delta: int) -> dict[int, float]:
    out: dict[int, float] = {}
    for i in sorted(buckets):
        j = ((i - 1) >> delta) + 1  # the coarser bucket holding bucket i
        out[j] = out.get(j, 0.0) + buckets[i]
    return out


def exponential_bound(index: int, schema: int) -> float:
    """Upper bound of bucket ``index`` in an exponential schema: ``2**(index * 2**-schema)``."""
    if schema <= 0:
        exp = index << -schema
        if exp >= 1024:
            return math.inf
        if exp < -1074:
            return 0.0
        return math.ldexp(1.0, exp)
    per = 1 << schema
    whole, frac = divmod(index, per)  # floor division keeps frac in [0, per)
    if whole >= 1024:
        return math.inf
    if whole < -1075:
        return 0.0
    return math.ldexp(2.0 ** (frac / per), whole)


def intersect_bounds(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """Custom bucket bounds present in both layouts."""
    theirs = set(b)
    return tuple(v for v in a if v in theirs)


def remap_custom(
    buckets: dict[int, float], bounds: tuple[float, ...], target: tuple[float, ...]
) -> dict[int, float]:
    """Custom buckets moved to the coarser layout ``target`` (each into the bucket holding it)."""
    from bisect import bisect_left

    out: dict[int, float] = {}
    for i, c in buckets.items():
        upper = bounds[i] if i < len(bounds) else math.inf
        j = bisect_left(target, upper) if upper != math.inf else len(target)
        out[j] = out.get(j, 0.0) + c
    return out


def histograms_match(exp: FloatHistogram, got: FloatHistogram, hint_set: bool, eps: float) -> bool:
    """Equality as promqltest checks it: after compaction, floats within ``eps``.

    The counter reset hint only counts when the expected histogram names it.
    """
    from .gomath import almost_equal

    e, g = exp.compact(), got.compact()
    if e.schema != g.schema:
        return False
    if not (almost_equal(e.count, g.count, eps) and almost_equal(e.sum, g.sum, eps)):
        return False
    if e.uses_custom_buckets and e.custom_values != g.custom_values:
        return False
    if e.zero_threshold != g.zero_threshold or not almost_equal(e.zero_count, g.zero_count, eps):
        return False
    for a, b in ((e.positive, g.positive), (e.negative, g.negative)):
        if list(a) != list(b):
            return False
        if not all(almost_equal(a[i], b[i], eps) for i in a):
            return False
    return not (hint_set and e.counter_reset_hint != g.counter_reset_hint)
