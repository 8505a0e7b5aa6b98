"""Time to notify: the worst case from a breach to the first notification, per alerting rule.

A breach just after an evaluation is seen at the next one (up to the group's
evaluation interval), the rule then stays pending for ``for``, and the
matched route's aggregation group waits ``group_wait`` before its first
notification. An alert that joins a group already open on its route (another
alert with the same group key fires) waits instead for the group's next
flush: up to ``group_interval``. Prometheus sends a newly firing alert
right after the evaluation, so no send delay is added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..rules.testfile import go_duration_text as fmt
from .config import AlertmanagerConfig
from .route import Route

DEFAULT_EVAL_INTERVAL_MS = 60_000  # Prometheus' global evaluation_interval default


@dataclass
class NotifyBound:
    alert: str
    receivers: list[str]  # "ingest-oncall (slack)"
    worst_ms: int
    terms: str  # "eval 1m + for 0s + group_wait 30s"
    join_ms: int | None = None  # when the alert can join an open group
    join_terms: str = ""
    budget_ms: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def headline(self) -> str:
        who = ", ".join(self.receivers)
        text = f"{self.alert} -> {who}: within {fmt(self.worst_ms)} worst case ({self.terms})"
        if self.join_ms is not None:
            text += f", {fmt(self.join_ms)} joining an open group ({self.join_terms})"
        if self.budget_ms is not None:
            text += f"; budget {fmt(self.budget_ms)}"
        if self.problems:
            text += f": {self.problems[0]}"
            if len(self.problems) > 1:
                text += f" (+{len(self.problems) - 1} more)"
        return text


def _describe(config: AlertmanagerConfig, receiver: str) -> str:
    integrations = config.receivers[receiver].types
    return f"{receiver} ({', '.join(integrations) if integrations else 'no integrations'})"


def time_to_notify(
    config: AlertmanagerConfig,
    root: Route,
    labels: Mapping[str, str],
    *,
    eval_interval_ms: int | None,
    for_ms: int,
    budget_ms: int | None,
    others: Sequence[Mapping[str, str]] = (),
) -> NotifyBound:
    """Route ``labels`` (the alert's labels, alertname included) and bound its time to notify.

    ``others`` are the labels of other alerts that may fire at the same time
    (the project's other rules, other series of this one): sharing a group key
    with one of them on a matched route makes the join-an-open-group case apply.
    """
    alert = labels.get("alertname", "<no alertname>")
    eval_ms = DEFAULT_EVAL_INTERVAL_MS if eval_interval_ms is None else eval_interval_ms
    routes = root.match(labels)
    slowest = max(routes, key=lambda r: r.opts.group_wait_ms)
    gw = slowest.opts.group_wait_ms
    bound = NotifyBound(
        alert,
        [_describe(config, r.opts.receiver) for r in routes],
        eval_ms + for_ms + gw,
        f"eval {fmt(eval_ms)} + for {fmt(for_ms)} + group_wait {fmt(gw)}",
        budget_ms=budget_ms,
    )
    joinable = [r for r in routes if any(_same_group(r, labels, o) for o in others)]
    if joinable:
        gi = max(r.opts.group_interval_ms for r in joinable)
        bound.join_ms = eval_ms + for_ms + gi
        bound.join_terms = f"eval {fmt(eval_ms)} + for {fmt(for_ms)} + group_interval {fmt(gi)}"
    if routes == [root]:
        bound.problems.append(f"reaches only the root route's catch-all {root.opts.receiver}")
    for r in routes:
        if config.receivers[r.opts.receiver].integration_count == 0:
            bound.problems.append(
                f"receiver {r.opts.receiver} has no integrations: it never delivers"
            )
    if budget_ms is not None:
        if bound.worst_ms > budget_ms:
            bound.problems.append(f"{fmt(bound.worst_ms)} exceeds the budget")
        if bound.join_ms is not None and bound.join_ms > budget_ms:
            bound.problems.append(
                f"joining an open group takes up to {fmt(bound.join_ms)}, over the budget"
            )
    return bound


def _same_group(route: Route, labels: Mapping[str, str], other: Mapping[str, str]) -> bool:
    if dict(other) == dict(labels) or route not in route_matches(route, other):
        return False
    return route.group_labels(other) == route.group_labels(labels)


def route_matches(route: Route, labels: Mapping[str, str]) -> list[Route]:
    """The final routes ``labels`` reach from the root above ``route``."""
    top = route
    while top.parent is not None:
        top = top.parent
    return top.match(labels)
