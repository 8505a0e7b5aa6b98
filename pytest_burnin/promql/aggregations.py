"""Aggregation operators: sum avg count min max group stddev stdvar quantile,
topk bottomk limitk limit_ratio count_values, each with ``by``/``without``.

Groups are kept in first-seen order, as Prometheus does, so unordered
results still come out in a stable order. ``topk``/``bottomk``/``limitk``
keep the input series' labels (metric name included); the others build the
group's labels and drop the metric name (``without`` always drops it).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import ast
from .evaltypes import El, EvalValue, IVector
from .goheap import select_k
from .gomath import format_float, format_g, go_quote, kahan_inc, mean, variance
from .gotime import go_int64
from .histograms import quantile
from .labels import METRIC_NAME, Labels, with_label
from .limit_hash import labels_hash
from .values import QueryError

if TYPE_CHECKING:
    from collections.abc import Callable

    from .evaluator import Evaluator

_LABEL_NAME_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_LABEL_NAME_REST = _LABEL_NAME_FIRST | frozenset("0123456789")


def valid_label_name(name: str, utf8: bool) -> bool:
    """Prometheus 3 accepts any non-empty UTF-8 label name; 2.x the legacy charset."""
    if not name:
        return False
    if utf8:
        try:
            name.encode("utf-8")  # bytes that were not UTF-8 decode to lone surrogates
        except UnicodeEncodeError:
            return False
        return True
    return name[0] in _LABEL_NAME_FIRST and all(c in _LABEL_NAME_REST for c in name)


def grouping_key(node: ast.AggregateExpr) -> Callable[[Labels], Labels]:
    names = frozenset(node.grouping)
    if node.without:
        drop = names | {METRIC_NAME}
        return lambda lab: tuple(p for p in lab if p[0] not in drop)
    return lambda lab: tuple(p for p in lab if p[0] in names)


def _cached_key(ev: Evaluator, node: ast.AggregateExpr) -> Callable[[Labels], Labels]:
    """grouping_key, memoised per label set for the whole query.

    A range query groups the same series at every step; a dictionary lookup
    is several times cheaper than rebuilding the group's label tuple.
    """
    found = ev.group_keys.get(id(node))
    if found is not None:
        return found
    compute = grouping_key(node)
    memo: dict[Labels, Labels] = {}

    def key(lab: Labels) -> Labels:
        hit = memo.get(lab)
        if hit is None:
            if len(memo) > 100_000:
                memo.clear()  # a query over very many series: bound the memory
            hit = memo[lab] = compute(lab)
        return hit

    ev.group_keys[id(node)] = key
    return key


def eval_aggregate(ev: Evaluator, node: ast.AggregateExpr, t: int) -> EvalValue:
    op = node.op
    param: float | str | None = None
    if node.param is not None:
        pv = ev.eval(node.param, t)
        if not isinstance(pv, (float, str)):
            raise QueryError(f"{op}: parameter must be a scalar or a string")
        param = pv
    key = _cached_key(ev, node)
    if ev.interval > 0:  # a range query: its steps may be reduced at once
        from .rangeagg import batched_aggregate  # numpy: loaded by range queries only

        fused = batched_aggregate(ev, node, key, t)
        if fused is not None:
            return fused
    vec = ev.eval_vector(node.expr, t)
    if ev.histograms and any(el.h is not None for el in vec):
        from .native_ops import aggregate

        return aggregate(ev, node, vec, key, lambda v: _aggregate(ev, node, v, key, param))
    return _aggregate(ev, node, vec, key, param)


def _aggregate(
    ev: Evaluator,
    node: ast.AggregateExpr,
    vec: IVector,
    key: Callable[[Labels], Labels],
    param: float | str | None,
) -> IVector:
    op = node.op
    if op in ("topk", "bottomk", "limitk", "limit_ratio"):
        return _select_k(ev, op, node, vec, key, param)
    if op == "count_values":
        return _count_values(ev, node, vec, key, param)
    groups: dict[Labels, list[El]] = {}
    for el in vec:
        groups.setdefault(key(el.labels), []).append(el)
    out = IVector()
    for lab, members in groups.items():
        vals = [el.v for el in members]
        # With delayed name removal a group inherits "drop the name" from any member.
        drop = any(el.drop for el in members) and any(p[0] == METRIC_NAME for p in lab)
        if op == "quantile":
            assert isinstance(param, float)
            value = quantile(param, vals)
            if not 0 <= param <= 1:
                ev.warn(
                    f"quantile value should be between 0 and 1, got {format_g(param)}", node.param
                )
        else:
            value = _reduce(op, vals, ev.compat)
        out.append(El(lab, value, drop))
    return out


def _reduce(op: str, vals: list[float], compat: int) -> float:
    if compat < 3 and op in ("sum", "avg", "stddev", "stdvar"):
        return _reduce_2x(op, vals)
    if op == "sum":
        return _sum(vals)
    if op == "count":
        return float(len(vals))
    if op == "group":
        return 1.0
    if op == "avg":
        return mean(vals, compat)
    if op == "max":
        m = vals[0]
        for v in vals[1:]:
            if v > m or m != m:
                m = v
        return m
    if op == "min":
        m = vals[0]
        for v in vals[1:]:
            if v < m or m != m:
                m = v
        return m
    if op in ("stddev", "stdvar"):
        var = variance(vals)
        return math.sqrt(var) if op == "stddev" else var
    raise QueryError(f"unknown aggregation {op!r}")


def _reduce_2x(op: str, vals: list[float]) -> float:
    """Prometheus 2.42's plain arithmetic (3.x compensates with Kahan summation).

    The difference shows: ``count_values("v", sum(m))`` over 0.1, 0.2, 0.3 is
    ``0.6000000000000001`` in 2.42; and a single Inf sample has stddev 0 there.
    """
    first = vals[0]
    if op == "sum":
        total = first
        for v in vals[1:]:
            total += v
        return total
    if op == "avg":
        mean = first
        for n, v in enumerate(vals[1:], 2):
            if math.isinf(mean):
                if math.isinf(v) and (mean > 0) == (v > 0):
                    continue
                if not math.isinf(v) and v == v:
                    continue
            mean += v / n - mean / n
        return mean
    mean, acc = first, 0.0
    for n, v in enumerate(vals[1:], 2):
        delta = v - mean
        mean += delta / n
        acc += delta * (v - mean)
    var = acc / len(vals)
    return math.sqrt(var) if op == "stddev" else var


def _sum(vals: list[float]) -> float:
    s = c = 0.0
    for v in vals:
        s, c = kahan_inc(v, s, c)
    return s if math.isinf(s) else s + c


def _k_param(ev: Evaluator, op: str, param: float | str | None) -> float:
    if not isinstance(param, float):
        raise QueryError(f"{op}: parameter must be a number")
    if param != param:
        if ev.compat < 3 and op != "limit_ratio":
            raise QueryError("Scalar value NaN overflows int64")
        # Current Prometheus refuses a NaN k even over an empty input
        # (promql-testdata aggregators.test); 3.5.3 answered [] there. The
        # engine follows the test data, a deliberate difference (docs/promql.md).
        raise QueryError("Ratio value is NaN" if op == "limit_ratio" else "Parameter value is NaN")
    return param


def _fits_int64(p: float) -> bool:
    """Go's convertibleToInt64: the largest float below 2**63 is the upper bound."""
    return -(2.0**63) <= p < 2.0**63


