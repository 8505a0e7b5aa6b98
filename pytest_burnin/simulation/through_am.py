"""A simulated alert through the team's Alertmanager, on the simulated clock (pure core).

Prometheus hands a firing alert to Alertmanager at the evaluation that fires
it. There it is inhibited or not (by the other alerts firing then), routed
to every matching final route, and joins that route's aggregation group
(same group key). A group flushes ``group_wait`` after it opened, then every
``group_interval``: an alert joining a group that is already open waits for
the next flush. A route muted at the flush instant (or outside its active
intervals) holds the notification. What each reached receiver gets is
rendered with the config's templates, for the group's alerts at the flush.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..alertmanager.config import AlertmanagerConfig
from ..alertmanager.gotime import GoTime
from ..alertmanager.inhibit import inhibited_by
from ..alertmanager.notify.render import Notification, RenderError
from ..alertmanager.notify.routed import render_on_route
from ..alertmanager.route import Route
from ..alertmanager.routing_test import muted
from ..alertmanager.template_data import PostedAlert
from ..alertmanager.templates import TemplateError, TemplateSet
from ..rules.testfile import go_duration_text as fmt
from .run import AlertLife, Timeline


@dataclass
class Leg:
    """One receiver the alert reaches."""

    receiver: str
    route: Route
    notify_at_ms: int | None = None  # simulated time of the first notification; None: never
    terms: str = ""  # how notify_at_ms was reached, for the headline
    problem: str | None = None
    notes: list[Notification] = field(default_factory=list)


@dataclass
class AmPath:
    legs: list[Leg] = field(default_factory=list)
    inhibited: str | None = None  # why nobody hears of it


def _firing_at(life: AlertLife, t: int) -> bool:
    return (
        life.firing_at_ms is not None
        and life.firing_at_ms <= t
        and (life.resolved_at_ms is None or life.resolved_at_ms > t)
    )


def route_alert(
    config: AlertmanagerConfig,
    root: Route,
    timeline: Timeline,
    life: AlertLife,
    epoch: datetime,
    templates: TemplateSet,
    version: str,
) -> AmPath:
    """What the team's Alertmanager does with ``life`` (which must have fired)."""
    assert life.firing_at_ms is not None
    fired = life.firing_at_ms
    labels = dict(life.labels)
    others = [dict(a.labels) for a in timeline.alerts if a is not life and _firing_at(a, fired)]
    hit = inhibited_by(config.inhibit_rules, labels, others, indexed=version != "0.25")
    if hit is not None:
        source = ", ".join(f"{k}={v}" for k, v in sorted(hit.source.items()))
        return AmPath(
            inhibited=f"inhibited by inhibit_rules[{hit.rule_index}] "
            f"(line {hit.rule.mark[0]}) while {{{source}}} fires"
        )
    path = AmPath()
    for route in root.match(labels):
        path.legs.append(_leg(config, route, timeline, life, epoch, templates, version))
    return path


def _leg(
    config: AlertmanagerConfig,
    route: Route,
    timeline: Timeline,
    life: AlertLife,
    epoch: datetime,
    templates: TemplateSet,
    version: str,
) -> Leg:
    assert life.firing_at_ms is not None
    fired = life.firing_at_ms
    receiver = route.opts.receiver
    leg = Leg(receiver, route)
    if config.receivers[receiver].integration_count == 0:
        leg.problem = f"receiver {receiver} has no integrations: nobody is notified"
        return leg
    key = route.group_key(dict(life.labels))
    # The group this alert joins: alerts on the same route with the same key, firing now.
    group = [
        a
        for a in timeline.alerts
        if _firing_at(a, fired) and route in _finals(a, route)
        and route.group_key(dict(a.labels)) == key
    ]  # fmt: skip
    opened = min(a.firing_at_ms for a in group if a.firing_at_ms is not None)
    wait, interval = route.opts.group_wait_ms, route.opts.group_interval_ms
    first_flush = opened + wait
    if fired <= first_flush:
        leg.notify_at_ms = first_flush
        leg.terms = f"fired {fmt(fired)} + group_wait {fmt(wait)}"
        if opened < fired:
            leg.terms = (
                f"joined the group opened at {fmt(opened)}, flushed at +group_wait {fmt(wait)}"
            )
    else:
        flushes = -(-(fired - first_flush) // interval)  # ceiling
        leg.notify_at_ms = first_flush + flushes * interval
        leg.terms = (
            f"joined the group opened at {fmt(opened)}; next flush every group_interval "
            f"{fmt(interval)}"
        )
    at = epoch + timedelta(milliseconds=leg.notify_at_ms)
    why = muted(config, route, at)
    if why is not None:
        leg.problem = f"{receiver} holds it at {at.isoformat()} ({why})"
        leg.notify_at_ms = None
        return leg
    members = [a for a in group if _firing_at(a, leg.notify_at_ms)]
    alerts = [
        PostedAlert(
            dict(a.labels),
            dict(a.annotations),
            GoTime(epoch + timedelta(milliseconds=a.firing_at_ms or 0)),
            GoTime.zero(),
        )
        for a in members
    ]
    try:
        leg.notes = render_on_route(config, route, receiver, templates, alerts, version=version)
    except (TemplateError, RenderError) as exc:
        leg.problem = f"{receiver}: the notification cannot be rendered: {exc}"
    return leg


def _finals(life: AlertLife, route: Route) -> list[Route]:
    # An alert is in a route's group only when that route is one of its final routes.
    root = route.path()[0]
    return root.match(dict(life.labels))
