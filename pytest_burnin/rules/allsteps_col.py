"""What the fast path (``allsteps.py``) builds per output series, and when it gives up."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from ..promql.labels import Labels


class NotBatchable(Exception):
    """The batched evaluation cannot reproduce the step path here: use the step path."""


@dataclass
class Column:
    """One output series over all steps: values, and staleness markers where it went away."""

    labels: Labels
    ts: array[int] = field(default_factory=lambda: array("q"))
    vs: array[float] = field(default_factory=lambda: array("d"))
    last: int = -1  # the last step with a value
