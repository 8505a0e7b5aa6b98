"""The routing tree as Alertmanager's ``dispatch.NewRoute`` builds it, and how an alert walks it.

Each node's options are its parent's with its own settings on top (receiver,
``group_by``, timers); mute/active time intervals are per node, not inherited
(as in ``dispatch/route.go``). Matching is depth first: a node that matches
and has no matching child is a final route; siblings after a matching child
are tried only when that child has ``continue: true``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..promql.gomath import go_quote
from .config import RouteConfig
from .matchers import Matcher, format_matchers, matches_all

DEFAULT_GROUP_WAIT_MS = 30_000
DEFAULT_GROUP_INTERVAL_MS = 300_000
DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000


@dataclass(frozen=True)
class RouteOpts:
    receiver: str = ""
    group_by: frozenset[str] = frozenset()
    group_by_all: bool = False
    group_wait_ms: int = DEFAULT_GROUP_WAIT_MS
    group_interval_ms: int = DEFAULT_GROUP_INTERVAL_MS
    repeat_interval_ms: int = DEFAULT_REPEAT_INTERVAL_MS
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()


@dataclass(eq=False)  # identity: nodes link to their parent and children
class Route:
    opts: RouteOpts
    matchers: list[Matcher]
    continue_: bool
    parent: Route | None = None
    routes: list[Route] = field(default_factory=list)
    config: RouteConfig | None = None
    _key: str | None = field(default=None, repr=False)

    @classmethod
    def build(cls, cr: RouteConfig, parent: Route | None = None) -> Route:
        base = parent.opts if parent is not None else RouteOpts()
        group_by, group_by_all = base.group_by, base.group_by_all
        if cr.group_by is not None:
            group_by, group_by_all = frozenset(cr.group_by), False
        elif cr.group_by_all:
            group_by_all = True
        opts = RouteOpts(
            receiver=cr.receiver or base.receiver,
            group_by=group_by,
            group_by_all=group_by_all,
            group_wait_ms=_or(cr.group_wait_ms, base.group_wait_ms),
            group_interval_ms=_or(cr.group_interval_ms, base.group_interval_ms),
            repeat_interval_ms=_or(cr.repeat_interval_ms, base.repeat_interval_ms),
            mute_time_intervals=tuple(cr.mute_time_intervals),
            active_time_intervals=tuple(cr.active_time_intervals),
        )
        matchers = sorted(cr.matchers, key=Matcher.sort_key)
        route = cls(opts, matchers, cr.continue_, parent, config=cr)
        route.routes = [cls.build(c, route) for c in cr.routes]
        return route

    def matches(self, labels: Mapping[str, str]) -> bool:
        return matches_all(self.matchers, labels)

    def match(self, labels: Mapping[str, str]) -> list[Route]:
        """The final routes for an alert, in tree order (``Route.Match``)."""
        if not self.matches(labels):
            return []
        found: list[Route] = []
        for child in self.routes:
            hits = child.match(labels)
            found += hits
            if hits and not child.continue_:
                break
        return found or [self]

    def key(self) -> str:
        """``Route.Key()``: the matchers of every node from the root, "/" between."""
        if self._key is None:
            own = format_matchers(self.matchers)
            self._key = f"{self.parent.key()}/{own}" if self.parent is not None else own
        return self._key

    def group_labels(self, labels: Mapping[str, str]) -> dict[str, str]:
        """The alert's labels that form its group (``getGroupLabels``); empty values are absent."""
        return {
            k: v
            for k, v in labels.items()
            if v != "" and (self.opts.group_by_all or k in self.opts.group_by)
        }

    def group_key(self, labels: Mapping[str, str]) -> str:
        """The aggregation group key Alertmanager sends as ``groupKey``."""
        return f"{self.key()}:{format_label_set(self.group_labels(labels))}"

    def path(self) -> list[Route]:
        out: list[Route] = []
        node: Route | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]

    def slug(self, *, show_continue: bool, show_receiver: bool) -> str:
        """One node as ``amtool config routes`` prints it."""
        text = format_matchers(self.matchers) if self.matchers else "default-route"
        if self.continue_ and show_continue:
            text += "  continue: true"
        if show_receiver:
            text += f"  receiver: {self.opts.receiver}"
        return text


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def format_label_set(labels: Mapping[str, str]) -> str:
    """Prometheus' ``model.LabelSet.String()``: sorted, ``name="value"``, ", " between."""
    return "{" + ", ".join(f"{k}={_quote(labels[k])}" for k in sorted(labels)) + "}"


def _quote(value: str) -> str:
    # Most label values need no escaping; only those go through the full %q.
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return go_quote(value)


def receivers(root: Route, labels: Mapping[str, str]) -> list[str]:
    return [r.opts.receiver for r in root.match(labels)]
