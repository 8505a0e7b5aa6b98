"""Against a real Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1.

Proves two claims: what we POST to /api/v2/alerts is accepted, and gets the
fingerprint we compute; and our webhook body has the shape Alertmanager's own
webhook sends (so receivers written for Alertmanager read ours).
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from pytest_burnin.alerting import Notification, build_channel, deliver
from pytest_burnin.alerting.payload import webhook_body

from .conftest import ALERTMANAGER as BINARY
from .conftest import make_alert
from .receiver import Receiver

pytestmark = pytest.mark.skipif(BINARY is None, reason="Alertmanager is not installed")


def _webhook_from_am(receiver: Receiver, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for r in receiver.requests:
            if r.path == "/am" and r.json()["status"] == status:
                body: dict[str, Any] = r.json()
                return body
        receiver.wait_for(len(receiver.requests) + 1, timeout=0.5)
    pytest.fail(f"Alertmanager sent no {status} webhook within 15s")


def test_alertmanager_accepts_our_alerts_and_agrees_on_fingerprint_and_shape(
    alertmanager: str, receiver: Receiver
) -> None:
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=1)
    alert = make_alert(starts_at=start)
    channel = build_channel("am", {"type": "alertmanager", "url": alertmanager})
    result = deliver(Notification.of(alert), channel)
    assert result.delivered, result.last_error

    listed = requests.get(alertmanager + "/api/v2/alerts", timeout=5).json()
    (am_alert,) = listed
    assert am_alert["fingerprint"] == alert.fingerprint
    assert am_alert["labels"] == dict(alert.labels)
    assert am_alert["annotations"] == dict(alert.annotations)

    theirs = _webhook_from_am(receiver, "firing")
    ours = webhook_body(Notification.of(alert), receiver="hook")
    assert set(theirs) == set(ours) - {"dedupKey"}
    assert set(theirs["alerts"][0]) == set(ours["alerts"][0]) - {"value", "threshold"}
    assert theirs["alerts"][0]["fingerprint"] == ours["alerts"][0]["fingerprint"]
    assert theirs["groupKey"] == ours["groupKey"]
    assert theirs["version"] == ours["version"] == "4"
    for key in ("status", "labels", "annotations", "startsAt", "endsAt"):
        assert theirs["alerts"][0][key] == ours["alerts"][0][key], key
    for key in ("status", "groupLabels", "commonLabels", "commonAnnotations", "truncatedAlerts"):
        assert theirs[key] == ours[key], key

    # The resolved notification: Alertmanager sends it on its next group interval.
    ended = datetime.now(timezone.utc).replace(microsecond=0)
    resolved = make_alert(starts_at=start, state="resolved", ends_at=ended)
    assert deliver(Notification.of(resolved), channel).delivered
    theirs = _webhook_from_am(receiver, "resolved")
    ours = webhook_body(Notification.of(resolved), receiver="hook")
    assert theirs["alerts"][0]["endsAt"] == ours["alerts"][0]["endsAt"]
    assert theirs["alerts"][0]["status"] == "resolved"
    json.dumps(theirs)  # plain JSON all the way
