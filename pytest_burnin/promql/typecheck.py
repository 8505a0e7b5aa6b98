"""PromQL functions (argument and return types) and Prometheus' static type checks.

``check(expr, text)`` is Prometheus' ``checkAST``: children first, then the
node; the first problem raises ``ParseError`` worded as promtool words it.
"""

from __future__ import annotations

from typing import NoReturn

from . import ast, goregex
from .lexer import ParseError, go_quote
from .storage import matches

_S, _V, _M, _STR = (
    ast.ValueType.SCALAR,
    ast.ValueType.VECTOR,
    ast.ValueType.MATRIX,
    ast.ValueType.STRING,
)
FunctionSpec = tuple[tuple[ast.ValueType, ...], int, ast.ValueType]


def _table() -> dict[str, FunctionSpec]:
    """Every PromQL function: (argument types, variadic count, return type).

    ``variadic`` follows Prometheus: 0 = exactly the listed arguments; n > 0 =
    the last argument may be omitted or repeated, n arguments at most beyond
    the others; -1 = repeated without limit.
    """
    table: dict[str, FunctionSpec] = {}
    vector_funcs = (
        "abs absent ceil exp floor ln log2 log10 sqrt sgn sort sort_desc timestamp deg rad"
        " acos acosh asin asinh atan atanh cos cosh sin sinh tan tanh histogram_avg"
        " histogram_count histogram_sum histogram_stddev histogram_stdvar start_timestamp"
    )
    for name in vector_funcs.split():
        table[name] = ((_V,), 0, _V)
    range_funcs = (
        "absent_over_time avg_over_time changes count_over_time delta deriv first_over_time"
        " idelta increase irate last_over_time mad_over_time max_over_time min_over_time"
        " present_over_time rate resets stddev_over_time stdvar_over_time sum_over_time"
        " ts_of_first_over_time ts_of_last_over_time ts_of_max_over_time ts_of_min_over_time"
    )
    for name in range_funcs.split():
        table[name] = ((_M,), 0, _V)
    for name in [
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "days_in_month",
        "hour",
        "minute",
        "month",
        "year",
    ]:
        table[name] = ((_V,), 1, _V)
    for name in ("pi", "time", "start", "end", "step", "range"):
        table[name] = ((), 0, _S)
    for name in ("min_of", "max_of"):
        table[name] = ((_S, _S), 0, _S)
    table.update(
        {
            "clamp": ((_V, _S, _S), 0, _V),
            "clamp_max": ((_V, _S), 0, _V),
            "clamp_min": ((_V, _S), 0, _V),
            "histogram_fraction": ((_S, _S, _V), 0, _V),
            "histogram_quantile": ((_S, _V), 0, _V),
            "histogram_quantiles": ((_V, _STR, _S, _S), 9, _V),
            "double_exponential_smoothing": ((_M, _S, _S), 0, _V),
            # Removed in Prometheus 3 (renamed above) but still in 2.x rule files.
            "holt_winters": ((_M, _S, _S), 0, _V),
            "info": ((_V, _V), 1, _V),
            "integral": ((_M, _S), 1, _V),
            "label_replace": ((_V, _STR, _STR, _STR, _STR), 0, _V),
            "label_join": ((_V, _STR, _STR, _STR), -1, _V),
            "predict_linear": ((_M, _S), 0, _V),
            "quantile_over_time": ((_S, _M), 0, _V),
            "round": ((_V, _S), 1, _V),
            "scalar": ((_V,), 0, _S),
            "sort_by_label": ((_V, _STR), -1, _V),
            "sort_by_label_desc": ((_V, _STR), -1, _V),
            "vector": ((_S,), 0, _V),
        }
    )
    return table


FUNCTIONS: dict[str, FunctionSpec] = _table()

_DOCUMENTED = {_S: "scalar", _V: "instant vector", _M: "range vector", _STR: "string"}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_SET_OPS = frozenset({"and", "or", "unless"})