def _select_k(
    ev: Evaluator,
    op: str,
    node: ast.AggregateExpr,
    vec: IVector,
    key: Callable[[Labels], Labels],
    param: float | str | None,
) -> IVector:
    p = _k_param(ev, op, param)
    if op == "limit_ratio":
        if p < -1.0 or p > 1.0:
            capped = max(-1.0, min(1.0, p))
            ev.warn(
                f"ratio value should be between -1 and 1, got {format_g(p)}, "
                f"capping to {format_g(capped)}",
                node.param,
            )
            p = capped
        return IVector(el for el in vec if _ratio_keeps(el.labels, p))
    if not _fits_int64(p):
        # 2.42 checks before anything else. 3.x answers [] first when k < 1
        # (so -Inf is no error) and checks the range only once a sample is there.
        if ev.compat < 3 or (vec and p >= 1):
            raise QueryError(f"Scalar value {format_g(p)} overflows int64")
        return IVector()
    k = go_int64(p)  # truncation, as Go's int64(float)
    if k < 1:
        return IVector()
    groups: dict[Labels, list[El]] = {}
    for el in vec:
        groups.setdefault(key(el.labels), []).append(el)
    out = IVector()
    for members in groups.values():
        if op == "limitk":
            out.extend(members[:k])
            continue
        # Go's heap, step by step, decides which of equal values stay and
        # their order (goheap: 2.42's and 3.5's loops differ on NaN).
        picked = select_k([(el.v, el) for el in members], k, op == "topk", ev.compat)
        out.extend(el for _, el in picked)
    return out


def _ratio_keeps(labels: Labels, ratio: float) -> bool:
    """limit_ratio: a series is kept by a stable hash of its labels, not at random."""
    sample_offset = labels_hash(labels) / 18446744073709551615.0
    if ratio >= 0:
        return sample_offset < ratio
    return sample_offset >= 1.0 + ratio


def _count_values(
    ev: Evaluator,
    node: ast.AggregateExpr,
    vec: IVector,
    key: Callable[[Labels], Labels],
    param: float | str | None,
) -> IVector:
    if not isinstance(param, str):
        raise QueryError("count_values: parameter must be a string")
    if not valid_label_name(param, ev.compat >= 3):
        raise QueryError(f"invalid label name {go_quote(param)}")
    # As Prometheus: the value label is set on the series first, then grouped
    # (so ``without (job)`` can drop a value label named job, and one named
    # __name__ is dropped like any metric name); ``by`` keeps it too.
    if node.without:
        group_key = key
    else:
        keep = frozenset((*node.grouping, param))
        group_key = lambda lab: tuple(p for p in lab if p[0] in keep)  # noqa: E731
    counts: dict[Labels, float] = {}
    for el in vec:
        text = format_float(el.v) if el.h is None else el.h.go_string()
        lab = group_key(with_label(el.labels, param, text))
        counts[lab] = counts.get(lab, 0.0) + 1.0
    return IVector(El(lab, n) for lab, n in counts.items())
