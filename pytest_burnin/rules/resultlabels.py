"""Which labels a query's result can carry, where the query says so for certain.

An alert's templates read ``$labels.x`` from the series its query returns;
``sum by (job) (...)`` returns only ``job``, so ``{{ $labels.instance }}``
renders empty in every notification. This module answers "exactly these
labels" (a frozenset) or "cannot tell" (None: a selector's series may carry
any label). It errs towards None: the lint reports only what is certain.
``filters`` answers the other question the lint asks of a query: does it keep
only some of the series it selects, or all of them (an alert always firing)?
"""

from __future__ import annotations

import re

from ..promql import ast
from ..promql.functions import TRIG_FUNCTIONS

# Functions whose result keeps the labels of their (first) instant-vector argument.
_KEEPS_LABELS = frozenset(
    [
        "abs",
        "ceil",
        "floor",
        "round",
        "exp",
        "ln",
        "log2",
        "log10",
        "sqrt",
        "sgn",
        "clamp",
        "clamp_min",
        "clamp_max",
        "rate",
        "irate",
        "increase",
        "delta",
        "idelta",
        "deriv",
        "predict_linear",
        "resets",
        "changes",
        "timestamp",
        "avg_over_time",
        "min_over_time",
        "max_over_time",
        "sum_over_time",
        "count_over_time",
        "quantile_over_time",
        "stddev_over_time",
        "stdvar_over_time",
        "last_over_time",
        "present_over_time",
        "mad_over_time",
        "holt_winters",
        "double_exponential_smoothing",
        "sort",
        "sort_desc",
        *TRIG_FUNCTIONS,
        "deg",
        "rad",
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "days_in_month",
        "hour",
        "minute",
        "month",
        "year",
    ]
)
_KEEP_INPUT_AGGREGATIONS = frozenset({"topk", "bottomk", "limitk", "limit_ratio"})


def _vector_arg(call: ast.Call) -> ast.Expr | None:
    # histogram_quantile(φ, v) and quantile_over_time(φ, v): the vector comes second
    index = 1 if call.func in ("quantile_over_time", "histogram_quantile") else 0
    return call.args[index] if len(call.args) > index else None


def _strip(e: ast.Expr) -> ast.Expr:
    while isinstance(e, (ast.ParenExpr, ast.UnaryExpr)):
        e = e.expr
    return e


def result_labels(e: ast.Expr) -> frozenset[str] | None:
    """The exact label names of ``e``'s result series, or None when it cannot be told."""
    e = _strip(e)
    if isinstance(e, ast.AggregateExpr):
        if e.op in _KEEP_INPUT_AGGREGATIONS:
            return result_labels(e.expr)
        inner = result_labels(e.expr)
        if e.without:
            return None if inner is None else inner - set(e.grouping)
        grouped = frozenset(e.grouping)
        if e.op == "count_values":
            param = _strip(e.param) if e.param is not None else None
            if not isinstance(param, ast.StringLiteral):
                return None
            return grouped | {param.value}
        return grouped
    if isinstance(e, ast.BinaryExpr):
        return _binary(e)
    if isinstance(e, ast.Call):
        if e.func == "vector":
            return frozenset()
        if e.func in ("label_replace", "label_join") and len(e.args) > 1:
            inner = result_labels(e.args[0])
            dst = _strip(e.args[1])
            if inner is None or not isinstance(dst, ast.StringLiteral):
                return None
            return inner | {dst.value}
        if e.func == "histogram_quantile":
            arg = _vector_arg(e)
            inner = result_labels(arg) if arg is not None else None
            return None if inner is None else inner - {"le"}
        if e.func in _KEEPS_LABELS:
            arg = _vector_arg(e)
            return result_labels(arg) if arg is not None else None
        return None
    if isinstance(e, ast.SubqueryExpr):
        return result_labels(e.expr)
    return None


def _binary(e: ast.BinaryExpr) -> frozenset[str] | None:
    lhs, rhs = _strip(e.lhs), _strip(e.rhs)
    if e.matching is None:
        # One side is a scalar: the result carries the vector side's labels.
        if isinstance(rhs, ast.NumberLiteral):
            return result_labels(lhs)
        if isinstance(lhs, ast.NumberLiteral):
            return result_labels(rhs)
        return None
    m = e.matching
    if e.op in ("and", "unless"):
        return result_labels(lhs)
    if e.op == "or":
        left, right = result_labels(lhs), result_labels(rhs)
        return None if left is None or right is None else left | right
    if m.card == "one-to-one":
        if m.on:
            return frozenset(m.labels)
        left = result_labels(lhs)
        return None if left is None else left - set(m.labels)
    if m.card == "many-to-one":
        left = result_labels(lhs)
        return None if left is None else left | set(m.include)
    if m.card == "one-to-many":
        right = result_labels(rhs)
        return None if right is None else right | set(m.include)
    return None


_COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
# Functions whose result is already a condition: present only when something is wrong.
_CONDITIONS = frozenset({"absent", "absent_over_time"})


def filters(e: ast.Expr) -> bool:
    """Does the query keep only some of its series (a comparison, ``absent``, ``and``)?

    An alert without one fires for every series its selectors return; a query
    with no selector at all (``vector(1)``, a heartbeat) fires on purpose.
    """
    selectors = False
    stack: list[object] = [e]
    while stack:
        n = stack.pop()
        if isinstance(n, list):
            stack.extend(n)
            continue
        if isinstance(n, ast.BinaryExpr) and (
            (n.op in _COMPARISONS and not n.return_bool) or n.op in ("and", "unless")
        ):
            return True
        if isinstance(n, ast.Call) and n.func in _CONDITIONS:
            return True
        if isinstance(n, ast.VectorSelector):
            selectors = True
        if isinstance(n, ast.Expr):
            stack.extend(v for v in vars(n).values() if isinstance(v, (ast.Expr, list)))
    return not selectors


_ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
_LABEL_REF = re.compile(
    r"(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)|index\s+(?:\$labels|\.Labels)\s+\"([^\"]+)\""
)
_GUARD = re.compile(r"^\s*(?:if|with|else\s+if)\b")


def label_references(template: str) -> tuple[set[str], set[str]]:
    """(labels a template reads, labels it tests first with ``if``/``with``)."""
    if re.search(r"\$labels\s*:?=", template):
        return set(), set()  # $labels is rebound: what it holds is no longer the result's
    read: set[str] = set()
    guarded: set[str] = set()
    for action in _ACTION.findall(template):
        names = {a or b for a, b in _LABEL_REF.findall(action)}
        read |= names
        if _GUARD.match(action):
            guarded |= names
    return read, guarded
