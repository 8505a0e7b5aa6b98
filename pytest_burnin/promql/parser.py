"""PromQL parser: recursive descent, with precedence climbing for binary operators.

``parse(text)`` returns an ``ast.Expr`` that has passed Prometheus' static
type checks, or raises ``ParseError`` worded and positioned as promtool words
it. The grammar is Prometheus 3's, including its experimental parts (duration
arithmetic in brackets, ``anchored``/``smoothed``, ``fill(...)``), which are
accepted without feature flags: a release gate should not reject a rule that
a flag-enabled Prometheus runs.
"""

from __future__ import annotations

import math
from typing import NoReturn

from . import ast, duration_wording, goregex
from .lexer import (
    AGGR,
    DURATION,
    DURATION_WORDS,
    EOF,
    ERROR,
    FILL_KEYWORDS,
    IDENT,
    KEYWORD,
    METRIC_IDENT,
    NUMBER,
    OP,
    PUNCT,
    STRING,
    ParseError,
    Token,
    go_quote,
    parse_duration,
    tokenize,
)
from .literals import parse_number, unquote
from .typecheck import FUNCTIONS, Checker, expr_type

__all__ = [
    "FUNCTIONS",
    "ParseError",
    "expr_type",
    "parse",
    "parse_duration",
    "parse_number",
    "unquote",
]

# Binary operator precedence, lowest first; "^" is the only right-associative one.
_BINARY_PREC = {
    "or": 1,
    "and": 2,
    "unless": 2,
    "==": 3,
    "!=": 3,
    "<": 3,
    "<=": 3,
    ">": 3,
    ">=": 3,
    # Prometheus 3 native-histogram trim operators (parsed; the evaluator rejects them).
    "</": 3,
    ">/": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
    "atan2": 5,
    "^": 6,
}
# Unary minus binds like "*" (so -a^2 is -(a^2)), as in Prometheus' grammar.
_UNARY_OPERAND_PREC = 6
_PARAM_AGGREGATORS = frozenset(
    {"topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio"}
)
# What promtool says a duration position takes (step() and range() came after 3.5):
# 3.5 takes numbers of seconds too, 2.x only duration literals.
_OFFSET_EXPECTED = {3: "number or duration", 2: "duration"}
_STEP_EXPECTED = {3: 'number or duration or "]"', 2: 'duration or "]"'}


def parse(text: str, compat: int = 3) -> ast.Expr:
    """Parse and type-check one PromQL expression.

    ``compat`` only shapes regex error messages: Prometheus 2.x quotes the
    fragment of ``^(?:<regex>)$`` it compiled, 3.x of the regex alone.
    """
    expr = _Parser(text, compat).parse_top()
    Checker(text, compat).check(expr)
    return expr


def _go_round(x: float) -> int:
    """Go's math.Round: halves away from zero (Python's round() is to even)."""
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def _seconds_to_ms(seconds: float) -> int:
    return _go_round(seconds * 1000)


