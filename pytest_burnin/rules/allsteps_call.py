"""The fast path for a recording rule that is one range function over a selector.

``rate(x[5m])`` and friends are computed for all steps at once by
``promql/rangebatch.py`` as arrays (series x steps). Reading those arrays
directly, instead of one vector of Python objects per step, keeps a
1,000-series rule at a few bytes a sample: values where the function gave
one, a staleness marker at the first step after a series' last value, series
created in the order of their first value (then selection order), which is
the order the per-step path writes them in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..promql.rangebatch import batch_for
from ..promql.storage import STALE_NAN
from .allsteps_col import Column, NotBatchable
from .group import record_labels

if TYPE_CHECKING:
    from ..promql import ast
    from ..promql.evaluator import Evaluator


def call_columns(
    q: Evaluator, node: ast.Call, name: str, rule_labels: dict[str, str]
) -> list[Column] | None:
    """The rule's output series, or None when rangebatch does not batch this call."""
    n_steps = (q.end - q.start) // q.interval + 1
    found = batch_for(q, node, 0)
    if found is None:
        return None
    batch = found[0]
    labels = [q.strip(lab) if drop else lab for lab, drop in batch.labels]
    n = len(labels)
    carry = np.zeros(n, dtype=bool)  # has a value at the step before this chunk
    first = np.full(n, -1, dtype=np.int64)  # the first step with a value
    cols = [Column(lab) for lab in labels]
    j = 0
    while True:
        count = batch.values.shape[1]
        has = batch.has
        before = np.concatenate([carry[:, None], has[:, :-1]], axis=1) if count else has
        emit = has | (before & ~has)  # a value, or the staleness marker when it stops
        vals = np.where(has, batch.values, STALE_NAN)
        times = q.start + (j + np.arange(count, dtype=np.int64)) * q.interval
        seen = has.any(axis=1)
        starts = np.argmax(has, axis=1) + j
        first = np.where((first < 0) & seen, starts, first)
        for i in np.nonzero(emit.any(axis=1))[0].tolist():
            row = emit[i]
            cols[i].ts.frombytes(times[row].tobytes())
            cols[i].vs.frombytes(vals[i][row].tobytes())
        if count:
            carry = has[:, -1].copy()
        j += count
        if j >= n_steps:
            break
        found = batch_for(q, node, j)
        if found is None or found[1] != 0 or found[0].values.shape[0] != n:
            raise NotBatchable("a later chunk of steps is not batched like the first")
        batch = found[0]
    order = sorted((int(first[i]), i) for i in range(n) if first[i] >= 0)
    out = []
    taken = set()
    for _, i in order:
        col = cols[i]
        col.labels = record_labels(col.labels, name, rule_labels)
        if col.labels in taken:
            raise NotBatchable("two results share a label set once relabelled")
        taken.add(col.labels)
        out.append(col)
    return out
