from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from pytest_burnin.alerting import Alert, Notification

from .receiver import Receiver, free_port

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


ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")

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
    assert ALERTMANAGER is not None
    (tmp_path / "am.yml").write_text(CONFIG.format(url=receiver.url))
    port = free_port()
    proc = subprocess.Popen(
        [ALERTMANAGER, f"--config.file={tmp_path / 'am.yml'}", f"--storage.path={tmp_path / 'data'}",
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
