"""Load an ``alertmanager.yml`` as Alertmanager 0.25-0.33 does, with ``file:line:col`` errors.

Only what routing, inhibition, time intervals and notification need is
modelled; receivers keep their raw mappings (rendering reads them). Messages
use Alertmanager's own wording (``config/config.go``) so a user can search
for them; the position is the YAML node Alertmanager would complain about.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..promql.lexer import parse_duration
from ..rules.yamlmarks import Mark, MarkedDict, MarkedList, YamlError, load
from ..spec.loader import read_text
from . import timeinterval as ti
from .config_fields import (
    GLOBAL_DEFAULTS,
    GLOBAL_FIELDS,
    INHIBIT_FIELDS,
    INTEGRATION_TYPES,
    PERIOD_FIELDS,
    ROUTE_FIELDS,
    TOP_FIELDS,
    integration_problem,
)
from .matchers import LABEL_NAME, Matcher, MatcherError, parse_matchers


@dataclass
class RouteConfig:
    """One node of the routing tree as written (nothing inherited yet)."""

    mark: Mark
    receiver: str = ""
    group_by: list[str] | None = None
    group_by_all: bool = False
    matchers: list[Matcher] = field(default_factory=list)
    continue_: bool = False
    group_wait_ms: int | None = None
    group_interval_ms: int | None = None
    repeat_interval_ms: int | None = None
    mute_time_intervals: list[str] = field(default_factory=list)
    active_time_intervals: list[str] = field(default_factory=list)
    routes: list[RouteConfig] = field(default_factory=list)


@dataclass
class Receiver:
    name: str
    mark: Mark
    integrations: dict[str, list[dict[str, Any]]]  # "slack" -> its raw slack_configs entries

    @property
    def integration_count(self) -> int:
        return sum(len(v) for v in self.integrations.values())

    @property
    def types(self) -> list[str]:
        return [t for t, configs in self.integrations.items() for _ in configs]


@dataclass
class InhibitRule:
    mark: Mark
    source: list[Matcher]
    target: list[Matcher]
    equal: list[str]


@dataclass
class AlertmanagerConfig:
    path: Path
    route: RouteConfig
    receivers: dict[str, Receiver]
    inhibit_rules: list[InhibitRule]
    time_intervals: dict[str, list[ti.Period]]
    template_globs: list[str]
    global_: dict[str, Any]

    def template_files(self) -> list[Path]:
        """Files the ``templates:`` globs match, resolved beside the config file."""
        out: list[Path] = []
        for pattern in self.template_globs:
            full = pattern if Path(pattern).is_absolute() else str(self.path.parent / pattern)
            out += [Path(p) for p in sorted(glob.glob(full))]
        return out


def load_config(path: Path) -> AlertmanagerConfig:
    """Read and validate; raises SpecError naming ``file:line:col``."""
    text = read_text(path)
    try:
        doc = load(text)
    except YamlError as exc:
        raise SpecError(path, exc.msg, line=exc.line or None, col=exc.col or None) from None
    return _Reader(path, text).config(doc)


def _texts(node: Any) -> dict[str, str]:
    """A mapping's scalars as Go reads them into strings (``10:00`` stays ``10:00``)."""
    if not isinstance(node, MarkedDict):
        return {}
    return {k: node.text(k) for k in node}


