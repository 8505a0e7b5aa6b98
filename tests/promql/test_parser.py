"""The PromQL parser: tree shapes, precedence, Prometheus' error messages."""

from __future__ import annotations

import contextlib
import math
import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_burnin.promql import ast
from pytest_burnin.promql.parser import ParseError, expr_type, parse, parse_duration

PEER_SUITES = Path(__file__).resolve().parents[3] / "shared" / "peer-suites"
EQ = ast.MatchType.EQUAL


def sel(name: str, *matchers: ast.Matcher) -> ast.VectorSelector:
    """A selector as the parser builds it: the name is also the last matcher."""
    return ast.VectorSelector(name, [*matchers, ast.Matcher("__name__", EQ, name)])


def shape(expr: ast.Expr) -> str:
    """A compact, position-free rendering, to assert on tree structure."""
    if isinstance(expr, ast.BinaryExpr):
        return f"({shape(expr.lhs)} {expr.op} {shape(expr.rhs)})"
    if isinstance(expr, ast.UnaryExpr):
        return f"({expr.op}{shape(expr.expr)})"
    if isinstance(expr, ast.ParenExpr):
        return shape(expr.expr)
    if isinstance(expr, ast.VectorSelector):
        return expr.name or "{...}"
    if isinstance(expr, ast.NumberLiteral):
        return f"{expr.value:g}"
    if isinstance(expr, ast.Call):
        return f"{expr.func}({', '.join(shape(a) for a in expr.args)})"
    if isinstance(expr, ast.MatrixSelector):
        return f"{shape(expr.vector)}[{expr.range}]"
    return type(expr).__name__


# -- precedence and associativity ---------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a + b * c", "(a + (b * c))"),
        ("a * b + c", "((a * b) + c)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b % c", "((a / b) % c)"),
        ("a ^ b ^ c", "(a ^ (b ^ c))"),
        ("-a ^ 2", "(-(a ^ 2))"),
        ("-a * b", "((-a) * b)"),
        ("2 ^ -1 * 3", "((2 ^ -1) * 3)"),
        ("a and b or c", "((a and b) or c)"),
        ("a or b and c", "(a or (b and c))"),
        ("a or b unless c", "(a or (b unless c))"),
        ("a > b == bool c", "((a > b) == c)"),
        ("a + b > c - d", "((a + b) > (c - d))"),
        ("a atan2 b * c", "((a atan2 b) * c)"),
        ("a > b and c", "((a > b) and c)"),
        ("(a + b) * c", "((a + b) * c)"),
        ("-(1)", "(-1)"),
        ("- - a", "(-(-a))"),
        ("a offset 5m + b", "(a + b)"),
        ("-foo offset 5m", "(-foo)"),
        ("foo offset -step()*2", "(foo * 2)"),
    ],
)
def test_precedence(query: str, expected: str) -> None:
    assert shape(parse(query)) == expected


def test_unary_minus_folds_into_a_number_literal() -> None:
    assert parse("-1") == ast.NumberLiteral(-1.0, pos=(0, 2))
    assert parse("-(1)") == ast.UnaryExpr(
        "-", ast.ParenExpr(ast.NumberLiteral(1.0, pos=(2, 3)), pos=(1, 4)), pos=(0, 4)
    )


# -- literals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "value"),
    [
        ("1", 1.0),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("1E-3", 0.001),
        ("0x1F", 31.0),
        ("0X_ff", 255.0),
        ("017", 15.0),
        ("1_000", 1000.0),
        ("Inf", math.inf),
        ("-inf", -math.inf),
        ("+Inf", math.inf),
        ("1m", 60.0),
        ("1h30m", 5400.0),
        ("500ms", 0.5),
    ],
)
def test_number_literals(query: str, value: float) -> None:
    expr = parse(query)
    assert isinstance(expr, ast.NumberLiteral)
    assert expr.value == value


def test_nan_literal() -> None:
    expr = parse("NaN")
    assert isinstance(expr, ast.NumberLiteral)
    assert math.isnan(expr.value)


