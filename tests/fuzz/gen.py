"""Random well-typed PromQL, as a tree that renders to text and can be shrunk.

Generation follows types, as Prometheus' own type checker does: ask for an
instant vector, a scalar, a range vector or a string, and get an expression
of that type built from selectors, the function table of
``pytest_burnin/promql/typecheck.py`` (only the functions the Prometheus under
test knows), aggregations, binary operators with ``on``/``ignoring`` and
``group_left``/``group_right``, offsets, ``@`` and subqueries.

Metric names are written as ``§name``: the runner replaces ``§`` with a
prefix unique to each case, so many cases share one Prometheus without
seeing each other's series; the printed .test case drops it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from pytest_burnin.promql.typecheck import FUNCTIONS

from .data import BUCKETS, HISTOGRAM, LABEL_NAMES, LABEL_VALUES, METRICS

V, S, M, STR = "vector", "scalar", "matrix", "string"
NAME_MARK = "§"

# Functions never generated: info() needs info metrics; histogram_quantiles and
# start_timestamp are newer than every Prometheus we compare with.
SKIPPED_FUNCTIONS = frozenset({"info", "histogram_quantiles", "start_timestamp"})
AGGREGATIONS = [
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "stddev",
    "stdvar",
    "group",
    "topk",
    "bottomk",
    "quantile",
    "count_values",
    "limitk",
    "limit_ratio",
]
PARAM_AGGREGATIONS = {"topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio"}
ARITHMETIC = ("+", "-", "*", "/", "%", "^", "atan2")
COMPARISON = ("==", "!=", ">", "<", ">=", "<=")
SET_OPS = ("and", "or", "unless")
GROUP_LABELS = (*LABEL_NAMES, "le", "__name__")


@dataclass
class Node:
    """An expression: text parts interleaved with typed children."""

    type: str
    parts: list[str]  # len(parts) == len(children) + 1
    children: list[Node] = field(default_factory=list)

    def text(self, prefix: str = "") -> str:
        out = [self.parts[0]]
        for child, part in zip(self.children, self.parts[1:], strict=False):
            out.append(child.text(prefix))
            out.append(part)
        return "".join(out).replace(NAME_MARK, prefix)

    def size(self) -> int:
        return 1 + sum(c.size() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            yield from c.walk()


def leaf(type_: str, text: str) -> Node:
    return Node(type_, [text])


def node(type_: str, *items: str | Node) -> Node:
    """``node(V, "sum(", child, ")")``: strings and children, in order."""
    parts, children = [""], []
    for item in items:
        if isinstance(item, Node):
            children.append(item)
            parts.append("")
        else:
            parts[-1] += item
    return Node(type_, parts, children)


SIMPLEST = {
    V: lambda: leaf(V, f"{NAME_MARK}m0"),
    S: lambda: leaf(S, "1"),
    M: lambda: leaf(M, f"{NAME_MARK}m0[5m]"),
    STR: lambda: leaf(STR, '"job"'),
}


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class ExprGenerator:
    def __init__(
        self,
        rng: random.Random,
        functions: set[str],
        aggregations: set[str],
        max_depth: int = 4,
    ) -> None:
        self.rng = rng
        self.max_depth = max_depth
        self.functions = {
            t: sorted(
                name
                for name, (args, _, ret) in FUNCTIONS.items()
                if name in functions and name not in SKIPPED_FUNCTIONS and ret.value == t
            )
            for t in (V, S)
        }
        self.aggregations = [a for a in AGGREGATIONS if a in aggregations]

    def expr(self) -> Node:
        return self.gen(self.rng.choice((V, V, V, S, M)), 0)

    def gen(self, type_: str, depth: int) -> Node:
        leafy = depth >= self.max_depth or self.rng.random() < 0.25 + 0.15 * depth
        if type_ == V:
            return self.selector() if leafy else self.vector(depth)
        if type_ == S:
            return self.number() if leafy else self.scalar(depth)
        if type_ == M:
            return self.matrix(depth, leafy)
        return self.string()

    # -- leaves ---------------------------------------------------------------

    def metric_name(self) -> str:
        r = self.rng.random()
        if r < 0.15:
            return f"{HISTOGRAM}_bucket"
        if r < 0.2:
            return self.rng.choice((f"{HISTOGRAM}_sum", f"{HISTOGRAM}_count", "nonexistent"))
        return self.rng.choice(METRICS)

    def selector(self) -> Node:
        return leaf(V, self.selector_base() + self.modifiers())

    def selector_base(self) -> str:
        """A metric name with 0-2 label matchers, no modifiers."""
        rng = self.rng
        text = NAME_MARK + self.metric_name()
        matchers = []
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            label = rng.choice((*LABEL_NAMES, "le"))
            op = rng.choice(("=", "!=", "=~", "!~"))
            if op in ("=~", "!~"):
                value = rng.choice(("a|b", "x.*", ".*", ".+", "ü.*", "x\ny", "[ab]", "1|\\+Inf"))
            else:
                value = rng.choice((*LABEL_VALUES, "", *BUCKETS))
            matchers.append(f"{label}{op}{quote(value)}")
        if matchers:
            text += "{" + ", ".join(matchers) + "}"
        return text

    def modifiers(self) -> str:
        rng = self.rng
        out = ""
        if rng.random() < 0.15:
            out += " @ " + rng.choice(("0", "60", "300", "450.5", "start()", "end()"))
        if rng.random() < 0.15:
            out += " offset " + rng.choice(("1m", "30s", "5m", "-1m", "90s"))
        return out

    def number(self) -> Node:
        r = self.rng.random()
        if r < 0.1:
            return leaf(S, self.rng.choice(("NaN", "Inf", "-Inf", "1e308", "-0.5")))
        return leaf(S, self.rng.choice(("0", "1", "2", "3", "0.5", "0.25", "10", "0.1")))

    def string(self) -> Node:
        return leaf(STR, quote(self.rng.choice((*GROUP_LABELS, "v", "dst"))))

    def range_text(self) -> str:
        return self.rng.choice(("1m", "2m", "5m", "90s", "10m", "30s"))

    # -- composites -------------------------------------------------------------

    def vector(self, depth: int) -> Node:
        rng = self.rng
        choice = rng.choices(
            ("func", "agg", "binop", "scalar-op", "unary", "paren"), (5, 4, 4, 2, 1, 1)
        )[0]
        d = depth + 1
        if choice == "func":
            return self.call(rng.choice(self.functions[V]), d)
        if choice == "agg":
            return self.aggregation(d)
        if choice == "binop":
            return self.vector_binop(d)
        if choice == "scalar-op":
            op = rng.choice(ARITHMETIC + COMPARISON)
            bool_ = " bool" if op in COMPARISON and rng.random() < 0.5 else ""
            a, b = self.gen(V, d), self.gen(S, d)
            if rng.random() < 0.5:
                return node(V, "(", a, f") {op}{bool_} (", b, ")")
            return node(V, "(", b, f") {op}{bool_} (", a, ")")
        if choice == "unary":
            return node(V, "-(", self.gen(V, d), ")")
        return node(V, "(", self.gen(V, d), ")")

    def scalar(self, depth: int) -> Node:
        rng = self.rng
        d = depth + 1
        choice = rng.choices(("func", "binop", "scalar()"), (2, 2, 2))[0]
        if choice == "func" and self.functions[S]:
            return self.call(rng.choice(self.functions[S]), d)
        if choice == "binop":
            op = rng.choice(ARITHMETIC + COMPARISON)
            bool_ = " bool" if op in COMPARISON else ""
            return node(S, "(", self.gen(S, d), f") {op}{bool_} (", self.gen(S, d), ")")
        return node(S, "scalar(", self.gen(V, d), ")")

    def matrix(self, depth: int, leafy: bool) -> Node:
        if leafy or self.rng.random() < 0.6:
            return leaf(M, f"{self.selector_base()}[{self.range_text()}]{self.modifiers()}")
        step = self.rng.choice(("", "1m", "30s", "45s"))
        mods = self.modifiers()
        return node(M, "(", self.gen(V, depth + 1), f")[{self.range_text()}:{step}]{mods}")

    def call(self, name: str, depth: int) -> Node:
        args, variadic, ret = FUNCTIONS[name]
        kinds = [a.value for a in args]
        if variadic > 0 and self.rng.random() < 0.5:
            kinds = kinds[:-1]  # the optional last argument left out
        if variadic == -1:
            kinds += [kinds[-1]] * self.rng.randint(0, 2)
        items: list[str | Node] = [f"{name}("]
        for i, kind in enumerate(kinds):
            if i:
                items.append(", ")
            items.append(self.argument(name, i, kind, depth))
        items.append(")")
        return node(ret.value, *items)

    def argument(self, func: str, i: int, kind: str, depth: int) -> Node:
        rng = self.rng
        if kind == STR:
            if func == "label_replace":
                pool = {
                    1: (*GROUP_LABELS, "dst"),
                    2: ("$1", "x", "${1}-y", ""),
                    3: GROUP_LABELS,
                    4: ("(.*)", "(a|b)", ".+", "x(.*)", "(.*)y"),
                }[i]
                return leaf(STR, quote(rng.choice(pool)))
            if func == "label_join":
                return leaf(
                    STR, quote(rng.choice((",", "-", "") if i == 2 else (*GROUP_LABELS, "dst")))
                )
            return self.string()
        if (
            kind == S
            and func in ("histogram_quantile", "quantile_over_time")
            and rng.random() < 0.8
        ):
            return leaf(S, rng.choice(("0", "0.5", "0.9", "0.99", "1", "-1", "2", "NaN")))
        if kind == S and func in ("holt_winters", "double_exponential_smoothing"):
            return leaf(S, rng.choice(("0.5", "0.1", "0.9", "0", "1")))
        if kind == V and func.startswith("histogram_") and rng.random() < 0.7:
            inner = leaf(M, f"{NAME_MARK}{HISTOGRAM}_bucket[{self.range_text()}]")
            return node(V, "sum by (le) (rate(", inner, "))")
        return self.gen(kind, depth)

    def aggregation(self, depth: int) -> Node:
        rng = self.rng
        op = rng.choice(self.aggregations)
        grouping = ""
        if rng.random() < 0.6:
            labels = rng.sample(GROUP_LABELS, rng.randint(0, 2))
            grouping = f" {rng.choice(('by', 'without'))} ({', '.join(labels)})"
        items: list[str | Node] = [f"{op}{grouping} ("]
        if op in PARAM_AGGREGATIONS:
            if op == "count_values":
                items.append(self.string())
            elif op in ("quantile", "limit_ratio"):
                items.append(leaf(S, rng.choice(("0.5", "0", "1", "-0.5", "2", "0.9"))))
            else:
                items.append(self.number() if rng.random() < 0.8 else self.gen(S, depth))
            items.append(", ")
        items += [self.gen(V, depth), ")"]
        return node(V, *items)

    def vector_binop(self, depth: int) -> Node:
        rng = self.rng
        kind = rng.choices(("arith", "cmp", "set"), (3, 2, 2))[0]
        op = rng.choice({"arith": ARITHMETIC, "cmp": COMPARISON, "set": SET_OPS}[kind])
        bool_ = " bool" if kind == "cmp" and rng.random() < 0.5 else ""
        matching = ""
        if rng.random() < 0.6:
            labels = rng.sample(GROUP_LABELS[:-1], rng.randint(0, 2))
            matching = f" {rng.choice(('on', 'ignoring'))}({', '.join(labels)})"
            if kind != "set" and rng.random() < 0.35:
                extra = [x for x in LABEL_NAMES if x not in labels][:1]
                side = rng.choice(("group_left", "group_right"))
                matching += f" {side}({', '.join(extra)})"
        return node(
            V, "(", self.gen(V, depth), f") {op}{bool_}{matching} (", self.gen(V, depth), ")"
        )
