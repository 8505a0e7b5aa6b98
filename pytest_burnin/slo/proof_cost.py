"""What a proof's simulation will cost when its SLI reads subqueries, before running it.

A subquery over a window w evaluates its inner query w/step times. In a
simulation the engine remembers inner steps from one evaluation to the next
(``promql/subquery_memo.py``), so an inner query over the inputs costs one
evaluation per simulated step, and a function that needs no pass over the
window (``count_over_time``, ``sum_over_time`` of integer counts, which are
prefix sums) costs nothing more per step. Anything else re-reads the whole
window at every step, and a proof of days over a 30-day window would take
hours: such a proof is refused with these figures instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..promql import ast
from ..promql.parser import ParseError, parse
from ..promql.subquery_memo import SubqueryMemo, volatile_names
from ..rules.rulefile import RuleGroup

# Window functions that read O(1) of a remembered window: a count, an end point.
_CONSTANT = {
    "count_over_time",
    "present_over_time",
    "last_over_time",
    "first_over_time",
    "ts_of_last_over_time",
    "ts_of_first_over_time",
}


@dataclass(frozen=True)
class Cost:
    inner_steps: int  # evaluations of inner queries
    points_read: int  # window points passed over by the functions around subqueries
    reads: int  # subquery evaluations (one per rule, subquery and step)

    @property
    def seconds(self) -> float:
        """A rough CPU estimate on a 2020s core, measured on Sloth's Wi-Fi SLIs."""
        return (self.inner_steps * 30 + self.reads * 12 + self.points_read * 0.25) / 1e6


def subquery_cost(groups: list[RuleGroup], span_ms: int, step_ms: int) -> Cost:
    """What a ``span_ms`` simulation of ``groups`` costs in subquery work."""
    memo = SubqueryMemo(volatile_names(groups))
    steps = span_ms // step_ms + 1
    inner_steps = points_read = reads = 0
    inner_once: dict[str, int] = {}  # remembered inner queries, by text: their longest window
    for rule in (r for g in groups for r in g.rules):
        text = rule.expr
        try:
            tree = parse(text)
        except ParseError:
            continue  # reported where the rules load
        calls = {
            id(c.args[0]): c.func
            for c in ast.subexpressions(tree)
            if isinstance(c, ast.Call) and c.args and isinstance(c.args[0], ast.SubqueryExpr)
        }
        for node in ast.subexpressions(tree):
            if not isinstance(node, ast.SubqueryExpr):
                continue
            window = node.range if isinstance(node.range, int) else 0
            step = node.step if isinstance(node.step, int) and node.step else step_ms
            points = window // step + 1
            reads += steps
            func = calls.get(id(node))
            if not (func in _CONSTANT or (func == "sum_over_time" and _counts(node.expr))):
                points_read += points * steps
            if memo.eligible(node.expr):
                inner = text[node.expr.pos[0] : node.expr.pos[1]]
                inner_once[inner] = max(inner_once.get(inner, 0), points)
            else:
                inner_steps += points * steps
    inner_steps += sum(p + steps for p in inner_once.values())
    return Cost(inner_steps, points_read, reads)


def _counts(node: ast.Expr) -> bool:
    """Whether the inner query yields integer counts (so its sums are prefix sums)."""
    while isinstance(node, ast.ParenExpr):
        node = node.expr
    return isinstance(node, ast.AggregateExpr) and node.op in ("count", "count_values")