@pytest.mark.parametrize(
    ("query", "value"),
    [
        ('"a\\nb"', "a\nb"),
        ("'it\\'s'", "it's"),
        ('"say \\"hi\\""', 'say "hi"'),
        ("`raw\\n`", "raw\\n"),
        ('"\\u00e9\\x41\\101\\t"', "éAA\t"),
        ('"日本"', "日本"),
    ],
)
def test_string_literals(query: str, value: str) -> None:
    assert parse(query) == ast.StringLiteral(value, pos=(0, len(query)))


# -- selectors ------------------------------------------------------------------


def test_vector_selector_keeps_the_name_as_a_matcher() -> None:
    expr = parse('http_requests_total{job="api", code!="200", path=~"/v1/.*", m!~"GET|HEAD"}')
    assert isinstance(expr, ast.VectorSelector)
    assert expr.name == "http_requests_total"
    assert expr.matchers == [
        ast.Matcher("job", EQ, "api"),
        ast.Matcher("code", ast.MatchType.NOT_EQUAL, "200"),
        ast.Matcher("path", ast.MatchType.REGEX, "/v1/.*"),
        ast.Matcher("m", ast.MatchType.NOT_REGEX, "GET|HEAD"),
        ast.Matcher("__name__", EQ, "http_requests_total"),
    ]


def test_selector_without_name_and_trailing_comma() -> None:
    expr = parse('{__name__=~"job:.*", a="b",}')
    assert isinstance(expr, ast.VectorSelector)
    assert expr.name is None
    assert expr.matchers == [
        ast.Matcher("__name__", ast.MatchType.REGEX, "job:.*"),
        ast.Matcher("a", EQ, "b"),
    ]


def test_quoted_metric_and_label_names() -> None:
    expr = parse('{"metric.name", "label.x"="v"}')
    assert isinstance(expr, ast.VectorSelector)
    assert expr.name == "metric.name"
    assert expr.matchers == [
        ast.Matcher("__name__", EQ, "metric.name"),
        ast.Matcher("label.x", EQ, "v"),
    ]


def test_keywords_are_label_names_inside_braces() -> None:
    expr = parse('foo{by="x", offset="y", and="z"}')
    assert isinstance(expr, ast.VectorSelector)
    assert [m.name for m in expr.matchers] == ["by", "offset", "and", "__name__"]


def test_recording_rule_names_with_colons() -> None:
    assert parse("job:http_errors:rate5m").pos == (0, 22)
    assert shape(parse("job:errors:rate5m / on(job) job:total:rate5m")) == (
        "(job:errors:rate5m / job:total:rate5m)"
    )


def test_matrix_offset_and_at() -> None:
    expr = parse("rate(foo[5m] offset -1h @ 100.5)")
    assert isinstance(expr, ast.Call)
    matrix = expr.args[0]
    assert isinstance(matrix, ast.MatrixSelector)
    assert matrix.range == 300_000
    assert matrix.vector.offset == -3_600_000
    assert matrix.vector.at == 100_500
    assert matrix.pos == (5, 31)


@pytest.mark.parametrize(
    ("query", "modifier"), [("foo @ start()", "start"), ("foo @ end()", "end")]
)
def test_at_start_end(query: str, modifier: str) -> None:
    expr = parse(query)
    assert isinstance(expr, ast.VectorSelector)
    assert (expr.at, expr.at_modifier) == (None, modifier)


def test_at_timestamp_is_int_milliseconds() -> None:
    expr = parse("foo @ 100")
    assert isinstance(expr, ast.VectorSelector)
    assert expr.at == 100_000
    assert isinstance(expr.at, int)


def test_subqueries() -> None:
    expr = parse("max_over_time(rate(x[5m])[30m:1m] offset 1m)")
    assert isinstance(expr, ast.Call)
    sub = expr.args[0]
    assert isinstance(sub, ast.SubqueryExpr)
    assert (sub.range, sub.step, sub.offset) == (1_800_000, 60_000, 60_000)
    default_step = parse("foo[30m:]")
    assert isinstance(default_step, ast.SubqueryExpr)
    assert default_step.step is None


