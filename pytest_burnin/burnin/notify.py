"""The daily job hands failing checks to the channels as alerts, and keeps the events.

One alert per failing check and day (``BurnInCheckFailed``), delivered through
the alerting core with its spool (nothing is lost when a channel is down) and
recorded in the store's ``alert_events`` (a repeat of the same day records nothing
new: the dedup key is the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from ..store.sqlite import Store
from .incidents import record_alert_event
from .records import CheckOutcome
from .spec import BurnInSpec

ALERTNAME = "BurnInCheckFailed"


def notify_failures(
    store: Store,
    spec: BurnInSpec,
    day: date,
    outcomes: list[CheckOutcome],
    channels: Mapping[str, Any],
    spool_dir: Path | None,
) -> list[str]:
    """Deliver one alert per failing check to every ``notify`` channel; one line of news each."""
    from ..alerting.delivery import deliver
    from ..alerting.model import Alert, Notification

    news: list[str] = []
    failing = [o for o in outcomes if o.verdict == "fail"]
    # The alert belongs to the recorded day: its episode starts at that day's end.
    starts = datetime.combine(day, time(), tzinfo=timezone.utc) + timedelta(days=1)
    for o in failing:
        objective = f"{o.objective.op} {o.objective.value:g}" if o.objective else "its objective"
        alert = Alert(
            labels={
                "alertname": ALERTNAME,
                "burnin": spec.name,
                "check": o.name,
                "severity": "ticket",
            },
            annotations={
                "summary": f"{o.name} was {o.value:.6g} on {day}, missing {objective}",
                "remediation": "see the burn-in's runbook; the day counts against GA until resolved",
                "runbook_url": spec.runbook,
            },
            starts_at=starts,
            value=o.value,
            threshold=o.objective.value if o.objective else None,
        )
        for name in spec.notify:
            channel = channels.get(name)
            if channel is None:
                news.append(f"{o.name}: no Channel entry named {name!r}; alert not sent")
                continue
            result = deliver(Notification.of(alert), channel, spool_dir=spool_dir)
            delivered = datetime.now(timezone.utc) if result.delivered else None
            record_alert_event(
                store,
                ALERTNAME,
                "fired",
                starts,
                fingerprint=alert.fingerprint,
                channel=name,
                delivered_at=delivered,
                dedup_key=f"{result.dedup_key}@{name}",
            )
            if result.delivered:
                word = "delivered"
            elif result.dead_lettered:
                word = f"dead: {result.last_error} (moved to {result.dead_path})"
            else:
                word = f"not delivered ({result.last_error}); spooled"
            news.append(f"{o.name}: alerted {name}: {word}")
    return news
