"""A promtool test group's ``input_series``: parsed once, fed step by step or loaded whole.

promtool loads input samples lazily, up to each evaluation step. The step
path does the same, merging the series in time order (``Feed``). The fast
path (``allsteps.py``) loads every series whole (``load_all``) as typed
arrays, in the order the step path would have created them, which is the
order selections meet them.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import cast

from ..promql.float_histogram import FloatHistogram
from ..promql.labels import METRIC_NAME, Labels, get
from ..promql.series_notation import parse_series_mixed
from ..promql.storage import Storage
from .testfile import TestGroup


@dataclass
class Input:
    labels: Labels
    ts: array[int]  # sample times, increasing
    # Floats as an array('d') (16 bytes a sample with ts, not ~70 as Python
    # objects); a list when the series holds native histograms.
    vs: Sequence[float | FloatHistogram]


def parse_inputs(g: TestGroup, interval: int, last_step: int) -> list[Input]:
    """Every input series' samples up to ``last_step``, in file order (raises ParseError)."""
    out: list[Input] = []
    for s in g.input_series:
        labels, mixed = parse_series_mixed(f"{s.series} {s.values}")
        values = [v[0] if isinstance(v, tuple) else v for v in mixed]
        if interval == 0:
            # promtool 2.42's "load 0s": every value lands on the start time and the
            # TSDB keeps the first one (later ones are out of order and dropped).
            first = next((v for v in values if v is not None), None)
            values = [] if first is None else [first]
        else:
            values = values[: (last_step - g.start_ms) // interval + 1]
        start = g.start_ms
        ts = array("q", [start + i * interval for i, v in enumerate(values) if v is not None])
        kept = [v for v in values if v is not None]
        if any(isinstance(v, FloatHistogram) for v in kept):
            out.append(Input(labels, ts, kept))
        else:
            out.append(Input(labels, ts, array("d", cast("list[float]", kept))))
    return out


class Feed:
    """Input samples handed out in time order (file order within a time), step by
    step, as promtool's lazy loader appends them; never all materialised at once."""

    def __init__(self, inputs: list[Input]) -> None:
        # (time, file position, labels, value): positions differ, so the
        # comparison never reaches the labels.
        streams = (zip(i.ts, repeat(n), repeat(i.labels), i.vs) for n, i in enumerate(inputs))
        self._it = heapq.merge(*streams)
        self._next = next(self._it, None)

    def until(self, t: int) -> Iterator[tuple[int, Labels, float | FloatHistogram]]:
        """The samples at or before ``t`` not handed out yet."""
        while self._next is not None and self._next[0] <= t:
            ts, _, labels, v = self._next
            yield ts, labels, v
            self._next = next(self._it, None)


def loadable(inputs: list[Input]) -> bool:
    """Whether ``load_all`` gives the storage the step path would build: float
    samples only, and no label set given twice (their samples interleave)."""
    if len({i.labels for i in inputs}) != len(inputs):
        return False
    return all(isinstance(i.vs, array) for i in inputs)


def metric_names(inputs: list[Input]) -> set[str]:
    return {get(i.labels, METRIC_NAME) for i in inputs}


def load_all(storage: Storage, inputs: list[Input]) -> None:
    """Every series whole, created in the order of its first sample (then file order),
    as the step path creates them. The storage shares the arrays: batched rules
    write only names no input has (allsteps.plan), so they stay the inputs."""
    order = sorted((i for i in inputs if i.ts), key=lambda i: i.ts[0])
    for i in order:
        assert isinstance(i.vs, array)  # loadable(): floats only
        storage.load(i.labels, i.ts, i.vs)