@pytest.mark.parametrize(
    ("query", "range_ms"),
    [
        ("foo[2m*15]", 1_800_000),
        ("foo[1h+30m]", 5_400_000),
        ("foo[(1h)]", 3_600_000),
        ("foo[90]", 90_000),
        ("foo[1.5]", 1_500),
        ("foo[1h - 2 ^ 2]", 3_596_000),
        ("foo[max_of(1m, 2m)]", 120_000),
    ],
)
def test_constant_duration_arithmetic_folds_to_ms(query: str, range_ms: int) -> None:
    expr = parse(query)
    assert isinstance(expr, ast.MatrixSelector)
    assert expr.range == range_ms


def test_step_dependent_durations_stay_symbolic() -> None:
    expr = parse("foo[step()*2]")
    assert isinstance(expr, ast.MatrixSelector)
    rng = expr.range
    assert isinstance(rng, ast.DurationExpr)
    assert rng.op == "*"
    assert [a.op for a in rng.args] == ["step", "number"]
    assert rng.args[1].value == 2000  # literals are ms; evaluate * / ^ in seconds
    minimum = parse("foo[5m:min_of(1h, step())]")
    assert isinstance(minimum, ast.SubqueryExpr)
    assert isinstance(minimum.step, ast.DurationExpr)
    assert minimum.step.op == "min"
    offset = parse("foo offset -step()")
    assert isinstance(offset, ast.VectorSelector)
    assert isinstance(offset.offset, ast.DurationExpr)
    assert offset.offset.op == "neg"


def test_offset_takes_a_parenthesised_duration_expression() -> None:
    expr = parse("foo offset (1h + 30m)")
    assert isinstance(expr, ast.VectorSelector)
    assert expr.offset == 5_400_000


def test_experimental_range_modifiers() -> None:
    expr = parse("increase(foo[5m] anchored)")
    assert isinstance(expr, ast.Call)
    matrix = expr.args[0]
    assert isinstance(matrix, ast.MatrixSelector)
    assert matrix.vector.modifier == "anchored"


# -- aggregations, calls, binary modifiers ------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "sum by (job, le) (x)",
        "sum(x) by (job, le)",
        "sum by (job, le,) (x)",
        'sum by ("job", le) (x)',
    ],
)
def test_aggregation_grouping_before_or_after(query: str) -> None:
    expr = parse(query)
    assert isinstance(expr, ast.AggregateExpr)
    assert (expr.op, expr.grouping, expr.without, expr.param) == ("sum", ["job", "le"], False, None)


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("topk(3, x)", ast.NumberLiteral),
        ("bottomk(3, x)", ast.NumberLiteral),
        ("quantile(0.9, x)", ast.NumberLiteral),
        ('count_values("v", x)', ast.StringLiteral),
        ("limitk(2, x)", ast.NumberLiteral),
        ("limit_ratio(0.5, x)", ast.NumberLiteral),
    ],
)
def test_aggregation_params(query: str, param: type) -> None:
    expr = parse(query)
    assert isinstance(expr, ast.AggregateExpr)
    assert isinstance(expr.param, param)
    assert expr.expr == sel("x") or shape(expr.expr) == "x"


def test_without_and_keyword_labels() -> None:
    expr = parse("avg without (instance, by, on) (x)")
    assert isinstance(expr, ast.AggregateExpr)
    assert expr.without and expr.grouping == ["instance", "by", "on"]


def test_vector_matching() -> None:
    expr = parse("a / on(job) group_left(team, tier) b")
    assert isinstance(expr, ast.BinaryExpr)
    assert expr.matching == ast.VectorMatching(
        card="many-to-one", labels=["job"], on=True, include=["team", "tier"]
    )
    right = parse("a * ignoring(x) group_right b")
    assert isinstance(right, ast.BinaryExpr)
    assert right.matching == ast.VectorMatching(card="one-to-many", labels=["x"])


