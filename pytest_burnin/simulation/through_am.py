"""A simulated alert through the team's Alertmanager, on the simulated clock (pure core).

Prometheus hands a firing alert to Alertmanager at the evaluation that fires
it. There it is inhibited or not (by the other alerts firing then), routed
to every matching final route, and joins that route's aggregation group
(same group key). A group flushes ``group_wait`` after it opened, then every
``group_interval``: an alert joining a group that is already open waits for
the next flush. Muting and inhibition are decided at each flush, as
Alertmanager's notification pipeline does: a route muted at the flush instant
(or outside its active intervals), or an alert inhibited by another firing
then, is held, and the next flush (``group_interval`` later) tries again. An
inhibition that starts after the alert fired therefore still silences it, and
one that ends before the flush does not. What each reached receiver gets is
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
    inhibited: str | None = None  # set when inhibition held it at every flush


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
    path = AmPath()
    for route in root.match(dict(life.labels)):
        path.legs.append(_leg(config, route, timeline, life, epoch, templates, version))
    held = [leg.inhibited for leg in path.legs]
    if path.legs and all(held):
        path.inhibited = held[0]
    return path


def _inhibition(
    config: AlertmanagerConfig, timeline: Timeline, life: AlertLife, t: int, version: str
) -> str | None:
    """Why ``life`` is inhibited at ``t`` (by the alerts firing then), or None."""
    others = [dict(a.labels) for a in timeline.alerts if a is not life and _firing_at(a, t)]
    hit = inhibited_by(config.inhibit_rules, dict(life.labels), others, indexed=version != "0.25")
    if hit is None:
        return None
    source = ", ".join(f"{k}={v}" for k, v in sorted(hit.source.items()))
    return (
        f"inhibited by inhibit_rules[{hit.rule_index}] (line {hit.rule.mark[0]}) "
        f"while {{{source}}} fires"
    )


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
    first = leg.notify_at_ms
    delivered = _first_unheld(config, route, timeline, life, epoch, version, first, interval)
    if delivered.at_ms is None:
        leg.notify_at_ms = None
        if delivered.inhibited is not None:
            leg.inhibited = delivered.inhibited
            leg.problem = f"{delivered.inhibited}: nobody is notified"
        else:
            at = epoch + timedelta(milliseconds=first)
            leg.problem = f"{receiver} holds it at {at.isoformat()} ({delivered.first_hold})"
            if delivered.holds > 1:
                leg.problem += f" and at each of the {delivered.holds - 1} flushes after it"
        return leg
    if delivered.holds:
        leg.terms += (
            f"; held at {delivered.holds} flush{'es' if delivered.holds > 1 else ''} from "
            f"{fmt(first)} ({delivered.first_hold}), next flush every group_interval "
            f"{fmt(interval)}"
        )
    leg.notify_at_ms = delivered.at_ms
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


@dataclass
class _Delivery:
    at_ms: int | None  # the first flush that sends it; None: none did
    holds: int = 0  # flushes that held it before (or instead)
    first_hold: str = ""
    inhibited: str | None = None  # never sent, and inhibition held it at the last flush


def _first_unheld(
    config: AlertmanagerConfig,
    route: Route,
    timeline: Timeline,
    life: AlertLife,
    epoch: datetime,
    version: str,
    first_ms: int,
    interval_ms: int,
) -> _Delivery:
    """The first flush from ``first_ms`` on at which the alert is neither muted nor inhibited.

    Flushes go on every ``group_interval`` while the alert fires, up to the
    end of the simulation: beyond it nothing is known.
    """
    out = _Delivery(None)
    t = first_ms
    horizon = max(timeline.end_ms, first_ms)
    while t <= horizon and (t == first_ms or _firing_at(life, t)):
        why = muted(config, route, epoch + timedelta(milliseconds=t))
        inhibited = None if why is not None else _inhibition(config, timeline, life, t, version)
        if why is None and inhibited is None:
            out.at_ms = t
            return out
        out.holds += 1
        out.first_hold = out.first_hold or str(why or inhibited)
        out.inhibited = inhibited
        t += max(interval_ms, 1)
    return out


def _finals(life: AlertLife, route: Route) -> list[Route]:
    # An alert is in a route's group only when that route is one of its final routes.
    root = route.path()[0]
    return root.match(dict(life.labels))
