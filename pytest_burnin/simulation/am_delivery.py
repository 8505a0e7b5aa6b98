"""Deliver a simulated alert as the team's Alertmanager would (``spec.alertmanager``).

The timing, inhibition and muting come from ``through_am.py`` on the
simulated clock; each rendered notification then really crosses HTTP to the
local receiver (one path per receiver and integration), and the measured
latency is the simulated breach-to-notification time plus that hop. With
``--burnin-deliver=real`` the drill channel gets the alert as before and the
Alertmanager checks still apply.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..alertmanager.config import AlertmanagerConfig
from ..alertmanager.route import Route
from ..rules.testfile import go_duration_text
from .expect import Outcome, fmt_ms
from .run import Timeline

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry
    from .kind import Plan


@dataclass
class AmSetup:
    config: AlertmanagerConfig
    root: Route
    version: str  # "0.25" or "0.33": whose templates and bodies to reproduce


def load_setup(entry: Entry) -> AmSetup | None:
    """The Alertmanager config a simulation names, loaded at collection (errors at their line)."""
    from ..alertmanager.config import load_config

    name = entry.spec.get("alertmanager")
    if not name or name == "none":
        return None
    path = (entry.path.parent / str(name)).resolve()
    if not path.is_file():
        raise entry.error(("alertmanager",), f"Alertmanager config {name!r} not found",
                          hint="spec.alertmanager is relative to this spec file")  # fmt: skip
    config = load_config(path)
    version = str(entry.spec.get("alertmanager_version", "0.25"))
    return AmSetup(
        config, Route.build(config.route), "0.25" if version.startswith("0.25") else "0.33"
    )


def project_setup(entry: Entry, ctx: RunContext) -> AmSetup | None:
    """The project's Alertmanager config, for a simulation that names none.

    A project whose Routing or Notify specs name one config has a production
    alert path; its simulations go through it too, so "delivered within 2m"
    speaks of that config rather than of our own channel. Several configs:
    which one a simulation means is ambiguous, so none is taken (the spec
    names it). ``alertmanager: none`` opts a simulation out.
    """
    if entry.spec.get("alertmanager") == "none":
        return None
    from ..alertmanager.config import load_config

    paths: dict[str, Entry] = {}
    for kind in ("Routing", "Notify"):
        for other in ctx.project.entries(kind):
            spec = other.doc.data.get("spec") or {}  # the document's, not one test's
            config = spec.get("config") if isinstance(spec, dict) else None
            if isinstance(config, str):
                paths.setdefault(str((other.doc.path.parent / config).resolve()), other)
    if len(paths) != 1:
        return None
    ((path, owner),) = paths.items()
    config = load_config(Path(path))
    version = str((owner.doc.data.get("spec") or {}).get("version", "0.25"))
    return AmSetup(
        config, Route.build(config.route), "0.25" if version.startswith("0.25") else "0.33"
    )


def deliver_through_am(
    entry: Entry, ctx: RunContext, o: Outcome, p: Plan, timeline: Timeline, am: AmSetup
) -> tuple[str, list[tuple[str, str]], list[str]]:
    from ..alertmanager.templates import TemplateSet
    from .direct import SIM_EPOCH, deliver_direct
    from .through_am import route_alert

    life, exp = o.alert, o.expectation
    assert life is not None and life.firing_at_ms is not None
    breach = p.breach_at_ms if p.breach_at_ms is not None else (life.pending_at_ms or 0)
    templates = TemplateSet.from_files(am.version, am.config.template_files())
    path = route_alert(am.config, am.root, timeline, life, SIM_EPOCH, templates, am.version)
    problems: list[str] = []
    props: list[tuple[str, str]] = [(f"{exp.alert}.fired_at", fmt_ms(life.firing_at_ms))]
    if path.inhibited is not None:
        problems.append(f"{exp.alert}: {path.inhibited}: nobody is notified")
        return f"{exp.alert} fired at {fmt_ms(life.firing_at_ms)}, inhibited", props, problems
    _, receiver, base = ctx.simulation_channel(entry)
    real_s = 0.0
    if receiver is None:  # a drill: the real channel gets the alert as before
        _, _, more = deliver_direct(entry, ctx, o, p)
        problems += more
    else:
        real_s, more = _post_rendered(receiver, base, path.legs)
        problems += more
    reached: list[str] = []
    worst = 0
    for leg in path.legs:
        if leg.problem is not None or leg.notify_at_ms is None:
            problems.append(f"{exp.alert}: {leg.problem}")
            continue
        simulated = max(0, leg.notify_at_ms - breach)
        worst = max(worst, simulated)
        at = go_duration_text(leg.notify_at_ms)
        reached.append(f"{leg.receiver} at {at} ({leg.terms})")
        props.append((f"{exp.alert}.{leg.receiver}.notified_at", at))
        problems += _payload_problems(exp.alert, exp.payload_has, life, leg)
    total_s = worst / 1000 + real_s
    props.append((f"{exp.alert}.latency_total_s", f"{total_s:.4f}"))
    if exp.delivered_within_ms is not None and reached and total_s * 1000 > exp.delivered_within_ms:
        problems.append(
            f"{exp.alert} reached its receivers {total_s:.1f}s after the breach through the "
            f"Alertmanager config, over delivered_within {fmt_ms(exp.delivered_within_ms)} "
            f"(breach {fmt_ms(breach)}; {'; '.join(reached)})"
        )
    fact = (
        f"{exp.alert} fired at {fmt_ms(life.firing_at_ms)} and reached "
        f"{'; '.join(reached) or 'nobody'}: {total_s:.3g}s after the breach"
    )
    return fact, props, problems


def _post_rendered(receiver: Any, base: str, legs: list[Any]) -> tuple[float, list[str]]:
    """POST every rendered body to the local receiver; the slowest hop's seconds, and failures."""
    from ..httpio import exchange, guarded_session

    session = guarded_session()
    slowest = 0.0
    problems: list[str] = []
    for leg in legs:
        for n in leg.notes:
            where = f"{base}/{leg.receiver}/{n.integration}-{n.index}"
            before = len([r for r in receiver.received if r.path == where])
            started = time.monotonic()
            try:
                exchange(session, "POST", receiver.url + where, timeout=5.0, deadline=10.0,
                         data=n.request.body, headers=dict(n.request.headers))  # fmt: skip
            except Exception as exc:  # requests' and the deadline's: the hop failed
                problems.append(
                    f"{leg.receiver} {n.integration}: posting to the local receiver failed: {exc}"
                )
                continue
            got = receiver.wait_for(where, after=before, timeout=10.0)
            if got is None:
                problems.append(
                    f"{leg.receiver} {n.integration}: the local receiver got nothing within 10 s"
                )
            else:
                slowest = max(slowest, got.at - started)
    return slowest, problems


def _payload_problems(alert: str, keys: list[str], life: Any, leg: Any) -> list[str]:
    """Each key's value (annotation, else label) must appear in every integration's notification.

    Per integration, not per receiver: the person reading Slack needs the
    runbook even when the PagerDuty incident of the same receiver has it.
    """
    from ..alertmanager.notification_check import notification_fields

    if not keys:
        return []
    values = {**dict(life.labels), **dict(life.annotations)}
    out = []
    for n in leg.notes:
        rendered = "\n".join(notification_fields([n]).values())
        for key in keys:
            value = values.get(key, "")
            if not value:
                out.append(f"{alert}: the alert has no {key} to carry to {leg.receiver}")
            elif value not in rendered:
                out.append(
                    f"{alert}: {leg.receiver}'s {n.integration} notification lacks {key} "
                    f"({value[:80]!r})"
                )
    return _unique(out)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


__all__ = ["AmSetup", "deliver_through_am", "load_setup"]