def test_set_operators_are_many_to_many_and_scalars_drop_matching() -> None:
    both = parse("a and on(x) b")
    assert isinstance(both, ast.BinaryExpr)
    assert both.matching is not None and both.matching.card == "many-to-many"
    scalar = parse("a > bool 1")
    assert isinstance(scalar, ast.BinaryExpr)
    assert scalar.return_bool and scalar.matching is None


def test_fill_modifiers() -> None:
    expr = parse("a + fill_left(0) fill_right(-1) b")
    assert isinstance(expr, ast.BinaryExpr)
    assert expr.matching is not None
    assert (expr.matching.fill_left, expr.matching.fill_right) == (0.0, -1.0)
    # Without "(" the word is an ordinary metric name.
    assert shape(parse("fill + fill")) == "(fill + fill)"


def test_function_calls() -> None:
    expr = parse('label_join(up, "dst", ",", "a", "b", "c")')
    assert isinstance(expr, ast.Call) and len(expr.args) == 6
    assert shape(parse("round(x)")) == "round(x)"
    assert shape(parse("time() - 1")) == "(time() - 1)"
    assert shape(parse("STEP()")) == "step()"


@pytest.mark.parametrize(
    ("query", "value_type"),
    [
        ("1", ast.ValueType.SCALAR),
        ('"s"', ast.ValueType.STRING),
        ("foo", ast.ValueType.VECTOR),
        ("foo[5m]", ast.ValueType.MATRIX),
        ("rate(foo[5m])[1h:]", ast.ValueType.MATRIX),
        ("scalar(foo)", ast.ValueType.SCALAR),
        ("1 + time()", ast.ValueType.SCALAR),
        ("1 + foo", ast.ValueType.VECTOR),
        ("-(sum(foo))", ast.ValueType.VECTOR),
    ],
)
def test_expr_type(query: str, value_type: ast.ValueType) -> None:
    assert expr_type(parse(query)) is value_type


