"""The simulated clock through an Alertmanager config: grouping, muting, receivers (pure core)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pytest_burnin.alertmanager.config import load_config
from pytest_burnin.alertmanager.route import Route
from pytest_burnin.alertmanager.templates import TemplateSet
from pytest_burnin.simulation.run import AlertLife, Timeline
from pytest_burnin.simulation.through_am import AmPath, route_alert

EPOCH = datetime(2026, 1, 3, tzinfo=timezone.utc)  # a Saturday
CONFIG = """\
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  routes:
    - matchers: [severity=ticket]
      receiver: tickets
      mute_time_intervals: [weekends]
    - matchers: [severity=none]
      receiver: nobody
receivers:
  - {name: hook, webhook_configs: [{url: 'http://127.0.0.1:9/'}]}
  - {name: tickets, webhook_configs: [{url: 'http://127.0.0.1:9/t'}]}
  - {name: nobody}
time_intervals:
  - name: weekends
    time_intervals: [{weekdays: [saturday, sunday]}]
"""


def _life(name: str, fired_min: int, **labels: str) -> AlertLife:
    pairs = tuple(sorted({"alertname": name, **labels}.items()))
    return AlertLife(name, pairs, firing_at_ms=fired_min * 60_000)  # type: ignore[arg-type]


def _route(tmp_path: Path, timeline: Timeline, life: AlertLife) -> AmPath:
    path = tmp_path / "am.yml"
    path.write_text(CONFIG)
    config = load_config(path)
    templates = TemplateSet.from_files("0.25", [])
    return route_alert(config, Route.build(config.route), timeline, life, EPOCH, templates, "0.25")


def test_later_alerts_of_an_open_group_wait_for_the_next_flush(tmp_path: Path) -> None:
    first, second, third = _life("A", 10, i="1"), _life("A", 10, i="2"), _life("A", 17, i="3")
    timeline = Timeline([first, second, third])
    assert _route(tmp_path, timeline, first).legs[0].notify_at_ms == 10 * 60_000 + 30_000
    assert _route(tmp_path, timeline, second).legs[0].notify_at_ms == 10 * 60_000 + 30_000
    # Flushes at 10m30s, 15m30s, 20m30s: the alert firing at 17m is sent at 20m30s.
    leg = _route(tmp_path, timeline, third).legs[0]
    assert leg.notify_at_ms == 20 * 60_000 + 30_000
    assert len(leg.notes) == 1  # one webhook, carrying the group's three alerts
    body = json.loads(leg.notes[0].request.body)
    assert [a["labels"]["i"] for a in body["alerts"]] == ["1", "2", "3"]


def test_a_muted_route_holds_the_notification(tmp_path: Path) -> None:
    life = _life("T", 5, severity="ticket")
    leg = _route(tmp_path, Timeline([life]), life).legs[0]
    assert leg.notify_at_ms is None
    assert (
        leg.problem
        == "tickets holds it at 2026-01-03T00:05:30+00:00 (inside mute interval weekends)"
    )


def test_a_receiver_without_integrations_notifies_nobody(tmp_path: Path) -> None:
    life = _life("N", 5, severity="none")
    leg = _route(tmp_path, Timeline([life]), life).legs[0]
    assert leg.problem == "receiver nobody has no integrations: nobody is notified"