def _item_texts(items: Any) -> list[str]:
    if not isinstance(items, MarkedList):
        return [] if items is None else [str(items)]
    raws = getattr(items, "raw_items", [None] * len(items))
    return [raw if raw is not None else str(v) for v, raw in zip(items, raws, strict=True)]


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.global_: dict[str, Any] = {}

    def fail(self, mark: Mark, message: str, hint: str | None = None) -> SpecError:
        line, col = mark
        return SpecError(self.path, message, line=line or None, col=col or None, hint=hint,
                         source_text=self.text)  # fmt: skip

    def mapping(self, node: Any, mark: Mark, what: str) -> MarkedDict:
        if node is None:
            empty = MarkedDict()
            empty.mark, empty.key_marks, empty.value_marks, empty.raw = mark, {}, {}, {}
            return empty
        if not isinstance(node, MarkedDict):
            raise self.fail(mark, f"{what} must be a mapping")
        return node

    def fields(self, node: MarkedDict, allowed: tuple[str, ...], type_name: str) -> None:
        for key in node:
            if key not in allowed:
                raise self.fail(node.key_mark(key), f"field {key} not found in type {type_name}")

    def strings(self, node: MarkedDict, key: str) -> list[str]:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(node.value_mark(key), f"{key} must be a list of strings")
        return [str(v) for v in value]

    def config(self, doc: Any) -> AlertmanagerConfig:
        if doc is None:
            raise self.fail((1, 1), "no route provided in config")
        if isinstance(doc, MarkedDict) and doc.get("route") is None:
            raise self.fail(doc.mark, "no routes provided")
        root = self.mapping(doc, (1, 1), "the config")
        self.fields(root, TOP_FIELDS, "config.plain")
        global_ = dict(GLOBAL_DEFAULTS)
        given = self.mapping(root.get("global"), root.value_mark("global"), "global")
        self.fields(given, GLOBAL_FIELDS, "config.plain")
        global_.update(given)
        self.global_ = global_
        receivers = self.receivers(root)
        intervals = self.intervals(root)
        route = self.route(root["route"], root.value_mark("route"))
        self.check_root(route, root.value_mark("route"))
        self.check_refs(route, receivers, intervals)
        rules = [
            self.inhibit_rule(r, m) for r, m in zip(*self.items(root, "inhibit_rules"), strict=True)
        ]
        return AlertmanagerConfig(self.path, route, receivers, rules, intervals,
                                  self.strings(root, "templates"), global_)  # fmt: skip

    def items(self, node: MarkedDict, key: str) -> tuple[list[Any], list[Mark]]:
        value = node.get(key)
        if value is None:
            return [], []
        if not isinstance(value, MarkedList):
            raise self.fail(node.value_mark(key), f"{key} must be a list")
        return list(value), value.item_marks

    def receivers(self, root: MarkedDict) -> dict[str, Receiver]:
        out: dict[str, Receiver] = {}
        for item, mark in zip(*self.items(root, "receivers"), strict=True):
            node = self.mapping(item, mark, "a receiver")
            allowed = ("name", *(f"{t}_configs" for t in INTEGRATION_TYPES))
            self.fields(node, allowed, "config.plain")
            name = node.text("name")
            if not name:
                raise self.fail(node.mark, "missing name in receiver")
            if name in out:
                raise self.fail(
                    node.value_mark("name"),
                    f"notification config name {name!r} is not unique".replace("'", '"'),
                )
            integrations: dict[str, list[dict[str, Any]]] = {}
            for key in node:  # in the file's order
                configs = node[key]
                if key != "name" and configs:
                    integrations[key.removesuffix("_configs")] = [dict(c or {}) for c in configs]
            self.check_integrations(node, integrations)
            out[name] = Receiver(name, node.mark, integrations)
        return out

    def check_integrations(
        self, node: MarkedDict, integrations: dict[str, list[dict[str, Any]]]
    ) -> None:
        for kind, configs in integrations.items():
            for i, c in enumerate(configs):
                problem = integration_problem(kind, c, self.global_)
                if problem:
                    items = node[f"{kind}_configs"]
                    mark = items.item_marks[i] if isinstance(items, MarkedList) else node.mark
                    raise self.fail(mark, problem)

    def intervals(self, root: MarkedDict) -> dict[str, list[ti.Period]]:
        out: dict[str, list[ti.Period]] = {}
        for key, what in (
            ("mute_time_intervals", "mute time interval"),
            ("time_intervals", "time interval"),
        ):
            for item, mark in zip(*self.items(root, key), strict=True):
                node = self.mapping(item, mark, f"a {what}")
                self.fields(node, ("name", "time_intervals"), "config.plain")
                name = node.text("name")
                if not name:
                    raise self.fail(node.mark, f"missing name in {what}")
                if name in out:
                    raise self.fail(node.value_mark("name"), f'{what} "{name}" is not unique')
                out[name] = [
                    self.period(p, m)
                    for p, m in zip(*self.items(node, "time_intervals"), strict=True)
                ]
        return out

    def period(self, item: Any, mark: Mark) -> ti.Period:
        node = self.mapping(item, mark, "a time interval")
        self.fields(node, PERIOD_FIELDS, "timeinterval.TimeInterval")
        period = ti.Period()
        parsers = {"weekdays": ti.parse_weekdays, "days_of_month": ti.parse_days_of_month,
                   "months": ti.parse_months, "years": ti.parse_years}  # fmt: skip
        for key in PERIOD_FIELDS:
            if key not in node:
                continue
            try:
                if key == "times":
                    period.times = [ti.parse_times(_texts(t)) for t in node["times"] or []]
                elif key == "location":
                    period.location = ti.parse_location(node.text("location"))
                else:
                    setattr(period, key, [parsers[key](v) for v in _item_texts(node[key])])
            except ti.IntervalError as exc:
                raise self.fail(node.value_mark(key), str(exc)) from None
        return period

    def duration(self, node: MarkedDict, key: str) -> int | None:
        if node.get(key) is None:
            return None
        try:
            return parse_duration(node.text(key))
        except ValueError as exc:
            raise self.fail(node.value_mark(key), str(exc)) from None

    def matchers(self, node: MarkedDict, prefix: str = "") -> list[Matcher]:
        out: list[Matcher] = []
        for key, op in ((f"{prefix}match", "="), (f"{prefix}match_re", "=~")):
            spec = self.mapping(node.get(key), node.value_mark(key), key)
            for name in spec:
                if not LABEL_NAME.match(name):
                    raise self.fail(spec.key_mark(name), f'invalid label name "{name}"')
                value = spec.text(name)
                try:
                    matcher = Matcher.make(op, name, value)  # errors show Go's ^(?:value)$
                    if op == "=~":
                        # config.Regexp.String() is the anchored form: amtool shows it, sorting uses it.
                        matcher = Matcher.make(op, name, f"^(?:{value})$")
                    out.append(matcher)
                except MatcherError as exc:
                    raise self.fail(spec.value_mark(name), str(exc)) from None
        key = f"{prefix}matchers"
        listed = node.get(key)
        if listed is not None:
            if not isinstance(listed, MarkedList):
                raise self.fail(node.value_mark(key), f"{key} must be a list of strings")
            for text, mark in zip(listed, listed.item_marks, strict=True):
                try:
                    out += parse_matchers(str(text))
                except MatcherError as exc:
                    raise self.fail(mark, str(exc)) from None
        return out

    def route(self, item: Any, mark: Mark) -> RouteConfig:
        node = self.mapping(item, mark, "a route")
        self.fields(node, ROUTE_FIELDS, "config.plain")
        r = RouteConfig(mark=node.mark, receiver=node.text("receiver"))
        if node.get("group_by") is not None:
            labels = self.strings(node, "group_by")
            r.group_by_all = "..." in labels
            named = [label for label in labels if label != "..."]
            where = node.value_mark("group_by")
            for label in named:
                if not LABEL_NAME.match(label):
                    raise self.fail(where, f'invalid label name "{label}" in group_by list')
            if named and r.group_by_all:
                raise self.fail(
                    where,
                    "cannot have wildcard group_by (`...`) and other other labels at the same time",
                )
            dupes = [label for i, label in enumerate(named) if label in named[:i]]
            if dupes:
                raise self.fail(where, f'duplicated label "{dupes[0]}" in group_by')
            r.group_by = named if named or not r.group_by_all else None
        r.matchers = self.matchers(node)
        r.continue_ = node.get("continue") is True
        r.group_wait_ms = self.duration(node, "group_wait")
        r.group_interval_ms = self.duration(node, "group_interval")
        r.repeat_interval_ms = self.duration(node, "repeat_interval")
        for key in ("group_interval", "repeat_interval"):
            if getattr(r, f"{key}_ms") == 0:
                raise self.fail(node.value_mark(key), f"{key} cannot be zero")
        r.mute_time_intervals = self.strings(node, "mute_time_intervals")
        r.active_time_intervals = self.strings(node, "active_time_intervals")
        r.routes = [self.route(c, m) for c, m in zip(*self.items(node, "routes"), strict=True)]
        return r

    def check_root(self, route: RouteConfig, mark: Mark) -> None:
        if route.continue_:
            raise self.fail(mark, "cannot have continue in root route")
        if not route.receiver:
            raise self.fail(mark, "root route must specify a default receiver")
        if route.matchers:
            raise self.fail(mark, "root route must not have any matchers")
        if route.mute_time_intervals:
            raise self.fail(mark, "root route must not have any mute time intervals")
        if route.active_time_intervals:
            raise self.fail(mark, "root route must not have any active time intervals")

    def check_refs(self, route: RouteConfig, receivers: dict[str, Receiver],
                   intervals: dict[str, list[ti.Period]]) -> None:  # fmt: skip
        for child in route.routes:
            self.check_refs(child, receivers, intervals)
        if route.receiver and route.receiver not in receivers:
            raise self.fail(route.mark, f'undefined receiver "{route.receiver}" used in route',
                            hint=f"define it under receivers: ({', '.join(sorted(receivers)) or 'none defined'})")  # fmt: skip
        for name in route.active_time_intervals + route.mute_time_intervals:
            if name not in intervals:
                raise self.fail(route.mark, f'undefined time interval "{name}" used in route')

    def inhibit_rule(self, item: Any, mark: Mark) -> InhibitRule:
        node = self.mapping(item, mark, "an inhibit rule")
        self.fields(node, INHIBIT_FIELDS, "config.plain")
        equal = self.strings(node, "equal")
        for label in equal:
            if not LABEL_NAME.match(label):
                raise self.fail(node.value_mark("equal"), f'"{label}" is not a valid label name')
        return InhibitRule(
            node.mark, self.matchers(node, "source_"), self.matchers(node, "target_"), equal
        )