# -- errors, worded and placed as promtool reports them ----------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "1:1: parse error: no expression found in input"),
        ("test +", "1:7: parse error: unexpected end of input"),
        ("foo @@", "1:6: parse error: unexpected <op:@> in @, expected timestamp"),
        ("foo $", "1:5: parse error: unexpected character: '$'"),
        (
            "rate(foo)",
            '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
        ),
        (
            "foo[5m] + 1",
            "1:1: parse error: binary expression must contain only scalar and instant vector types",
        ),
        ("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        ('{a=""}', "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        (
            '{a=~".*"}',
            "1:1: parse error: vector selector must contain at least one non-empty matcher",
        ),
        ("(foo)[5m]", "1:6: parse error: ranges only allowed for vector selectors"),
        ("foo offset 5m [5m]", "1:15: parse error: no offset modifiers allowed before range"),
        ("foo @ 1 [5m]", "1:9: parse error: no @ modifiers allowed before range"),
        ("foo offset 1m offset 2m", "1:1: parse error: offset may not be set multiple times"),
        ("1 and 2", '1:1: parse error: set operator "and" not allowed in binary scalar expression'),
        (
            "foo and 1",
            '1:1: parse error: set operator "and" not allowed in binary scalar expression',
        ),
        ("a + bool b", "1:3: parse error: bool modifier can only be used on comparison operators"),
        ("1 > 2", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
        ("foo(bar)", '1:1: parse error: unknown function with name "foo"'),
        ("rate(a[1m], b)", '1:1: parse error: expected 1 argument(s) in call to "rate", got 2'),
        (
            "label_join(a)",
            '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 1',
        ),
        (
            "round(a, 1, 2)",
            '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3',
        ),
        ("sum()", "1:1: parse error: no arguments for aggregate expression provided"),
        (
            "topk(x)",
            "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1",
        ),
        (
            'topk("a", x)',
            "1:6: parse error: expected type scalar in aggregation parameter, got string",
        ),
        (
            "sum(foo[5m])",
            "1:5: parse error: expected type instant vector in aggregation expression, got range vector",
        ),
        ("a and on(x) group_left b", '1:1: parse error: no grouping allowed for "and" operation'),
        ("1 + on(x) a", "1:1: parse error: vector matching only allowed between instant vectors"),
        (
            "a / on(x) group_left(x) b",
            '1:3: parse error: label "x" must not occur in ON and GROUP clause at once',
        ),
        (
            '-"a"',
            '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"',
        ),
        (
            "foo[5m][1h:]",
            "1:1: parse error: subquery is only allowed on instant vector, got matrix instead",
        ),
        (
            "sum(x) offset 5m",
            "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
        ),
        (
            "foo{a}",
            '1:6: parse error: unexpected "}" in label matching, expected label matching operator',
        ),
        (
            "foo{a=b}",
            '1:7: parse error: unexpected identifier "b" in label matching, expected string',
        ),
        (
            'foo{a="b" c="d"}',
            '1:11: parse error: unexpected identifier "c" in label matching, expected "," or "}"',
        ),
        ("foo{", "1:5: parse error: unexpected end of input inside braces"),
        ("sum(", "1:5: parse error: unclosed left parenthesis"),
        ("foo)", "1:5: parse error: unexpected right parenthesis ')'"),
        ("foo]", "1:4: parse error: unexpected right bracket ']'"),
        ("foo[5m", "1:7: parse error: unclosed left bracket"),
        ("foo[", "1:5: parse error: unexpected end of input in duration expression"),
        (
            "foo[]",
            '1:5: parse error: unexpected "]" in subquery selector, expected number or duration',
        ),
        ("foo[-1]", "1:5: parse error: duration must be greater than 0"),
        ("foo[5m:0]", "1:8: parse error: duration must be greater than 0"),
        ("foo[1m/0]", "1:7: parse error: division by zero"),
        ("foo[5s x 5s]", "1:8: parse error: unexpected character: 'x', expected ':'"),
        ("foo[5mm]", '1:5: parse error: bad number or duration syntax: "5mm"'),
        ("foo[1m1h]", '1:5: parse error: not a valid duration string: "1m1h"'),
        (
            "foo offset bar",
            '1:12: parse error: unexpected identifier "bar" in offset, expected number or duration',
        ),
        ("2.5.", '1:1: parse error: bad number or duration syntax: "2.5."'),
        ('"abc', "1:1: parse error: unterminated quoted string"),
        ("`abc", "1:1: parse error: unterminated raw string"),
        ('"\\q"', "1:1: parse error: unknown escape sequence U+0071 'q'"),
        ('foo{a=~"x"} !~ 1', "1:13: parse error: unexpected character after '!': '~'"),
        (
            "sum by foo (x)",
            '1:8: parse error: unexpected identifier "foo" in grouping opts, expected "("',
        ),
        ("sum x", '1:5: parse error: unexpected identifier "x"'),
        ("rate(x[5m],)", "1:11: parse error: trailing commas not allowed in function call args"),
        ("foo bar", '1:5: parse error: unexpected identifier "bar"'),
        ("foo @ inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"),
        (
            'foo{__name__="bar"}',
            '1:1: parse error: metric name must not be set twice: "foo" or "bar"',
        ),
    ],
)
def test_error_messages(query: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(query)
    assert str(info.value) == message


def test_error_attributes() -> None:
    with pytest.raises(ParseError) as info:
        parse("sum(rate(x[5m])) +")
    err = info.value
    assert (err.line, err.col, err.pos, err.msg) == (1, 19, 18, "unexpected end of input")


def test_parse_error_pickles_and_shifts_lines() -> None:
    err = ParseError("unexpected end of input", 6, "test +")
    clone = pickle.loads(pickle.dumps(err))
    assert (str(clone), clone.pos, clone.col) == ("1:7: parse error: unexpected end of input", 6, 7)
    shifted = ParseError("boom", 1, "a\nb", line_offset=10)
    assert str(shifted) == "11:2: parse error: boom"


def test_multi_line_expressions_report_the_right_line() -> None:
    query = "sum by (job) (\n  rate(errors_total[5m])\n)\n/\non() rate(requests_total)\n"
    with pytest.raises(ParseError) as info:
        parse(query)
    assert str(info.value) == (
        '5:11: parse error: expected type range vector in call to function "rate", got instant vector'
    )
    assert (info.value.line, info.value.col) == (5, 11)


def test_comments_are_skipped() -> None:
    assert shape(parse("a # first\n+ b # second")) == "(a + b)"


# -- durations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("0", 0),
        ("1h30m", 5_400_000),
        ("1d", 86_400_000),
        ("1w", 604_800_000),
        ("1y", 31_536_000_000),
        ("500ms", 500),
        ("1m30s500ms", 90_500),
    ],
)
def test_parse_duration(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "1", "1.5h", "1m1h", "5mm", "1h1h", "-1m", "1 m", "ms"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f'not a valid duration string: "{text}"')):
        parse_duration(text)


