"""Against a real Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1.

Proves two claims: what we POST to /api/v2/alerts is accepted, and gets the
fingerprint we compute; and our webhook body has the shape Alertmanager's own
webhook sends (so receivers written for Alertmanager read ours).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests

from pytest_burnin.alerting import Notification, build_channel, deliver
from pytest_burnin.alerting.payload import webhook_body

from .conftest import make_alert
from .receiver import Receiver, free_port

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
pytestmark = pytest.mark.skipif(BINARY is None, reason="Alertmanager is not installed")

CONFIG = """\
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: {url}/am
        send_resolved: true
"""


@pytest.fixture
def alertmanager(tmp_path: Path, receiver: Receiver) -> Iterator[str]:
    assert BINARY is not None
    (tmp_path / "am.yml").write_text(CONFIG.format(url=receiver.url))
    port = free_port()
    proc = subprocess.Popen(
        [BINARY, f"--config.file={tmp_path / 'am.yml'}", f"--storage.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
         "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/-/ready", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, "alertmanager exited at start"
            time.sleep(0.1)
        else:
            pytest.fail("alertmanager not ready within 20s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


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
