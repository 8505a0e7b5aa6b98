"""What an alert proof depends on: the SLO with its own names taken out.

Pure core. A proof (``behaviour.py``) simulates the generated rules over
synthetic series; its outcome depends on the objective, the windows, the
rule template and the shape of the SLI's queries, not on what the SLO, its
service or its metrics are called. Fifty services that each count
``http_requests_total{service="<name>", code=~"5.."}`` against 99.9% over the
same tiers make one proof, not fifty.

``canonical(rules)`` renames the SLO (``slo``), drops the labels and
annotations that only decorate alerts, and renames metric names and the
values of equality matchers bijectively (``burnin_m1``, ``burnin_v1``...).
A renaming is used only when it is provably a symmetry of the queries: every
query re-parses to the same tree with exactly those names and values
changed, no label compared by equality is also matched by a regex, and no
function or aggregation reads label values or label order
(``label_replace``, ``topk``...). Otherwise the SLO's own queries are kept
(the proof is then shared only by identical SLOs). Sloth's rules are kept as
they are (their names are Sloth's, part of its rule template).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import Any

from ..promql import ast
from .rules_gen import SLORules, Tier

# Functions and aggregations whose result depends on label values or their order.
_LABEL_READERS = frozenset(
    {"label_replace", "label_join", "sort_by_label", "sort_by_label_desc", "info"}
)
_ORDERED_AGGREGATIONS = frozenset({"topk", "bottomk", "limitk", "limit_ratio", "count_values"})
_NUMBER = re.compile(r"(?<![\w.\[])(\d+(?:\.\d+)?)(?![\w.])")  # as synth_gauge reads them
_PLACEHOLDER = "999999999s"  # as long as "{{window}}", so a template parses as a query
assert len(_PLACEHOLDER) == len("{{window}}")


def canonical(rules: SLORules) -> SLORules:
    """``rules`` with everything that cannot change the proof's outcome renamed or dropped."""
    if rules.sloth is not None:
        return rules
    renamed = _renamed_queries(rules)
    # A ratio SLO's compliance window only appears in alert summaries; a threshold
    # SLO's query is evaluated over it, so that one is kept.
    window, window_ms = (
        (rules.window, rules.window_ms)
        if rules.indicator == "threshold"
        else ("30d", 2_592_000_000)
    )
    out = dataclasses.replace(
        rules,
        slo="slo",
        labels={"slo": "slo"},
        window=window,
        window_ms=window_ms,
        annotations={},
        notes=[],
        tiers=list(rules.tiers),
        error_queries=dict(rules.error_queries),
    )
    if renamed is not None:
        out.num_query, out.total_query, out.threshold_query, out.error_queries = renamed
    return out


def alert_names(canon: SLORules, rules: SLORules) -> dict[str, str]:
    """The canonical rules' alert names -> this SLO's."""
    tiers: list[Tier | None] = [*rules.tiers, None]
    return {canon.alert_name(t): rules.alert_name(t) for t in tiers}


def proof_key(canon: SLORules, check: str, version: str, constants: dict[str, Any]) -> str:
    """A digest of everything the proof's outcome depends on, and the code that computes it.

    The rule groups themselves are part of it (the rule template as it is generated),
    and so are the proof's constants (burn rate, traffic, step).
    """
    fields = dataclasses.asdict(canon)
    fields.pop("notes", None)
    groups = canon.groups()
    text = json.dumps([version, check, constants, fields, groups], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _renamed_queries(
    rules: SLORules,
) -> tuple[str, str, str, dict[str, str]] | None:
    from ..promql.parser import ParseError, parse

    templates = [rules.num_query, rules.total_query, rules.threshold_query]
    texts = [t for t in templates if t] + list(rules.error_queries.values())
    try:
        trees = [parse(t.replace("{{window}}", _PLACEHOLDER)) for t in texts]
    except ParseError:
        return None
    names: dict[str, str] = {}
    values: dict[str, str] = {}
    regex_labels: set[str] = set()
    regex_values: set[str] = set()
    for tree in trees:
        for node in ast.subexpressions(tree):
            if isinstance(node, ast.Call) and node.func in _LABEL_READERS:
                return None
            if isinstance(node, ast.AggregateExpr) and node.op in _ORDERED_AGGREGATIONS:
                return None
            if isinstance(node, ast.StringLiteral):
                return None
            if isinstance(node, ast.VectorSelector):
                for m in node.matchers:
                    if m.type in (ast.MatchType.EQUAL, ast.MatchType.NOT_EQUAL):
                        if m.name == "__name__":
                            names.setdefault(m.value, f"burnin_m{len(names) + 1}")
                        elif m.value and not _NUMBER.search(f'"{m.value}"'):
                            # A number in a label value (le="0.3") is a candidate value
                            # for a gauge SLI's design (synth_gauge.py): kept as it is.
                            values.setdefault(m.value, f"burnin_v{len(values) + 1}")
                    else:
                        regex_labels.add(m.name)
                        regex_values.add(m.value)
                if node.name:
                    names.setdefault(node.name, f"burnin_m{len(names) + 1}")
    equality_labels = {
        m.name
        for tree in trees
        for node in ast.subexpressions(tree)
        if isinstance(node, ast.VectorSelector)
        for m in node.matchers
        if m.type in (ast.MatchType.EQUAL, ast.MatchType.NOT_EQUAL)
    }
    if equality_labels & regex_labels or set(values) & regex_values or "__name__" in regex_labels:
        return None
    out: list[str] = []
    for text, tree in zip(texts, trees, strict=True):
        new = _rename_text(text, names, values)
        try:
            again = parse(new.replace("{{window}}", _PLACEHOLDER))
        except ParseError:
            return None
        # The renaming must be exactly that: the same tree with only these names changed.
        if _shape(again, {}, {}) != _shape(tree, names, values):
            return None
        out.append(new)
    it = iter(out)
    num = next(it) if rules.num_query else ""
    total = next(it) if rules.total_query else ""
    threshold = next(it) if rules.threshold_query else ""
    errors = {w: next(it) for w in rules.error_queries}
    return num, total, threshold, errors


def _rename_text(text: str, names: dict[str, str], values: dict[str, str]) -> str:
    for old, new in values.items():
        # The replacement is a plain string: no backslash in it (names are burnin_vN).
        text = re.sub(r"([\"'`])" + re.escape(old) + r"\1", '"' + new + '"', text)
    for old, new in names.items():
        text = re.sub(r"(?<![\w:\"'`])" + re.escape(old) + r"(?![\w:])", new, text)
    return text


def _shape(node: Any, names: dict[str, str], values: dict[str, str]) -> Any:
    """A node as comparable data (positions dropped), with names and values renamed."""
    if isinstance(node, ast.VectorSelector):
        matchers = []
        for m in node.matchers:
            value = m.value
            if m.type in (ast.MatchType.EQUAL, ast.MatchType.NOT_EQUAL):
                value = (
                    names.get(value, value) if m.name == "__name__" else values.get(value, value)
                )
            matchers.append((m.name, m.type.value, value))
        rest = {k: v for k, v in vars(node).items() if k not in ("pos", "matchers", "name")}
        name = names.get(node.name, node.name) if node.name else node.name
        return ("sel", name, sorted(matchers), repr(sorted(rest.items())))
    if isinstance(node, ast.Expr):
        return (
            type(node).__name__,
            tuple((k, _shape(v, names, values)) for k, v in vars(node).items() if k != "pos"),
        )
    if isinstance(node, list | tuple):
        return tuple(_shape(n, names, values) for n in node)
    return repr(node)