def test_parse_duration_out_of_range() -> None:
    with pytest.raises(ValueError, match="duration out of range"):
        parse_duration("300y")


def test_parse_duration_plain_seconds_when_allowed() -> None:
    assert parse_duration("90", allow_seconds=True) == 90_000
    assert parse_duration("1.5", allow_seconds=True) == 1_500
    assert parse_duration("2m", allow_seconds=True) == 120_000


_UNITS: tuple[tuple[str, int], ...] = (
    ("y", 31_536_000_000),
    ("w", 604_800_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
)


@given(st.lists(st.one_of(st.none(), st.integers(0, 99)), min_size=7, max_size=7))
def test_duration_round_trip(parts: list[int | None]) -> None:
    chosen = [(n, unit) for n, unit in zip(parts, _UNITS, strict=True) if n is not None]
    text = "".join(f"{n}{unit}" for n, (unit, _) in chosen)
    expected = sum(n * ms for n, (_, ms) in chosen)
    if not text:
        return
    assert parse_duration(text) == expected
    selector = parse(f"foo[{text}]") if expected > 0 else None
    if isinstance(selector, ast.MatrixSelector):
        assert selector.range == expected


# -- robustness ------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [
        *list("abfoxyz_:019.eE+-*/%^=!~<>@()[]{},\"'` \n#"),
        "sum",
        "by",
        " offset ",
        "rate",
        "step()",
        "1m",
        "bool",
        "on",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=25).map("".join))
def test_parser_only_raises_parse_error_on_promql_like_text(text: str) -> None:
    try:
        parse(text)
    except ParseError as err:
        assert err.line >= 1 and err.col >= 1 and 0 <= err.pos <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_parser_only_raises_parse_error_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)


# -- the peer corpus -------------------------------------------------------------


def _corpus_expressions() -> list[tuple[str, str]]:
    yaml = pytest.importorskip("yaml")
    found: list[tuple[str, str]] = []
    for path in sorted(PEER_SUITES.glob("**/*.y*ml")):
        if path.name.startswith("bad-rules-syntax"):
            continue  # upstream's intentionally broken rule file
        doc = yaml.safe_load(path.read_text())
        if not isinstance(doc, dict):
            continue
        for group in doc.get("groups") or []:
            found += [(str(path), str(r["expr"])) for r in group.get("rules") or [] if "expr" in r]
    eval_line = re.compile(
        r"^eval\S*\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$"
    )
    for path in sorted(PEER_SUITES.glob("promql-testdata*/*.test")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = eval_line.match(line.strip())
            if match:
                found.append((f"{path}:{number}", match.group(1)))
    return found


@pytest.mark.skipif(not PEER_SUITES.is_dir(), reason="peer-suites corpus not present")
def test_every_peer_corpus_expression_parses() -> None:
    failures = []
    for where, query in _corpus_expressions():
        try:
            parse(query)
        except ParseError as err:
            failures.append(f"{where}: {query!r}: {err}")
    assert failures == []
