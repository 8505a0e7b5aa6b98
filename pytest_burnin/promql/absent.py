"""The labels ``absent()`` and ``absent_over_time()`` report for their argument."""

from __future__ import annotations

from . import ast
from .labels import METRIC_NAME, Labels, labels_from


def absent_labels(arg: ast.Expr) -> Labels:
    """Labels ``absent()`` reports: the selector's equality matchers, if unambiguous."""
    if isinstance(arg, ast.MatrixSelector):
        arg = arg.vector
    if not isinstance(arg, ast.VectorSelector):
        return ()
    out: dict[str, str] = {}
    seen: set[str] = set()
    for m in arg.matchers:
        if m.name == METRIC_NAME:
            continue
        if m.type is ast.MatchType.EQUAL and m.name not in seen:
            out[m.name] = m.value
            seen.add(m.name)
        else:
            out.pop(m.name, None)
    return labels_from(out)
