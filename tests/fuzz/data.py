"""Random series data for the differential fuzzer, and its ``load`` block in .test syntax.

A ``Dataset`` is a few metric families sampled on one grid (``step_ms``): each
series has a value, a gap (``None``) or a staleness marker (``STALE``) per
grid point. The shapes are the ones that break engines: counters that reset,
gauges with NaN and ±Inf, series that start late or stop, classic histograms
(``_bucket{le}``, ``_sum``, ``_count``), label values with newlines and UTF-8.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from pytest_burnin.promql.labels import Labels, format_labels

STALE = "stale"  # a staleness marker at this grid point
Point = float | str | None  # a value, STALE, or None for no sample

# Label values chosen to trip escaping and regexes: a newline, UTF-8, a space.
LABEL_VALUES = ("a", "b", "x\ny", "ü€", "a b", "1")
LABEL_NAMES = ("job", "instance")
METRICS = ("m0", "m1", "m2")
HISTOGRAM = "h"
BUCKETS = ("0.1", "1", "10", "+Inf")


@dataclass
class SeriesData:
    labels: dict[str, str]  # without the case prefix on __name__
    points: list[Point]

    def named(self, prefix: str) -> Labels:
        out = dict(self.labels)
        out["__name__"] = prefix + out["__name__"]
        return tuple(sorted(out.items()))


@dataclass
class Dataset:
    step_ms: int
    series: list[SeriesData] = field(default_factory=list)

    @property
    def length(self) -> int:
        return max((len(s.points) for s in self.series), default=0)

    @property
    def end_ms(self) -> int:
        return max(self.length - 1, 0) * self.step_ms

    def samples(self, prefix: str) -> list[tuple[Labels, list[tuple[int, float | str]]]]:
        """Every series with its (t_ms, value or STALE) samples, gaps left out."""
        out = []
        for s in self.series:
            pts = [(i * self.step_ms, p) for i, p in enumerate(s.points) if p is not None]
            if pts:
                out.append((s.named(prefix), pts))
        return out

    def load_block(self) -> str:
        """The data as a promql .test ``load`` command (names without the case prefix)."""
        lines = [f"load {_duration(self.step_ms)}"]
        for s in self.series:
            labels = tuple(sorted(s.labels.items()))
            values = " ".join(_point_text(p) for p in s.points)
            lines.append(f"  {format_labels(labels)} {values}")
        return "\n".join(lines)


def _point_text(p: Point) -> str:
    if p is None:
        return "_"
    if p == STALE:
        return "stale"
    assert isinstance(p, float)
    return format_value(p)


def format_value(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return repr(v) if v != int(v) or abs(v) >= 1e15 else str(int(v))


def _duration(ms: int) -> str:
    return f"{ms // 1000}s" if ms % 60_000 else f"{ms // 60_000}m"


class DataGenerator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def dataset(self) -> Dataset:
        rng = self.rng
        step = rng.choice((15_000, 30_000, 60_000, 60_000))
        length = rng.randint(3, 16)
        data = Dataset(step)
        used: set[tuple[tuple[str, str], ...]] = set()
        for name in METRICS:
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                labels = self.labels(name)
                key = tuple(sorted(labels.items()))
                if key in used:
                    continue
                used.add(key)
                kind = rng.choice(("counter", "gauge", "gauge"))
                data.series.append(SeriesData(labels, self.points(kind, length)))
        if rng.random() < 0.3:
            data.series.extend(self.histogram(length))
        return data

    def labels(self, name: str) -> dict[str, str]:
        out = {"__name__": name}
        for label in LABEL_NAMES:
            if self.rng.random() < 0.7:
                out[label] = self.rng.choice(LABEL_VALUES)
        return out

    def points(self, kind: str, length: int) -> list[Point]:
        rng = self.rng
        out: list[Point] = []
        value = float(rng.randint(0, 10))
        for _ in range(length):
            if kind == "counter":
                value = 0.0 if rng.random() < 0.1 else value + rng.choice((0, 1, 2, 5, 0.5))
                out.append(value)
            else:
                out.append(self.gauge_value())
        self.damage(out)
        return out

    def gauge_value(self) -> float:
        r = self.rng.random()
        if r < 0.04:
            return math.nan
        if r < 0.07:
            return self.rng.choice((math.inf, -math.inf))
        if r < 0.5:
            return float(self.rng.randint(-3, 10))
        return round(self.rng.uniform(-5, 20), self.rng.choice((1, 2, 6)))

    def damage(self, points: list[Point]) -> None:
        """Gaps, a late start, an early stop, staleness markers."""
        rng = self.rng
        n = len(points)
        if rng.random() < 0.2:
            for i in range(rng.randint(1, max(1, n // 2))):
                points[i] = None  # starts late
        if rng.random() < 0.2:
            cut = rng.randint(1, n - 1)
            points[cut] = STALE  # stops with a marker, as a scrape that vanished
            for i in range(cut + 1, n):
                points[i] = None if rng.random() < 0.8 else points[i]
        for i in range(n):
            if points[i] is not None and rng.random() < 0.08:
                points[i] = None if rng.random() < 0.6 else STALE

    def histogram(self, length: int) -> list[SeriesData]:
        """A classic histogram: cumulative buckets, _sum, _count, with a reset sometimes."""
        rng = self.rng
        job = rng.choice(LABEL_VALUES)
        counts = [0.0] * len(BUCKETS)
        total = 0.0
        columns: list[list[Point]] = [[] for _ in BUCKETS]
        sums: list[Point] = []
        for _ in range(length):
            if rng.random() < 0.08:
                counts, total = [0.0] * len(BUCKETS), 0.0
            added = [float(rng.randint(0, 3)) for _ in BUCKETS]
            running = 0.0
            for b, extra in enumerate(added):
                running += extra
                counts[b] += running
            total += rng.uniform(0, 10)
            for b in range(len(BUCKETS)):
                columns[b].append(counts[b])
            sums.append(round(total, 3))
        out = [
            SeriesData({"__name__": f"{HISTOGRAM}_bucket", "job": job, "le": le}, columns[b])
            for b, le in enumerate(BUCKETS)
        ]
        out.append(SeriesData({"__name__": f"{HISTOGRAM}_sum", "job": job}, sums))
        out.append(SeriesData({"__name__": f"{HISTOGRAM}_count", "job": job}, list(columns[-1])))
        return out
