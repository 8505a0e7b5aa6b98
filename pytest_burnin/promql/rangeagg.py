"""Range queries: ``sum``/``count``/``min``/``max``/``group`` over a batched range function.

For ``sum by (job) (rate(x[5m]))`` the step-by-step path builds, at every
step, one element per series and a dictionary of groups. Over a
``rangebatch.Batch`` the groups are known once for the whole query (the
series do not change between steps), and each group is reduced over all
steps at once, member by member in the order the per-step path meets them,
with the same float operations (plain sums in compat=2, Kahan-Neumaier in
compat=3), so the values are bit-identical.

Anything else (a parameter, ``avg``/``stddev``/``quantile``/``topk``..., an
inner expression that is not a batched call) returns None: the ordinary path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import ast
from . import rangekernels as rk
from .evaltypes import El, IVector
from .labels import METRIC_NAME, Labels
from .rangebatch import Batch, batch_for, on_grid

if TYPE_CHECKING:
    from collections.abc import Callable

    from .evaluator import Evaluator

FUSED = frozenset({"sum", "count", "min", "max", "group"})


def batched_aggregate(
    ev: Evaluator, node: ast.AggregateExpr, key: Callable[[Labels], Labels], t: int
) -> IVector | None:
    step = on_grid(ev, t)
    if step is None or node.op not in FUSED or node.param is not None:
        return None
    memo = ev.agg_memo
    key_id = id(node)
    if key_id in memo and memo[key_id] is None:
        return None  # not fusable: known from the first step
    inner = node.expr
    while isinstance(inner, ast.ParenExpr):
        inner = inner.expr
    found = batch_for(ev, inner, step) if isinstance(inner, ast.Call) else None
    if found is None:
        memo[key_id] = None
        return None
    batch, column = found
    hit = memo.get(key_id)
    if hit is None or hit[0] is not batch:  # a new chunk of steps
        hit = memo[key_id] = (batch, _reduce_all(ev, node.op, batch, key))
    return hit[1][column]


def _reduce_all(
    ev: Evaluator, op: str, batch: Batch, key: Callable[[Labels], Labels]
) -> list[IVector]:
    groups: dict[Labels, list[int]] = {}
    for i, (lab, _) in enumerate(batch.labels):
        groups.setdefault(key(lab), []).append(i)
    n_steps = batch.values.shape[1]
    per_group = []
    with np.errstate(all="ignore"):
        for lab, members in groups.items():
            value, started, first, drop = _reduce_group(ev.compat, op, batch, members)
            has_name = any(p[0] == METRIC_NAME for p in lab)
            per_group.append(
                (lab, value.tolist(), started.tolist(), first.tolist(), drop & has_name)
            )
    out = []
    for j in range(n_steps):
        # Groups come in the order their first element appears at this step.
        present = [g for g in per_group if g[2][j]]
        present.sort(key=lambda g: g[3][j])
        out.append(IVector(El(g[0], g[1][j], bool(g[4][j])) for g in present))
    return out


def _reduce_group(
    compat: int, op: str, batch: Batch, members: list[int]
) -> tuple[rk.F64, np.ndarray, np.ndarray, np.ndarray]:
    """(value, any member present, first present member, any present member's drop flag)."""
    n_steps = batch.values.shape[1]
    value = np.zeros(n_steps)
    comp = np.zeros(n_steps)  # Kahan compensation (compat=3 sum)
    started = np.zeros(n_steps, dtype=np.bool_)
    first = np.full(n_steps, len(batch.labels))
    drop = np.zeros(n_steps, dtype=np.bool_)
    kahan = op == "sum" and compat >= 3
    for i in members:
        p = batch.has[i]
        v = batch.values[i]
        first = np.where(p & ~started, i, first)
        drop |= p & batch.labels[i][1]
        if op == "sum" and kahan:
            s, c = rk.kahan_step(v, value, comp)
            value, comp = np.where(p, s, value), np.where(p, c, comp)
        elif op == "sum":
            value = np.where(p, np.where(started, value + v, v), value)
        elif op == "count":
            value = value + p
        elif op == "group":
            value = np.where(p, 1.0, value)
        else:
            better = (v > value) if op == "max" else (v < value)
            take = p & (~started | better | (value != value))
            value = np.where(take, v, value)
        started |= p
    if kahan:
        value = np.where(np.isinf(value), value, value + comp)
    return value, started, first, drop
