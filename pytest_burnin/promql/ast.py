"""The PromQL syntax tree, shared by the parser and the evaluator.

Node and field names follow Prometheus' ``promql/parser/ast.go`` so that its
documentation maps onto this code. Durations are integer milliseconds, or a
``DurationExpr`` when Prometheus 3 duration arithmetic depends on the query
step (``[step()*2]``) and so can only be resolved by the evaluator.
Every node keeps ``pos``: (start, end) character offsets into the query text,
used for error messages that point at ``line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

Pos = tuple[int, int]


class MatchType(Enum):
    EQUAL = "="
    NOT_EQUAL = "!="
    REGEX = "=~"
    NOT_REGEX = "!~"


@dataclass(frozen=True)
class Matcher:
    name: str
    type: MatchType
    value: str


@dataclass
class DurationExpr:
    """A duration that needs the evaluator: Prometheus 3 arithmetic over step().

    ``op`` is one of "+", "-", "*", "/", "%", "^", "neg", "step", "min", "max",
    "number" (a literal, in ms, in ``value``).
    """

    op: str
    args: list[DurationExpr] = field(default_factory=list)
    value: float = 0.0
    pos: Pos = (0, 0)


Duration = int | DurationExpr  # milliseconds


@dataclass
class Expr:
    pos: Pos = field(default=(0, 0), kw_only=True)


@dataclass
class NumberLiteral(Expr):
    value: float


@dataclass
class StringLiteral(Expr):
    value: str


@dataclass
class VectorSelector(Expr):
    name: str | None
    matchers: list[Matcher]
    offset: Duration = 0
    # ``@ <t>``: evaluation timestamp in ms; ``at_modifier`` is "start"/"end"
    # for ``@ start()`` / ``@ end()``, resolved against the query range.
    at: int | None = None
    at_modifier: str | None = None
    # Prometheus 3 experimental range-vector modifiers ("anchored", "smoothed").
    modifier: str | None = None


@dataclass
class MatrixSelector(Expr):
    vector: VectorSelector
    range: Duration


@dataclass
class SubqueryExpr(Expr):
    expr: Expr
    range: Duration
    step: Duration | None  # None: the engine's default resolution
    offset: Duration = 0
    at: int | None = None
    at_modifier: str | None = None


@dataclass
class ParenExpr(Expr):
    expr: Expr


@dataclass
class UnaryExpr(Expr):
    op: str  # "+" or "-"
    expr: Expr


@dataclass
class VectorMatching:
    card: str = "one-to-one"  # "one-to-one", "many-to-one", "one-to-many", "many-to-many"
    labels: list[str] = field(default_factory=list)
    on: bool = False  # True: on(labels); False: ignoring(labels)
    include: list[str] = field(default_factory=list)  # group_left/right(labels)
    # Prometheus 3 ``fill``/``fill_left``/``fill_right`` modifiers (experimental).
    fill_left: float | None = None
    fill_right: float | None = None


@dataclass
class BinaryExpr(Expr):
    op: str  # "+", "-", "*", "/", "%", "^", "atan2", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless"
    lhs: Expr
    rhs: Expr
    return_bool: bool = False
    matching: VectorMatching | None = None  # None when either side is scalar


@dataclass
class AggregateExpr(Expr):
    op: str  # "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", ...
    expr: Expr
    param: Expr | None = None
    grouping: list[str] = field(default_factory=list)
    without: bool = False


@dataclass
class Call(Expr):
    func: str
    args: list[Expr]


class ValueType(Enum):
    SCALAR = "scalar"
    STRING = "string"
    VECTOR = "vector"
    MATRIX = "matrix"


def subexpressions(node: object) -> list[Expr]:
    """Every expression node in ``node``'s tree (itself included), parents before children.

    The order is a stack walk's: what each caller needs is the set, not the order.
    """
    out: list[Expr] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, list):
            stack.extend(n)
        elif isinstance(n, Expr):
            out.append(n)
            stack.extend(v for k, v in vars(n).items() if k != "pos")
    return out