def expr_type(expr: ast.Expr) -> ast.ValueType:
    """The static type of an expression, as Prometheus' ``Expr.Type()``."""
    if isinstance(expr, ast.NumberLiteral):
        return _S
    if isinstance(expr, ast.StringLiteral):
        return _STR
    if isinstance(expr, ast.VectorSelector | ast.AggregateExpr):
        return _V
    if isinstance(expr, ast.MatrixSelector | ast.SubqueryExpr):
        return _M
    if isinstance(expr, ast.ParenExpr | ast.UnaryExpr):
        return expr_type(expr.expr)
    if isinstance(expr, ast.BinaryExpr):
        both_scalar = expr_type(expr.lhs) == _S and expr_type(expr.rhs) == _S
        return _S if both_scalar else _V
    if isinstance(expr, ast.Call):
        spec = FUNCTIONS.get(expr.func)
        return spec[2] if spec else _V
    raise TypeError(f"not a PromQL expression: {expr!r}")


class Checker:
    """Prometheus' checkAST: children first, then the node; the first error wins."""

    def __init__(self, text: str, compat: int = 3) -> None:
        self.text = text
        self.compat = compat

    def fail(self, msg: str, pos: int) -> NoReturn:
        raise ParseError(msg, pos, self.text)

    def check(self, expr: ast.Expr) -> ast.ValueType:
        if isinstance(expr, ast.AggregateExpr):
            self.check_aggregate(expr)
        elif isinstance(expr, ast.BinaryExpr):
            self.check_binary(expr)
        elif isinstance(expr, ast.Call):
            self.check_call(expr)
        elif isinstance(expr, ast.ParenExpr):
            self.check(expr.expr)
        elif isinstance(expr, ast.UnaryExpr):
            operand = self.check(expr.expr)
            if operand not in (_S, _V):
                self.fail(
                    "unary expression only allowed on expressions of type scalar or "
                    f'instant vector, got "{_DOCUMENTED[operand]}"',
                    expr.pos[0],
                )
        elif isinstance(expr, ast.SubqueryExpr):
            inner = self.check(expr.expr)
            if inner != _V:
                self.fail(
                    f"subquery is only allowed on instant vector, got {inner.value} instead",
                    expr.pos[0],
                )
        elif isinstance(expr, ast.MatrixSelector):
            self.check(expr.vector)
        elif isinstance(expr, ast.VectorSelector):
            self.check_selector(expr)
        return expr_type(expr)

    def expect(self, expr: ast.Expr, want: ast.ValueType, context: str) -> None:
        got = self.check(expr)
        if got != want:
            self.fail(
                f"expected type {_DOCUMENTED[want]} in {context}, got {_DOCUMENTED[got]}",
                expr.pos[0],
            )

    def check_aggregate(self, expr: ast.AggregateExpr) -> None:
        self.expect(expr.expr, _V, "aggregation expression")
        if expr.param is not None:
            want = _STR if expr.op == "count_values" else _S
            self.expect(expr.param, want, "aggregation parameter")

    def check_binary(self, expr: ast.BinaryExpr) -> None:
        lt, rt = self.check(expr.lhs), self.check(expr.rhs)
        op_pos = self.operator_pos(expr)
        matching = expr.matching or ast.VectorMatching()
        if expr.return_bool and expr.op not in _COMPARISONS:
            self.fail("bool modifier can only be used on comparison operators", op_pos)
        if expr.op in _COMPARISONS and not expr.return_bool and lt == rt == _S:
            self.fail("comparisons between scalars must use BOOL modifier", op_pos)
        if expr.op in _SET_OPS and matching.card == "one-to-one":
            matching.card = "many-to-many"
        if matching.on:
            for label in matching.include:
                if label in matching.labels:
                    self.fail(
                        f"label {go_quote(label)} must not occur in ON and GROUP clause at once",
                        op_pos,
                    )
        for side, side_type in ((expr.lhs, lt), (expr.rhs, rt)):
            if side_type not in (_S, _V):
                self.fail(
                    "binary expression must contain only scalar and instant vector types",
                    side.pos[0],
                )
        self.check_matching(expr, matching, lt, rt)

    def check_matching(
        self,
        expr: ast.BinaryExpr,
        matching: ast.VectorMatching,
        lt: ast.ValueType,
        rt: ast.ValueType,
    ) -> None:
        filled = matching.fill_left is not None or matching.fill_right is not None
        start = expr.pos[0]
        if lt != _V or rt != _V:
            if matching.labels:
                self.fail("vector matching only allowed between instant vectors", start)
            if filled:
                self.fail("filling in missing series only allowed between instant vectors", start)
            expr.matching = None  # the evaluator's signal for scalar arithmetic
        elif expr.op in _SET_OPS:
            if matching.card in ("one-to-many", "many-to-one"):
                self.fail(f"no grouping allowed for {go_quote(expr.op)} operation", start)
            if filled:
                self.fail("filling in missing series not allowed for set operators", start)
        if (lt == _S or rt == _S) and expr.op in _SET_OPS:
            self.fail(
                f"set operator {go_quote(expr.op)} not allowed in binary scalar expression", start
            )

    def operator_pos(self, expr: ast.BinaryExpr) -> int:
        """Where the operator starts: the first non-space after the left operand."""
        i = expr.lhs.pos[1]
        while i < len(self.text) and self.text[i] in " \t\r\n":
            i += 1
        return i

    def check_call(self, expr: ast.Call) -> None:
        arg_types, variadic, _ = FUNCTIONS[expr.func]
        self.check_arg_count(expr, len(arg_types), variadic)
        name = go_quote(expr.func)
        if expr.func == "info" and len(expr.args) > 1:
            self.check_info_selector(expr)
        for i, arg in enumerate(expr.args):
            if i >= len(arg_types):
                if variadic == 0:
                    break
                i = len(arg_types) - 1
            if expr.func == "info" and i == 1:
                continue
            self.expect(arg, arg_types[i], f"call to function {name}")

    def check_arg_count(self, expr: ast.Call, nargs: int, variadic: int) -> None:
        name, given, start = go_quote(expr.func), len(expr.args), expr.pos[0]
        if variadic == 0:
            if nargs != given:
                self.fail(f"expected {nargs} argument(s) in call to {name}, got {given}", start)
        elif nargs - 1 > given:
            self.fail(
                f"expected at least {nargs - 1} argument(s) in call to {name}, got {given}", start
            )
        elif variadic > 0 and nargs - 1 + variadic < given:
            self.fail(
                f"expected at most {nargs - 1 + variadic} argument(s) in call to {name}, "
                f"got {given}",
                start,
            )

    def check_info_selector(self, expr: ast.Call) -> None:
        """info()'s second argument is a bare label selector, exempt from the empty check."""
        arg = expr.args[1]
        if not isinstance(arg, ast.VectorSelector):
            got = expr_type(arg)
            if got != _V:
                self.fail(
                    f'expected type instant vector in call to function "info", '
                    f"got {_DOCUMENTED[got]}",
                    expr.pos[0],
                )
            self.fail("expected label selectors only", arg.pos[0])
        if arg.name:
            self.fail("expected label selectors only, got vector selector instead", arg.pos[0])

    def check_selector(self, expr: ast.VectorSelector) -> None:
        if expr.name is not None:
            return  # a metric name is itself a non-empty matcher
        if not any(_matches_non_empty(m) for m in expr.matchers):
            self.fail("vector selector must contain at least one non-empty matcher", expr.pos[0])


def _matches_non_empty(matcher: ast.Matcher) -> bool:
    """True when the matcher rejects the empty string (so it narrows the selection)."""
    try:
        return not matches(matcher, "")
    except goregex.RegexError:  # refused earlier by the parser; be safe all the same
        return True