class _Parser:
    """One parse: a token list, a cursor, and one method per grammar rule."""

    def __init__(self, text: str, compat: int = 3) -> None:
        self.text = text
        self.compat = compat
        self.toks = tokenize(text, compat)
        self.k = 0
        self.bare_name: str | None = None

    # -- token access ------------------------------------------------------

    def peek(self) -> Token:
        tok = self.toks[self.k]
        if tok.kind == ERROR:
            raise ParseError(tok.val, tok.pos, self.text)
        return tok

    def peek2(self) -> Token:
        """The token after the next one (ERROR tokens are not raised here)."""
        return self.toks[min(self.k + 1, len(self.toks) - 1)]

    def advance(self) -> Token:
        tok = self.peek()
        if tok.kind != EOF:
            self.k += 1
        return tok

    def at(self, kind: str, val: str | None = None) -> bool:
        tok = self.peek()
        return tok.kind == kind and (val is None or tok.val.lower() == val)

    def at_punct(self, val: str) -> bool:
        return self.at(PUNCT, val)

    def expect_punct(self, val: str, context: str = "", expected: str = "") -> Token:
        if not self.at_punct(val):
            self.unexpected(context, expected)
        return self.advance()

    def error(self, msg: str, pos: int) -> NoReturn:
        raise ParseError(msg, pos, self.text)

    def unexpected(self, context: str = "", expected: str = "") -> NoReturn:
        tok = self.peek()
        msg = f"unexpected {tok.desc()}"
        if context:
            msg += f" in {context}"
        if expected:
            msg += f", expected {expected}"
        self.error(msg, tok.pos)

    @property
    def last_end(self) -> int:
        return self.toks[self.k - 1].end if self.k else 0

    # -- expressions -------------------------------------------------------

    def parse_top(self) -> ast.Expr:
        if self.peek().kind == EOF:
            self.error("no expression found in input", 0)
        expr = self.parse_expr(0)
        if not self.at(EOF):
            self.unexpected()
        return expr

    def parse_expr(self, min_prec: int) -> ast.Expr:
        lhs = self.parse_unary()
        while True:
            tok = self.peek()
            op = tok.val.lower()
            prec = _BINARY_PREC.get(op) if tok.kind == OP else None
            if prec is None or prec < min_prec:
                return lhs
            self.advance()
            return_bool, matching = self.parse_bin_modifiers()
            rhs = self.parse_expr(prec if op == "^" else prec + 1)
            lhs = ast.BinaryExpr(
                op,
                lhs,
                rhs,
                return_bool=return_bool,
                matching=matching,
                pos=(lhs.pos[0], rhs.pos[1]),
            )

    def parse_unary(self) -> ast.Expr:
        tok = self.peek()
        if tok.kind == OP and tok.val in ("+", "-"):
            self.advance()
            operand = self.parse_expr(_UNARY_OPERAND_PREC)
            pos = (tok.pos, operand.pos[1])
            # Prometheus folds a sign into a bare number literal (not a parenthesised one).
            if isinstance(operand, ast.NumberLiteral):
                value = -operand.value if tok.val == "-" else operand.value
                return ast.NumberLiteral(value, pos=pos)
            return ast.UnaryExpr(tok.val, operand, pos=pos)
        return self.parse_postfix(self.parse_primary())

    def parse_primary(self) -> ast.Expr:
        tok = self.peek()
        kind = tok.kind
        if kind == NUMBER or (kind == DURATION and self.compat >= 3):  # 2.x: no "5m" numbers
            self.advance()
            return ast.NumberLiteral(self.number_value(tok), pos=(tok.pos, tok.end))
        if kind == STRING:
            self.advance()
            return ast.StringLiteral(self.unquote_token(tok), pos=(tok.pos, tok.end))
        if kind == PUNCT and tok.val == "(":
            self.advance()
            inner = self.parse_expr(0)
            close = self.expect_punct(")")
            return ast.ParenExpr(inner, pos=(tok.pos, close.end))
        if kind == PUNCT and tok.val == "{":
            return self.parse_vector_selector(None, tok.pos)
        if kind == AGGR and self.is_aggregation_start():
            return self.parse_aggregation()
        if kind == IDENT and self.peek2().kind == PUNCT and self.peek2().val == "(":
            return self.parse_call()
        if _names_a_metric(tok):
            self.advance()
            return self.parse_vector_selector(tok.val, tok.pos)
        self.unexpected()

    def starts_operand(self) -> bool:
        """Whether the next token can begin an operand (what parse_unary takes)."""
        tok = self.peek()
        if tok.kind in (NUMBER, STRING) or _names_a_metric(tok):
            return True
        if tok.kind == DURATION:
            return self.compat >= 3
        if tok.kind == PUNCT:
            return tok.val in ("(", "{")
        return tok.kind == OP and tok.val in ("+", "-")

    def is_aggregation_start(self) -> bool:
        nxt = self.peek2()
        return (nxt.kind == PUNCT and nxt.val == "(") or (
            nxt.kind == KEYWORD and nxt.val.lower() in ("by", "without")
        )

    def number_value(self, tok: Token) -> float:
        if tok.kind == DURATION:
            try:
                return parse_duration(tok.val) / 1000
            except ValueError as err:
                self.error(self.duration_error(tok.val, err), tok.pos)
        return parse_number(tok.val, tok.pos, self.text)

    # -- postfix modifiers: [range], [range:step], offset, @, anchored, smoothed

    def parse_postfix(self, expr: ast.Expr) -> ast.Expr:
        while True:
            tok = self.peek()
            if tok.kind == PUNCT and tok.val == "[":
                expr = self.parse_range_or_subquery(expr)
            elif tok.kind == KEYWORD and tok.val.lower() == "offset":
                self.advance()
                self.apply_offset(expr, self.parse_offset_duration())
            elif tok.kind == OP and tok.val == "@":
                self.advance()
                self.parse_at(expr)
            elif tok.kind == KEYWORD and tok.val.lower() in ("anchored", "smoothed"):
                self.advance()
                self.apply_range_modifier(expr, tok.val.lower())
            else:
                return expr
            expr.pos = (expr.pos[0], self.last_end)

    def parse_range_or_subquery(self, expr: ast.Expr) -> ast.Expr:
        open_tok = self.advance()
        if self.compat < 3:
            return self.parse_range_or_subquery_2x(expr, open_tok)
        if self.at_punct("]") or self.at_punct(":"):
            self.unexpected("subquery selector", _OFFSET_EXPECTED[3])
        rng = self.parse_positive_duration("subquery selector", _OFFSET_EXPECTED[3])
        if self.at_punct("]"):
            close = self.advance()
            return self.make_matrix(expr, rng, open_tok, close)
        if not self.at_punct(":"):
            self.unexpected("subquery or range", '":" or "]"')
        self.advance()
        step: ast.Duration | None = None
        if not self.at_punct("]"):
            step = self.parse_positive_duration("subquery selector", _STEP_EXPECTED[3])
            if not self.at_punct("]"):
                self.unexpected("subquery selector", '"]"')
        close = self.advance()
        return ast.SubqueryExpr(expr, rng, step, pos=(expr.pos[0], close.end))

    def parse_range_or_subquery_2x(self, expr: ast.Expr, open_tok: Token) -> ast.Expr:
        """Prometheus 2.x's grammar: duration literals only (its lexer saw to the first)."""
        rng = self.duration_literal("subquery selector", "duration")
        if self.at_punct("]"):
            return self.make_matrix(expr, rng, open_tok, self.advance())
        if not self.at_punct(":"):
            self.unexpected("subquery or range", '":" or "]"')
        self.advance()
        step = (
            None
            if self.at_punct("]")
            else self.duration_literal("subquery selector", 'duration or "]"')
        )
        if not self.at_punct("]"):
            self.unexpected("subquery selector", '"]"')
        close = self.advance()
        return ast.SubqueryExpr(expr, rng, step, pos=(expr.pos[0], close.end))

    def duration_literal(self, context: str, expected: str) -> int:
        tok = self.peek()
        if tok.kind != DURATION:
            self.unexpected(context, expected)
        self.advance()
        try:
            ms = parse_duration(tok.val)
        except ValueError as err:
            self.error(self.duration_error(tok.val, err), tok.pos)
        if ms <= 0:
            self.error("duration must be greater than 0", tok.pos)
        return ms

    def make_matrix(
        self, expr: ast.Expr, rng: ast.Duration, open_tok: Token, close: Token
    ) -> ast.MatrixSelector:
        msg = ""
        if not isinstance(expr, ast.VectorSelector):
            msg = "ranges only allowed for vector selectors"
        elif expr.offset != 0:
            msg = "no offset modifiers allowed before range"
        elif expr.at is not None:  # Prometheus lets `x @ start() [5m]` through
            msg = "no @ modifiers allowed before range"
        if msg or not isinstance(expr, ast.VectorSelector):
            self.error(msg, open_tok.pos)
        return ast.MatrixSelector(expr, rng, pos=(expr.pos[0], close.end))

    def modifier_target(self, expr: ast.Expr, what: str) -> ast.VectorSelector | ast.SubqueryExpr:
        if isinstance(expr, ast.MatrixSelector):
            return expr.vector
        if isinstance(expr, (ast.VectorSelector, ast.SubqueryExpr)):
            return expr
        self.error(
            f"{what} modifier must be preceded by an instant vector selector"
            " or range vector selector or a subquery",
            expr.pos[0],
        )

    def apply_offset(self, expr: ast.Expr, offset: ast.Duration) -> None:
        target = self.modifier_target(expr, "offset")
        if target.offset != 0:
            self.error("offset may not be set multiple times", expr.pos[0])
        target.offset = offset

    def parse_at(self, expr: ast.Expr) -> None:
        tok = self.peek()
        target = self.modifier_target(expr, "@")
        if target.at is not None or target.at_modifier is not None:
            self.error("@ <timestamp> may not be set multiple times", expr.pos[0])
        if tok.kind == IDENT and tok.val.lower() in ("start", "end"):
            self.advance()
            self.expect_punct("(", "@", "timestamp")
            self.expect_punct(")", "@", "timestamp")
            target.at_modifier = tok.val.lower()
            return
        sign = 1.0
        if tok.kind == OP and tok.val in ("+", "-"):
            sign = -1.0 if tok.val == "-" else 1.0
            self.advance()
        num = self.peek()
        if num.kind != NUMBER and (num.kind != DURATION or self.compat < 3):
            self.unexpected("@", "timestamp")
        self.advance()
        ts = sign * self.number_value(num)
        if math.isinf(ts) or math.isnan(ts) or abs(ts) >= 2.0**63:
            shown = "NaN" if math.isnan(ts) else ("+Inf" if ts > 0 else "-Inf")
            if not math.isinf(ts) and not math.isnan(ts):
                shown = f"{ts:f}"
            self.error(f"timestamp out of bounds for @ modifier: {shown}", expr.pos[0])
        target.at = _seconds_to_ms(ts)

    def apply_range_modifier(self, expr: ast.Expr, modifier: str) -> None:
        if isinstance(expr, ast.SubqueryExpr):
            self.error(f"{modifier} modifier is not supported for subqueries", expr.pos[0])
        target = self.modifier_target(expr, modifier)
        assert isinstance(target, ast.VectorSelector)
        if target.modifier is not None and target.modifier != modifier:
            self.error("anchored and smoothed modifiers cannot be used together", expr.pos[0])
        target.modifier = modifier

    # -- duration expressions ---------------------------------------------

    def parse_positive_duration(self, context: str, expected: str) -> ast.Duration:
        start, first = self.peek().pos, self.k
        value = self.duration_expr(0, context, expected)
        if isinstance(value, ast.DurationExpr):
            return value
        # Like Prometheus, only a (signed) literal is checked here; arithmetic
        # that comes out non-positive is left to evaluation.
        literal = self.k - first == 1 or (self.k - first == 2 and self.toks[first].kind == OP)
        if literal and value <= 0:
            self.error("duration must be greater than 0", start)
        return self.to_ms(value, start)

    def parse_offset_duration(self) -> ast.Duration:
        """After ``offset``: a signed literal, step()/range()/min_of/max_of, or (expr).

        Binary arithmetic is not taken here: ``foo offset 1h + 1`` adds 1 to the
        offset selector, as in Prometheus.
        """
        start = self.peek().pos
        tok = self.peek()
        if self.compat < 3:  # 2.x: [-]duration
            if tok.kind == OP and tok.val == "-":
                self.advance()
                return -self.duration_literal("offset", _OFFSET_EXPECTED[2])
            return self.duration_literal("offset", _OFFSET_EXPECTED[2])
        if tok.kind == OP and tok.val in ("+", "-"):
            self.advance()
            value = self.duration_atom(_OFFSET_EXPECTED[3], "offset")
            if tok.val == "-":
                value = _negate(value, tok.pos)
        else:
            value = self.duration_atom(_OFFSET_EXPECTED[3], "offset")
        if isinstance(value, ast.DurationExpr):
            return value
        return self.to_ms(value, start)

    def to_ms(self, seconds: float, pos: int) -> int:
        if math.isnan(seconds) or abs(seconds) > (1 << 63) / 1e9:
            self.error("duration out of range", pos)
        return _seconds_to_ms(seconds)

    def duration_expr(
        self, min_prec: int, context: str, expected: str = _OFFSET_EXPECTED[3]
    ) -> float | ast.DurationExpr:
        """Duration arithmetic; constants fold to seconds, step()/range() stay symbolic."""
        tok = self.peek()
        if tok.kind == OP and tok.val in ("+", "-"):
            self.advance()
            operand = self.duration_expr(_UNARY_OPERAND_PREC, context, expected)
            lhs = _negate(operand, tok.pos) if tok.val == "-" else operand
        else:
            lhs = self.duration_atom(expected, context)
        while True:
            tok = self.peek()
            prec = _BINARY_PREC.get(tok.val) if tok.kind == OP else None
            if prec is None or prec < 4 or prec < min_prec:
                return lhs
            self.advance()
            rhs = self.duration_expr(prec if tok.val == "^" else prec + 1, context, expected)
            lhs = self.duration_binary(tok, lhs, rhs)

    def duration_binary(
        self, tok: Token, lhs: float | ast.DurationExpr, rhs: float | ast.DurationExpr
    ) -> float | ast.DurationExpr:
        op = tok.val
        if not isinstance(rhs, ast.DurationExpr) and rhs == 0 and op in ("/", "%"):
            self.error("division by zero" if op == "/" else "modulo by zero", tok.pos)
        if isinstance(lhs, ast.DurationExpr) or isinstance(rhs, ast.DurationExpr):
            args = [_as_duration_expr(lhs), _as_duration_expr(rhs)]
            return ast.DurationExpr(op, args, pos=(tok.pos, tok.end))
        if op == "+":
            return lhs + rhs
        if op == "-":
            return lhs - rhs
        if op == "*":
            return lhs * rhs
        if op == "/":
            return lhs / rhs
        if op == "%":
            return math.fmod(lhs, rhs)
        try:
            return math.pow(lhs, rhs)
        except (OverflowError, ValueError):
            return math.inf if lhs > 0 else math.nan

    def duration_atom(self, expected: str, context: str) -> float | ast.DurationExpr:
        tok = self.peek()
        if tok.kind in (NUMBER, DURATION):
            self.advance()
            return self.number_value(tok)
        if tok.kind == PUNCT and tok.val == "(":
            self.advance()
            inner = self.duration_expr(0, context)
            self.expect_punct(")", context, expected)
            return inner
        word = tok.val.lower() if tok.kind == IDENT else ""
        if word in ("step", "range"):
            self.advance()
            self.expect_punct("(", context, expected)
            close = self.expect_punct(")", context, expected)
            return ast.DurationExpr(word, pos=(tok.pos, close.end))
        if word in ("min_of", "max_of"):
            self.advance()
            self.expect_punct("(", context, expected)
            first = self.duration_expr(0, context, expected)
            self.expect_punct(",", context, expected)
            second = self.duration_expr(0, context, expected)
            close = self.expect_punct(")", context, expected)
            if not isinstance(first, ast.DurationExpr) and not isinstance(second, ast.DurationExpr):
                return min(first, second) if word == "min_of" else max(first, second)
            args = [_as_duration_expr(first), _as_duration_expr(second)]
            return ast.DurationExpr(word[:3], args, pos=(tok.pos, close.end))
        self.unexpected(context, expected)

    # -- binary operator modifiers -----------------------------------------

    def parse_bin_modifiers(self) -> tuple[bool, ast.VectorMatching]:
        matching = ast.VectorMatching()
        return_bool = False
        if self.at(KEYWORD, "bool"):
            self.advance()
            return_bool = True
        if self.at(KEYWORD, "on") or self.at(KEYWORD, "ignoring"):
            matching.on = self.advance().val.lower() == "on"
            matching.labels = self.parse_grouping_labels()
            if self.at(KEYWORD, "group_left") or self.at(KEYWORD, "group_right"):
                side = self.advance().val.lower()
                matching.card = "many-to-one" if side == "group_left" else "one-to-many"
                if self.at_punct("("):
                    matching.include = self.parse_grouping_labels()
                elif not self.starts_operand():
                    self.unexpected("grouping opts", '"("')
        self.parse_fill_modifiers(matching)
        return return_bool, matching

    def parse_fill_modifiers(self, matching: ast.VectorMatching) -> None:
        seen: set[str] = set()
        while self.at(IDENT) and self.peek().val.lower() in FILL_KEYWORDS:
            if self.peek2().val != "(":
                return
            word = self.advance().val.lower()
            if word in seen or (word == "fill" and seen) or "fill" in seen:
                self.error(f"unexpected <{word}>", self.toks[self.k - 1].pos)
            seen.add(word)
            value = self.parse_fill_value()
            if word in ("fill", "fill_left"):
                matching.fill_left = value
            if word in ("fill", "fill_right"):
                matching.fill_right = value

    def parse_fill_value(self) -> float:
        self.expect_punct("(")
        sign = 1.0
        if self.at(OP, "-") or self.at(OP, "+"):
            sign = -1.0 if self.advance().val == "-" else 1.0
        tok = self.peek()
        if tok.kind not in (NUMBER, DURATION):
            self.unexpected()
        self.advance()
        self.expect_punct(")")
        return sign * self.number_value(tok)

    def parse_grouping_labels(self) -> list[str]:
        if not self.at_punct("("):
            self.unexpected("grouping opts", '"("')
        self.advance()
        labels: list[str] = []
        while not self.at_punct(")"):
            tok = self.peek()
            if tok.kind == STRING and self.compat >= 3:  # quoted names: Prometheus 3
                labels.append(self.unquote_token(tok))
            elif tok.kind in (IDENT, METRIC_IDENT, KEYWORD, AGGR) or (
                tok.kind == OP and tok.val[0].isalpha()
            ):
                labels.append(tok.val)
            else:
                self.unexpected("grouping opts", "label")
            self.advance()
            if self.at_punct(","):
                self.advance()
            elif not self.at_punct(")"):
                self.unexpected("grouping opts", '"," or ")"')
        self.advance()
        return labels

    # -- aggregations and calls -------------------------------------------

    def parse_aggregation(self) -> ast.AggregateExpr:
        op_tok = self.advance()
        op = op_tok.val.lower()
        grouping: list[str] = []
        without = False
        has_modifier = self.at(KEYWORD, "by") or self.at(KEYWORD, "without")
        if has_modifier:
            without = self.advance().val.lower() == "without"
            grouping = self.parse_grouping_labels()
        if not self.at_punct("("):
            self.unexpected("aggregation")
        args = self.parse_call_args()
        if not has_modifier and (self.at(KEYWORD, "by") or self.at(KEYWORD, "without")):
            without = self.advance().val.lower() == "without"
            grouping = self.parse_grouping_labels()
        pos = (op_tok.pos, self.last_end)
        if not args:
            self.error("no arguments for aggregate expression provided", op_tok.pos)
        wanted = 2 if op in _PARAM_AGGREGATORS else 1
        if len(args) != wanted:
            self.error(
                "wrong number of arguments for aggregate expression provided, "
                f"expected {wanted}, got {len(args)}",
                op_tok.pos,
            )
        param = args[0] if wanted == 2 else None
        return ast.AggregateExpr(op, args[-1], param, grouping, without, pos=pos)

    def duration_error(self, text: str, err: ValueError) -> str:
        return duration_wording.error_3x(text) if self.compat >= 3 else str(err)

    def parse_call(self) -> ast.Call:
        name_tok = self.advance()
        name = name_tok.val
        if name.lower() in DURATION_WORDS:
            name = name.lower()  # lexed as case-insensitive keywords by Prometheus
        # Prometheus 2.x names an unknown function once its arguments parsed.
        if name not in FUNCTIONS and self.compat >= 3:
            self.error(f"unknown function with name {go_quote(name)}", name_tok.pos)
        args = self.parse_call_args()
        if name not in FUNCTIONS:
            self.error(f"unknown function with name {go_quote(name)}", name_tok.pos)
        return ast.Call(name, args, pos=(name_tok.pos, self.last_end))

    def parse_call_args(self) -> list[ast.Expr]:
        self.expect_punct("(")
        args: list[ast.Expr] = []
        if self.at_punct(")"):
            self.advance()
            return args
        while True:
            args.append(self.parse_expr(0))
            if self.at_punct(")"):
                self.advance()
                return args
            if not self.at_punct(","):
                self.unexpected()
            comma = self.advance()
            if self.at_punct(")"):
                self.error("trailing commas not allowed in function call args", comma.pos)

    # -- vector selectors --------------------------------------------------

    def parse_vector_selector(self, name: str | None, start: int) -> ast.VectorSelector:
        matchers: list[ast.Matcher] = []
        end = self.last_end
        self.bare_name = None
        if self.at_punct("{"):
            self.advance()
            matchers = self.parse_matchers()
            end = self.last_end
        if name is None:
            name = self.bare_name
        else:
            for m in matchers:
                if m.name == "__name__":
                    self.error(
                        f"metric name must not be set twice: {go_quote(name)} or {go_quote(m.value)}",
                        start,
                    )
            # The evaluator matches on ``matchers`` alone, so the name is one of them.
            matchers.append(ast.Matcher("__name__", ast.MatchType.EQUAL, name))
        return ast.VectorSelector(name, matchers, pos=(start, end))

    def parse_matchers(self) -> list[ast.Matcher]:
        matchers: list[ast.Matcher] = []
        while not self.at_punct("}"):
            matchers.append(self.parse_matcher())
            if self.at_punct(","):
                self.advance()
            elif not self.at_punct("}"):
                self.unexpected("label matching", '"," or "}"')
        self.advance()
        return matchers

    def parse_matcher(self) -> ast.Matcher:
        tok = self.peek()
        # Quoted (UTF-8) label names are Prometheus 3 syntax.
        if tok.kind != IDENT and (tok.kind != STRING or self.compat < 3):
            self.unexpected("label matching", 'identifier or "}"')
        self.advance()
        label = self.unquote_token(tok) if tok.kind == STRING else tok.val
        op_tok = self.peek()
        if tok.kind == STRING and op_tok.kind == PUNCT and op_tok.val in (",", "}"):
            # Prometheus 3: a lone quoted string is the metric name.
            self.bare_name = label
            return ast.Matcher("__name__", ast.MatchType.EQUAL, label)
        if not (op_tok.val in ("=", "!=", "=~", "!~") and op_tok.kind in (PUNCT, OP)):
            self.unexpected("label matching", "label matching operator")
        self.advance()
        value_tok = self.peek()
        if value_tok.kind != STRING:
            self.unexpected("label matching", "string")
        self.advance()
        value = self.unquote_token(value_tok)
        if op_tok.val in ("=~", "!~"):
            try:
                goregex.check(value, self.compat)
            except goregex.RegexError as err:
                # Prometheus reports it at the label (labels.NewMatcher's error).
                self.error(str(err), tok.pos)
        return ast.Matcher(label, ast.MatchType(op_tok.val), value)

    def unquote_token(self, tok: Token) -> str:
        try:
            return unquote(tok.val)
        except ValueError as err:
            self.error(str(err), tok.pos)


# Words Prometheus' grammar also takes as a metric name (its metric_identifier rule):
# `offset`, `by` or `and` alone select a metric; `on`, `bool` or `atan2` do not.
_METRIC_NAME_WORDS = frozenset(
    {"offset", "by", "without", "anchored", "smoothed", "and", "or", "unless"}
)


def _names_a_metric(tok: Token) -> bool:
    if tok.kind in (IDENT, METRIC_IDENT, AGGR):
        return True
    return tok.kind in (KEYWORD, OP) and tok.val.lower() in _METRIC_NAME_WORDS


def _negate(value: float | ast.DurationExpr, pos: int) -> float | ast.DurationExpr:
    if isinstance(value, ast.DurationExpr):
        return ast.DurationExpr("neg", [value], pos=(pos, value.pos[1]))
    return -value


def _as_duration_expr(value: float | ast.DurationExpr) -> ast.DurationExpr:
    """A folded constant inside step() arithmetic: a "number" node, value in ms."""
    if isinstance(value, ast.DurationExpr):
        return value
    return ast.DurationExpr("number", value=value * 1000)
