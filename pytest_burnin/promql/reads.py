"""What an expression reads: which metrics, and whether only samples at or before its time.

The rule runner follows recording-rule dependencies by metric name, its
all-steps path and the engine's subquery memo (``subquery_memo.py``) may only
take an expression whose value at t is final once the samples up to t are in.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import ast
from .labels import METRIC_NAME

# Functions whose value depends on the query's range, not only on t (``info`` reads
# target_info, a series the tree does not name).
_RANGE_DEPENDENT = frozenset({"step", "range", "start", "end", "info"})


def referenced_metrics(expr: ast.Expr) -> set[str] | None:
    """Metric names the expression reads; None when a selector could read any name."""
    names: set[str] = set()
    for node in ast.subexpressions(expr):
        if isinstance(node, ast.VectorSelector):
            if node.name:
                names.add(node.name)
                continue
            eq = [
                m.value
                for m in node.matchers
                if m.name == METRIC_NAME and m.type is ast.MatchType.EQUAL
            ]
            if not eq:
                return None
            names.add(eq[0])
    return names


def time_safe(expr: ast.Expr) -> bool:
    """Whether the value at t reads only samples at or before t, the same in an
    instant and a range query: no ``@``, no negative offset, no ``smoothed`` or
    ``anchored`` selector, no ``step()``/``range()`` duration, no range-dependent
    function."""
    for n in ast.subexpressions(expr):
        if any(d.op in ("step", "range") for d in _durations(n)):
            return False
        if isinstance(n, ast.VectorSelector | ast.SubqueryExpr):
            if n.at is not None or n.at_modifier is not None:
                return False
            if not isinstance(n.offset, int) or n.offset < 0:
                return False
            if isinstance(n, ast.VectorSelector) and n.modifier is not None:
                return False
        elif isinstance(n, ast.Call) and n.func in _RANGE_DEPENDENT:
            return False
    return True


def _durations(node: ast.Expr) -> Iterator[ast.DurationExpr]:
    """The duration expressions of one node (offset, range, step), nested ones too."""
    stack = [v for v in vars(node).values() if isinstance(v, ast.DurationExpr)]
    while stack:
        d = stack.pop()
        yield d
        stack.extend(d.args)
