"""Prometheus rule files: load, keep line:col of every node, validate like promtool.

Validation follows ``promtool check rules`` (rulefmt): unknown fields, duplicate
group names, exactly one of ``record``/``alert``, valid names, parseable
expressions and parseable templates. Each problem becomes a ``RuleFileError``
(path, line, col, message); the message keeps Prometheus' wording, e.g.
``group "g", rule 1, "x": could not parse expression: 1:7: parse error: ...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..promql import ast
from . import template
from .yamlmarks import LocatedError, Mark, MarkedDict, MarkedList, YamlError, load

_METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")

GROUP_FIELDS = ("name", "interval", "query_offset", "limit", "rules", "labels")
RULE_FIELDS = ("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations")


class RuleFileError(LocatedError):
    """One problem in a rule file; ``errors`` holds every problem the file has."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(path, line, col, message)
        self.errors: list[RuleFileError] = [self]


@dataclass
class Rule:
    name: str
    expr: str
    is_alert: bool
    index: int  # 1-based within its group, as Prometheus counts
    for_ms: int = 0
    keep_firing_for_ms: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    mark: Mark = (0, 0)
    expr_mark: Mark = (0, 0)
    parsed: ast.Expr | None = None


@dataclass
class RuleGroup:
    name: str
    file: str
    rules: list[Rule]
    interval_ms: int | None = None
    query_offset_ms: int | None = None
    limit: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    mark: Mark = (0, 0)


@dataclass
class RuleFile:
    path: str
    groups: list[RuleGroup]


def _duration(value: Any) -> int:
    from ..promql.parser import parse_duration

    text = str(value)
    try:
        return parse_duration(text)
    except ValueError:
        raise ValueError(f'not a valid duration string: "{text}"') from None


class _Loader:
    def __init__(self, path: str, ignore_unknown_fields: bool, compat: int = 3) -> None:
        self.path = path
        self.ignore_unknown = ignore_unknown_fields
        self.compat = compat
        self.errors: list[RuleFileError] = []

    def err(self, mark: Mark, msg: str) -> None:
        self.errors.append(RuleFileError(self.path, mark[0], mark[1], msg))

    def check_fields(self, node: MarkedDict, allowed: tuple[str, ...], type_name: str) -> None:
        if self.ignore_unknown:
            return
        for key in node:
            if key not in allowed:
                line = node.key_mark(key)
                self.err(line, f"field {key} not found in type {type_name}")

    def string_map(self, node: Any, mark: Mark, what: str) -> dict[str, str]:
        if node is None:
            return {}
        if not isinstance(node, MarkedDict):
            self.err(mark, f"{what} must be a mapping of strings")
            return {}
        return {str(k): node.text(k) for k in node}

    def load(self, doc: Any) -> RuleFile:
        if doc is None:
            return RuleFile(self.path, [])
        if not isinstance(doc, MarkedDict):
            self.err((1, 1), "rule file must be a mapping with a 'groups' key")
            return RuleFile(self.path, [])
        if is_prometheus_rule(doc):
            # The Prometheus Operator's form: the rule file is the object's spec.
            spec = doc.get("spec")
            if not isinstance(spec, MarkedDict):
                self.err(doc.key_mark("kind"), "PrometheusRule has no spec with groups")
                return RuleFile(self.path, [])
            doc = spec
        self.check_fields(doc, ("groups",), "rulefmt.RuleGroups")
        groups_node = doc.get("groups")
        if groups_node is None:
            return RuleFile(self.path, [])
        if not isinstance(groups_node, MarkedList):
            self.err(doc.value_mark("groups"), "groups must be a list")
            return RuleFile(self.path, [])
        groups: list[RuleGroup] = []
        seen: dict[str, Mark] = {}
        for gnode in groups_node:
            if not isinstance(gnode, MarkedDict):
                self.err(groups_node.mark, "a group must be a mapping")
                continue
            g = self.group(gnode)
            if not g.name:
                self.err(gnode.mark, "groupname must not be empty")
            elif g.name in seen:
                self.err(gnode.mark, f'groupname: "{g.name}" is repeated in the same file')
            seen.setdefault(g.name, gnode.mark)
            groups.append(g)
        return RuleFile(self.path, groups)

    def group(self, node: MarkedDict) -> RuleGroup:
        self.check_fields(node, GROUP_FIELDS, "rulefmt.RuleGroup")
        name = node.text("name")
        g = RuleGroup(name=name, file=self.path, rules=[], mark=node.mark)
        for key in ("interval", "query_offset"):
            if node.get(key) is not None:
                try:
                    ms = _duration(node[key])
                except ValueError as e:
                    self.err(node.value_mark(key), str(e))
                    continue
                setattr(g, f"{key}_ms", ms)
        if node.get("limit") is not None:
            if isinstance(node["limit"], int) and not isinstance(node["limit"], bool):
                g.limit = node["limit"]
            else:
                self.err(node.value_mark("limit"), f"cannot unmarshal {node['limit']!r} into int")
        g.labels = self.string_map(node.get("labels"), node.value_mark("labels"), "labels")
        for k in g.labels:
            if not _LABEL_NAME.match(k) or k == "__name__":
                self.err(node.value_mark("labels"), f'group "{name}": invalid label name: {k}')
        rules = node.get("rules")
        if rules is None:
            return g
        if not isinstance(rules, MarkedList):
            self.err(node.value_mark("rules"), "rules must be a list")
            return g
        for i, rnode in enumerate(rules, 1):
            if not isinstance(rnode, MarkedDict):
                self.err(
                    rules.item_marks[i - 1], f'group "{name}", rule {i}: a rule must be a mapping'
                )
                continue
            rule = self.rule(rnode, name, i)
            if rule is not None:
                # Group labels apply first; a rule's own label of the same name wins.
                rule.labels = {**g.labels, **rule.labels}
                g.rules.append(rule)
        return g

    def rule(self, node: MarkedDict, group: str, index: int) -> Rule | None:
        self.check_fields(node, RULE_FIELDS, "rulefmt.RuleNode")
        record = node.text("record")
        alert = node.text("alert")
        name = alert or record  # promtool names a rule by its alert when both are set
        start = len(self.errors)

        def rerr(mark: Mark | None, msg: str) -> None:
            text = f'group "{group}", rule {index}, "{name}": {msg}'
            self.err(mark or (0, 0), text)

        if record and alert:
            rerr(node.value_mark("record"), "only one of 'record' and 'alert' must be set")
        if not record and not alert:
            rerr(node.mark, "one of 'record' or 'alert' must be set")
        expr = node.text("expr")
        rule = Rule(name=name, expr=expr, is_alert=bool(alert), index=index, mark=node.mark)
        rule.expr_mark = node.value_mark("expr")
        if not expr:
            rerr(
                node.mark if "expr" not in node else rule.expr_mark,
                "field 'expr' must be set in rule",
            )
        else:
            from ..promql.parser import ParseError, parse

            try:
                rule.parsed = parse(expr, self.compat)
            except ParseError as e:
                rerr(rule.expr_mark, f"could not parse expression: {e}")
        for key in ("for", "keep_firing_for"):
            if node.get(key) is not None:
                try:
                    setattr(rule, f"{key}_ms", _duration(node[key]))
                except ValueError as e:
                    rerr(node.value_mark(key), str(e))
        rule.labels = self.string_map(node.get("labels"), node.value_mark("labels"), "labels")
        rule.annotations = self.string_map(
            node.get("annotations"), node.value_mark("annotations"), "annotations"
        )
        if record:
            if rule.annotations:
                rerr(node.value_mark("record"), "invalid field 'annotations' in recording rule")
            if rule.for_ms:
                rerr(node.value_mark("record"), "invalid field 'for' in recording rule")
            if rule.keep_firing_for_ms:
                rerr(node.value_mark("record"), "invalid field 'keep_firing_for' in recording rule")
            if not _METRIC_NAME.match(record):
                rerr(node.value_mark("record"), f"invalid recording rule name: {record}")
        # promtool reports these without a position; we name the key or the
        # template's line, so the user is sent straight to it.
        for k in rule.labels:
            if not _LABEL_NAME.match(k) or k == "__name__":
                rerr(_entry_mark(node, "labels", k, key_side=True), f"invalid label name: {k}")
        for k in rule.annotations:
            if not _LABEL_NAME.match(k):
                rerr(
                    _entry_mark(node, "annotations", k, key_side=True),
                    f"invalid annotation name: {k}",
                )
        if alert:
            for what, field in (("label", "labels"), ("annotation", "annotations")):
                mapping = rule.labels if field == "labels" else rule.annotations
                for k in sorted(mapping):
                    try:
                        template.check(mapping[k], "__alert_" + alert)
                    except template.TemplateError as e:
                        rerr(_entry_mark(node, field, k, key_side=False), f'{what} "{k}": {e}')
        return rule if len(self.errors) == start else None


