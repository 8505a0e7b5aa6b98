from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from pytest_burnin.alerting import Alert, Notification

from .receiver import Receiver

T0 = datetime(2026, 11, 28, 10, 0, 0, tzinfo=timezone.utc)


def make_alert(**overrides: object) -> Alert:
    """The worked example's integrity alert, firing since T0."""
    fields: dict[str, object] = {
        "labels": {
            "alertname": "IntegrityRateHigh",
            "severity": "critical",
            "service": "ingest",
            "owner": "data-platform",
        },
        "annotations": {
            "summary": "Integrity failure rate 1.8% is above 1%.",
            "remediation": "Pause the scorer rollout; re-run remediation for the last hour.",
            "runbook_url": "docs/runbooks/integrity.md",
            "oncall": "#ingest-oncall",
        },
        "starts_at": T0,
        "value": 0.018,
        "threshold": 0.01,
        "generator_url": "http://prometheus.example/graph?g0.expr=integrity",
    }
    fields.update(overrides)
    return Alert(**fields)  # type: ignore[arg-type]


@pytest.fixture
def notification() -> Notification:
    return Notification.of(make_alert())


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    try:
        yield r
    finally:
        r.stop()
