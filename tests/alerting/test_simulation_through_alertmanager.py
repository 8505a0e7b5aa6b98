"""End to end: a simulation delivers to a real Alertmanager, which routes it to a webhook.

simulation (pytest --burnin --burnin-deliver=real) -> Alertmanager channel ->
Alertmanager (group_wait 0s) -> webhook receiver on 127.0.0.1. Asserts what
arrives and measures hand-off to receipt.
"""

from __future__ import annotations

import time

import pytest

from tests.plugin.test_outcomes import properties

from .conftest import ALERTMANAGER as BINARY
from .receiver import Receiver

pytestmark = pytest.mark.skipif(BINARY is None, reason="Alertmanager is not installed")

RULES = """\
groups:
  - name: g
    rules:
      - alert: IntegrityRateHigh
        expr: failures > 5
        for: 1m
        labels: {severity: page, service: activity-ingest}
        annotations:
          summary: "failures at {{ $value }}"
          remediation: pause the vendor sync
          runbook_url: https://runbooks.example.test/integrity
"""


def test_simulation_reaches_a_webhook_through_alertmanager(
    pytester: pytest.Pytester,
    alertmanager: str,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from junitparser import JUnitXml

    monkeypatch.delenv("CI", raising=False)
    specs = pytester.mkdir("slo_specs")
    (specs / "rules.yaml").write_text(RULES)
    (specs / "channel.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: am}\n"
        f"spec: {{type: alertmanager, url: '{alertmanager}'}}\n"
    )
    (specs / "sim.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Simulation\nmetadata: {name: breach}\nspec:\n"
        "  rules: rules.yaml\n  channel: am\n  series:\n    failures: 0x10 10x20\n"
        "  expect:\n    - alert: IntegrityRateHigh\n      delivered_within: 2m\n"
    )
    result = pytester.runpytest("--burnin", "--burnin-deliver=real", "--junitxml=r.xml")
    result.assert_outcomes(passed=3)

    deadline = time.monotonic() + 15
    arrived = []
    while time.monotonic() < deadline and not arrived:
        arrived = [r for r in receiver.requests if r.path == "/am"]
        time.sleep(0.05)
    assert arrived, "Alertmanager routed nothing to the webhook within 15 s"
    body = arrived[0].json()
    assert body["status"] == "firing"
    (alert,) = body["alerts"]
    assert alert["labels"]["alertname"] == "IntegrityRateHigh"
    assert alert["annotations"]["runbook_url"] == "https://runbooks.example.test/integrity"
    assert alert["annotations"]["remediation"] == "pause the vendor sync"

    (case,) = [
        c
        for s in JUnitXml.fromfile(str(pytester.path / "r.xml"))
        for c in s
        if c.name == "Simulation:breach"
    ]
    handed_off = float(properties(case)["IntegrityRateHigh.handed_off_at"])
    latency = arrived[0].at - handed_off
    print(f"hand-off to webhook through Alertmanager (group_wait 0s): {latency * 1000:.0f} ms")
    assert 0 <= latency < 10