def _entry_mark(node: MarkedDict, field: str, key: str, *, key_side: bool) -> Mark:
    """Where ``field.key`` (its key or its value) is written, else where ``field`` is."""
    sub = node.get(field)
    if isinstance(sub, MarkedDict) and key in sub:
        return sub.key_mark(key) if key_side else sub.value_mark(key)
    return node.value_mark(field)


def is_prometheus_rule(doc: object) -> bool:
    """A Kubernetes ``PrometheusRule`` object (``monitoring.coreos.com/v1``): groups under spec."""
    return (
        isinstance(doc, dict)
        and str(doc.get("apiVersion", "")).startswith("monitoring.coreos.com/")
        and doc.get("kind") == "PrometheusRule"
    )


def parse_rule_file(
    text: str, path: str, *, ignore_unknown_fields: bool = False, compat: int = 3
) -> RuleFile:
    """Parse and validate; raises RuleFileError (all problems in ``.errors``).

    ``compat`` is the PromQL mode expressions are parsed in: 2 gives promtool
    2.42's grammar and wording, as ``promtool test rules`` 2.42 loads the file."""
    try:
        doc = load(text)
    except YamlError as e:
        raise RuleFileError(path, e.line, e.col, e.msg) from None
    loader = _Loader(path, ignore_unknown_fields, compat)
    rf = loader.load(doc)
    if loader.errors:
        first = loader.errors[0]
        first.errors = loader.errors
        raise first
    return rf


def load_rule_file(
    path: str | Path, *, ignore_unknown_fields: bool = False, compat: int = 3
) -> RuleFile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise RuleFileError(str(path), 0, 0, f"cannot read rule file: {e.strerror or e}") from None
    return parse_rule_file(
        text, str(path), ignore_unknown_fields=ignore_unknown_fields, compat=compat
    )
