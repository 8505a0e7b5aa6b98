"""A simulation's fired alert delivered straight to its channel (no Alertmanager config):
handed off over real HTTP, received, and breach-to-receipt measured."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from .expect import fmt_ms

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry
    from .expect import Outcome
    from .kind import Plan

SIM_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)  # simulated t=0, for payload times


def deliver_direct(
    entry: Entry, ctx: RunContext, o: Outcome, p: Plan
) -> tuple[str, list[tuple[str, str]], list[str]]:
    """Send the fired alert, wait for it at the other end, and measure breach-to-receipt."""
    from ..alerting.delivery import deliver
    from ..alerting.model import Alert, Notification

    life, exp = o.alert, o.expectation
    assert life is not None and life.firing_at_ms is not None
    breach = p.breach_at_ms if p.breach_at_ms is not None else (life.pending_at_ms or 0)
    simulated_ms = max(0, life.firing_at_ms - breach)
    annotations = dict(life.annotations)
    for key in ("owner", "oncall"):
        # Who to call travels with the alert: the rule's own annotation wins.
        if key in entry.metadata and key not in annotations and key not in dict(life.labels):
            annotations[key] = str(entry.metadata[key])
    alert = Alert(
        labels=dict(life.labels),
        annotations=annotations,
        starts_at=SIM_EPOCH + timedelta(milliseconds=life.firing_at_ms),
        value=life.value,
        threshold=life.threshold,
    )
    notification = Notification.of(alert)
    channel, receiver, path = ctx.simulation_channel(entry)
    spool = ctx.spool_dir if receiver is None else None
    received_before = len([r for r in receiver.received if r.path == path]) if receiver else 0
    handed_off = time.time()
    started = time.monotonic()
    # resend: a simulation measures delivery on every run, even of an alert sent before.
    result = deliver(notification, channel, handed_off_at=handed_off, spool_dir=spool, resend=True)
    if life.resolved_at_ms is not None and result.delivered:
        resolved = Alert(
            labels=alert.labels,
            annotations=alert.annotations,
            state="resolved",
            starts_at=alert.starts_at,
            ends_at=SIM_EPOCH + timedelta(milliseconds=life.resolved_at_ms),
            value=life.value,
            threshold=life.threshold,
        )
        deliver(Notification.of(resolved), channel, spool_dir=spool, resend=True)
    problems: list[str] = []
    props = [
        (f"{exp.alert}.fired_at", fmt_ms(life.firing_at_ms)),
        (f"{exp.alert}.breach_at", fmt_ms(breach)),
    ]
    if not result.delivered:
        kept = (
            " (kept in the spool: the next run or `burnin flush` sends it)"
            if result.spooled
            else ""
        )
        if result.dead_lettered:
            # Refused for good: no later flush will send it, so say so plainly.
            problems.append(
                f"{exp.alert}: dead: {result.last_error} (moved to {result.dead_path}; "
                "fix the channel, then `burnin flush --retry-dead`)"
            )
        else:
            problems.append(
                f"{exp.alert}: delivery failed after {result.attempts} attempt(s): "
                f"{result.last_error}{kept}"
            )
        return f"{exp.alert} fired at {fmt_ms(life.firing_at_ms)}, not delivered", props, problems
    real_s = result.latency or 0.0
    payload: Any = None
    if receiver is not None:
        got = receiver.wait_for(path, after=received_before, timeout=10.0)
        if got is None:
            problems.append(f"{exp.alert}: the receiver got nothing within 10 s")
        else:
            real_s = got.at - started
            payload = got.json()
    total_s = simulated_ms / 1000 + real_s
    props += [
        (f"{exp.alert}.latency_simulated_s", f"{simulated_ms / 1000:g}"),
        (f"{exp.alert}.latency_delivery_s", f"{real_s:.4f}"),
        (f"{exp.alert}.latency_total_s", f"{total_s:.4f}"),
        (f"{exp.alert}.dedup_key", result.dedup_key),
        (f"{exp.alert}.handed_off_at", f"{handed_off:.6f}"),
    ]
    if exp.delivered_within_ms is not None and total_s * 1000 > exp.delivered_within_ms:
        problems.append(
            f"{exp.alert} reached its channel {total_s:.1f}s after the breach, over delivered_within "
            f"{fmt_ms(exp.delivered_within_ms)} (breach {fmt_ms(breach)}, fired {fmt_ms(life.firing_at_ms)})"
        )
    if exp.payload_has and payload is not None:
        delivered = payload.get("alerts", [{}])[0] if isinstance(payload, dict) else {}
        fields = {**delivered.get("labels", {}), **delivered.get("annotations", {})}
        missing = [k for k in exp.payload_has if not fields.get(k)]
        if missing:
            problems.append(f"{exp.alert}: the delivered payload lacks {', '.join(missing)}")
    fact = (
        f"{exp.alert} fired at {fmt_ms(life.firing_at_ms)} and was delivered "
        f"{total_s:.3g}s after the breach ({fmt_ms(simulated_ms)} simulated + {real_s * 1000:.1f} ms delivery)"
    )
    return fact, props, problems
