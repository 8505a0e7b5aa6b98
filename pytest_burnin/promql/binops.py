"""Binary operators: arithmetic, comparison (with and without ``bool``) and set operators.

Vector matching follows Prometheus' rules: the match signature is the ``on``
labels, or every label but the ``ignoring`` ones and the metric name; the
"one" side of a one-to-one or many-to-one match must be unique, and the
error messages keep Prometheus' wording because users grep for them.
"""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING

from . import ast, gomath
from .evaltypes import El, EvalValue, IVector
from .labels import METRIC_NAME, Labels, get, with_label
from .values import QueryError

if TYPE_CHECKING:
    from collections.abc import Callable

    from .evaluator import Evaluator
    from .float_histogram import FloatHistogram

ARITH: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": gomath.div,
    "%": gomath.mod,
    "^": gomath.pow_,
    "atan2": math.atan2,
}
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}
SET_OPS = frozenset({"and", "or", "unless"})


def labels_string(labels: Labels) -> str:
    """Prometheus' ``labels.Labels.String()``: every pair in braces, name included."""
    inner = ", ".join(f'{k}="{_quote(v)}"' for k, v in labels)
    return "{" + inner + "}"


def _quote(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def _scalar_op(op: str, a: float, b: float) -> float:
    if op in ARITH:
        return ARITH[op](a, b)
    return 1.0 if COMPARE[op](a, b) else 0.0


def eval_binary(ev: Evaluator, node: ast.BinaryExpr, t: int) -> EvalValue:
    op = node.op
    lhs = ev.eval(node.lhs, t)
    rhs = ev.eval(node.rhs, t)
    if isinstance(lhs, float) and isinstance(rhs, float):
        return _scalar_op(op, lhs, rhs)
    if isinstance(lhs, IVector) and isinstance(rhs, float):
        if op in ("</", ">/") or (ev.histograms and _has_histograms(lhs)):
            return _native_vector_scalar(ev, node, lhs, rhs, False)
        return _vector_scalar(ev, op, lhs, rhs, False, node.return_bool)
    if isinstance(lhs, float) and isinstance(rhs, IVector):
        if op in ("</", ">/") or (ev.histograms and _has_histograms(rhs)):
            return _native_vector_scalar(ev, node, rhs, lhs, True)
        return _vector_scalar(ev, op, rhs, lhs, True, node.return_bool)
    if isinstance(lhs, IVector) and isinstance(rhs, IVector):
        matching = node.matching or ast.VectorMatching(
            card="many-to-many" if op in SET_OPS else "one-to-one"
        )
        if op == "and":
            return _and_unless(lhs, rhs, matching, keep_matched=True)
        if op == "unless":
            return _and_unless(lhs, rhs, matching, keep_matched=False)
        if op == "or":
            return _or(lhs, rhs, matching)
        return _vector_vector(ev, op, lhs, rhs, matching, node.return_bool, node)
    raise QueryError(f"binary operator {op!r} is not defined for these operand types")


def _has_histograms(vec: IVector) -> bool:
    return any(el.h is not None for el in vec)


def _native_vector_scalar(
    ev: Evaluator, node: ast.BinaryExpr, vec: IVector, s: float, swap: bool
) -> IVector:
    from .native_ops import vector_scalar

    return vector_scalar(
        ev,
        node,
        vec,
        s,
        swap,
        lambda floats: _vector_scalar(ev, node.op, floats, s, swap, node.return_bool),
    )


def _vector_scalar(
    ev: Evaluator, op: str, vec: IVector, s: float, swap: bool, return_bool: bool
) -> IVector:
    out = IVector()
    arith = ARITH.get(op)
    if arith is not None:
        keep_name = op == "atan2" and ev.compat < 3  # 2.x forgot atan2 in its list
        for el in vec:
            v = arith(s, el.v) if swap else arith(el.v, s)
            lab, drop = (el.labels, False) if keep_name else ev.drop_name(el.labels)
            out.append(El(lab, v, drop or el.drop))
        return ev.check_unique(out)
    cmp = COMPARE.get(op)
    if cmp is None:
        raise QueryError(f"set operator {op!r} not allowed between a vector and a scalar")
    for el in vec:
        keep = cmp(s, el.v) if swap else cmp(el.v, s)
        if return_bool:
            lab, drop = ev.drop_name(el.labels)
            out.append(El(lab, 1.0 if keep else 0.0, drop or el.drop))
        elif keep:
            # The vector's own value is kept even when the scalar is on the left.
            out.append(El(el.labels, el.v, el.drop))
    return ev.check_unique(out) if return_bool else out


def signature_fn(matching: ast.VectorMatching) -> Callable[[Labels], Labels]:
    names = frozenset(matching.labels)
    if matching.on:
        return lambda lab: tuple(p for p in lab if p[0] in names)
    drop = names | {METRIC_NAME}
    return lambda lab: tuple(p for p in lab if p[0] not in drop)


def _and_unless(
    lhs: IVector, rhs: IVector, matching: ast.VectorMatching, keep_matched: bool
) -> IVector:
    sig = signature_fn(matching)
    right = {sig(el.labels) for el in rhs}
    return IVector(el for el in lhs if (sig(el.labels) in right) == keep_matched)


def _or(lhs: IVector, rhs: IVector, matching: ast.VectorMatching) -> IVector:
    sig = signature_fn(matching)
    left = {sig(el.labels) for el in lhs}
    out = IVector(lhs)
    out.extend(el for el in rhs if sig(el.labels) not in left)
    return out


def _vector_vector(
    ev: Evaluator,
    op: str,
    lhs: IVector,
    rhs: IVector,
    matching: ast.VectorMatching,
    return_bool: bool,
    node: ast.BinaryExpr | None = None,
) -> IVector:
    card = matching.card
    fill_left, fill_right = matching.fill_left, matching.fill_right
    if (not lhs or not rhs) and fill_left is None and fill_right is None:
        # Prometheus short-circuits before any check: nothing can match, so a
        # duplicate on the other side (`nonexistent + on() a`) is no error.
        return IVector()
    if card == "one-to-many":
        lhs, rhs = rhs, lhs
    sig = signature_fn(matching)
    right: dict[Labels, El] = {}
    for rs in rhs:
        key = sig(rs.labels)
        dup = right.get(key)
        if dup is not None:
            side = "left" if card == "one-to-many" else "right"
            pair = sorted((labels_string(rs.labels), labels_string(dup.labels)))
            if ev.compat < 3:
                pair = [labels_string(rs.labels), labels_string(dup.labels)]
            raise QueryError(
                f"found duplicate series for the match group {labels_string(key)} on the "
                f"{side} hand-side of the operation: [{pair[0]}, {pair[1]}];many-to-many "
                "matching not allowed: matching labels must be unique on one side"
            )
        right[key] = rs
    arith = ARITH.get(op)
    cmp = COMPARE.get(op)
    # 2.x forgot atan2 in its list of name-dropping operators.
    changes_schema = arith is not None and not (op == "atan2" and ev.compat < 3)
    on_names = frozenset(matching.labels)
    matched: dict[Labels, set[Labels]] = {}
    out = IVector()

    def apply(ls: El, rs: El, key: Labels) -> None:
        fl, fr = (rs.v, ls.v) if card == "one-to-many" else (ls.v, rs.v)
        hist: FloatHistogram | None = None
        if ls.h is not None or rs.h is not None or op in ("</", ">/"):
            from .native_ops import elem_binop

            hl, hr = (rs.h, ls.h) if card == "one-to-many" else (ls.h, rs.h)
            got = elem_binop(ev, node, op, fl, hl, fr, hr)
            if got is None:
                return
            value, hist, keep = got
        elif arith is not None:
            value, keep = arith(fl, fr), True
        else:
            assert cmp is not None
            value, keep = fl, cmp(fl, fr)
        if return_bool:
            value = 1.0 if keep else 0.0
        elif not keep and (ev.compat < 3 or (fill_left is None and fill_right is None)):
            # 2.x and 3.5 filter before the uniqueness checks below: a pair the
            # comparison drops cannot raise "multiple matches". Current
            # Prometheus checks first, which only fill_left/fill_right (newer
            # than 3.5) can show, so it is kept for them.
            return
        lab = ls.labels
        if changes_schema or (return_bool and not ev.delayed):
            lab = ev.strip(lab)
        if card == "one-to-one":
            if matching.on:
                lab = tuple(p for p in lab if p[0] in on_names)
            else:
                lab = tuple(p for p in lab if p[0] not in on_names)
        for name in matching.include:
            lab = with_label(lab, name, get(rs.labels, name))
        seen = matched.get(key)
        if card == "one-to-one":
            if seen is not None:
                raise QueryError(
                    "multiple matches for labels: many-to-one matching must be explicit "
                    "(group_left/group_right)"
                )
            matched[key] = set()
        else:
            if seen is None:
                seen = matched[key] = set()
            elif lab in seen:
                raise QueryError(
                    "multiple matches for labels: grouping labels must ensure unique matches"
                )
            seen.add(lab)
        if keep or return_bool:
            # Prometheus keeps the lhs' pending name drop only through "bool".
            drop = return_bool and ev.delayed
            if ev.compat < 3 or not ev.delayed:
                drop = False
            out.append(El(lab, value, drop, None if return_bool else hist))

    for ls in lhs:
        key = sig(ls.labels)
        match = right.get(key)
        if match is None:
            if fill_right is None:
                continue
            match = El(_match_labels(ls.labels, matching), fill_right)
        apply(ls, match, key)
    if fill_left is not None:
        for rs in rhs:
            key = sig(rs.labels)
            if key in matched and (card == "one-to-one" or matched[key]):
                continue
            apply(El(_match_labels(rs.labels, matching), fill_left), rs, key)
    return ev.check_unique(out)


def _match_labels(labels: Labels, matching: ast.VectorMatching) -> Labels:
    """The labels a fill value stands in with: the matching labels of the other side."""
    names = frozenset(matching.labels)
    if matching.on:
        return tuple(p for p in labels if p[0] in names)
    return tuple(p for p in labels if p[0] not in names and p[0] != METRIC_NAME)
