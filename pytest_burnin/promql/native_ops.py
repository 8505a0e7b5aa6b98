"""Binary operators and aggregations where native histograms take part.

Binary operators follow Prometheus' ``vectorElemBinop``: histogram + and -
histogram, histogram * and / float, float * histogram, and == / != between
histograms; every other pairing drops the element with the info "incompatible
sample types encountered for binary operator". Aggregations: ``sum``/``avg``
add histograms (a group mixing floats and histograms is dropped with a
warning), ``count``/``group`` count both, ``limitk``/``limit_ratio`` keep
them, and the others ignore histograms with an info.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .evaltypes import El, IVector
from .float_histogram import GAUGE, FloatHistogram, HistogramError
from .histogram_resets import histograms_equal

if TYPE_CHECKING:
    from collections.abc import Callable

    from . import ast
    from .evaluator import Evaluator
    from .labels import Labels

ElemResult = tuple[float, FloatHistogram | None, bool] | None  # (value, histogram, keep)
# Prometheus 3's trim operators: h </ x keeps observations below x, h >/ x above.
TRIMS = frozenset({"</", ">/"})


def _kind(h: FloatHistogram | None) -> str:
    return "float" if h is None else "histogram"


def elem_binop(
    ev: Evaluator,
    node: ast.Expr | None,
    op: str,
    fl: float,
    hl: FloatHistogram | None,
    fr: float,
    hr: FloatHistogram | None,
) -> ElemResult:
    """One pair of a binary operation with at least one histogram; None: dropped."""
    try:
        if hl is None and hr is not None and op == "*":
            return 0.0, hr.mul(fl).compact(), True
        if hl is not None and hr is None:
            if op == "*":
                return 0.0, hl.mul(fr).compact(), True
            if op == "/":
                return 0.0, hl.div(fr).compact(), True
            if op in TRIMS:
                from .histogram_trim import trim_buckets

                return 0.0, trim_buckets(hl, fr, op == "</"), True
        if hl is not None and hr is not None:
            if op in ("+", "-"):
                res, collision, reconciled = hl.add(hr) if op == "+" else hl.sub(hr)
                what = "addition" if op == "+" else "subtraction"
                if op == "-":
                    res.counter_reset_hint = GAUGE
                if collision:
                    ev.warn(f"conflicting counter resets during histogram {what}", node)
                if reconciled:
                    ev.info(f"mismatched custom buckets were reconciled during {what}", node)
                return 0.0, res.compact(), True
            if op in ("==", "!="):
                same = histograms_equal(hl, hr)
                return 0.0, hl, same if op == "==" else not same
    except HistogramError:
        ev.warn(f"incompatible bucket layout encountered for binary operator {op}", node)
        return None
    ev.info(
        f'incompatible sample types encountered for binary operator "{op}": '
        f"{_kind(hl)} {op} {_kind(hr)}",
        node,
    )
    return None


def vector_scalar(
    ev: Evaluator,
    node: ast.BinaryExpr,
    vec: IVector,
    s: float,
    swap: bool,
    float_path: Callable[[IVector], IVector],
) -> IVector:
    """vector op scalar where the vector holds histograms; floats go the float path."""
    op = node.op
    floats = IVector(el for el in vec if el.h is None)
    out = float_path(floats) if floats and op not in TRIMS else IVector()
    for el in vec:
        if el.h is None:
            if op in TRIMS:
                elem_binop(ev, node, op, el.v, None, s, None)  # the info annotation
            continue
        got = (
            elem_binop(ev, node, op, s, None, 0.0, el.h)
            if swap
            else (elem_binop(ev, node, op, 0.0, el.h, s, None))
        )
        if got is None:
            continue
        value, h, keep = got
        if op in ("==", "!=", ">", "<", ">=", "<=") and swap:
            h = el.h
        if node.return_bool:
            lab, drop = ev.drop_name(el.labels)
            out.append(El(lab, 1.0 if keep else 0.0, drop or el.drop))
            continue
        if keep:
            lab, drop = ev.drop_name(el.labels) if op in ("*", "/") else (el.labels, False)
            out.append(El(lab, value, drop or el.drop, h))
    return ev.check_unique(out)


def aggregate(
    ev: Evaluator,
    node: ast.AggregateExpr,
    vec: IVector,
    key: Callable[[Labels], Labels],
    float_path: Callable[[IVector], IVector],
) -> IVector:
    """An aggregation over a vector holding histograms."""
    op = node.op
    if op in ("count", "group"):
        return float_path(IVector(El(el.labels, 0.0, el.drop) for el in vec))
    if op in ("limitk", "limit_ratio", "count_values"):
        return float_path(vec)
    if op not in ("sum", "avg"):
        ev.info(f"ignored histogram in {op} aggregation", node.expr)
        return float_path(IVector(el for el in vec if el.h is None))
    groups: dict[Labels, list[El]] = {}
    for el in vec:
        groups.setdefault(key(el.labels), []).append(el)
    float_els = IVector()
    out = IVector()
    for lab, members in groups.items():
        hists = [el.h for el in members if el.h is not None]
        if not hists:
            float_els.extend(members)
            continue
        if len(hists) != len(members):
            ev.warn("encountered a mix of histograms and floats for aggregation", node.expr)
            continue
        total = _sum(ev, node, hists, op == "avg")
        if total is None:
            continue
        drop = any(el.drop for el in members) and any(p[0] == "__name__" for p in lab)
        out.append(El(lab, 0.0, drop, total.compact()))
    if float_els:
        out.extend(float_path(float_els))
    return out


def _sum(
    ev: Evaluator, node: ast.AggregateExpr, hists: list[FloatHistogram], average: bool
) -> FloatHistogram | None:
    from .histogram_sum import sum_histograms

    try:
        total, collision, reconciled = sum_histograms(hists, average)
    except HistogramError:
        ev.warn(
            "vector contains a mix of histograms with exponential and custom buckets "
            'schemas for metric name ""',
            node.expr,
        )
        return None
    if collision:
        ev.warn("conflicting counter resets during histogram aggregation", node.expr)
    if reconciled:
        ev.info("mismatched custom buckets were reconciled during aggregation", node.expr)
    return total
