"""Inhibition, time intervals, routing and group keys agree with a real Alertmanager.

A real Alertmanager (Debian's 0.25; 0.33.1 where BURNIN_ALERTMANAGER_033 or a
binary beside BURNIN_AMTOOL_033 is found) runs on 127.0.0.1 with every
receiver pointed at a local capture server. The test posts one batch of
alerts and compares what arrives (receiver, group key, alert) with what the
embedded model says should arrive, at the same instant.
"""

from __future__ import annotations

import calendar
import os
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from pytest_burnin.alertmanager.config import load_config
from pytest_burnin.alertmanager.inhibit import indexed_inhibitor, inhibited_by
from pytest_burnin.alertmanager.route import Route
from pytest_burnin.alertmanager.routing_test import muted

from ..alerting.receiver import Receiver, free_port
from .conftest import ALERTMANAGER, AMTOOL_033


def _binaries() -> list[object]:
    out: list[object] = [pytest.param(ALERTMANAGER, "0.25", id="0.25", marks=pytest.mark.skipif(
        ALERTMANAGER is None, reason="prometheus-alertmanager is not installed"))]  # fmt: skip
    newer = os.environ.get("BURNIN_ALERTMANAGER_033")
    if not newer and AMTOOL_033:
        siblings = [
            Path(AMTOOL_033).with_name(n) for n in ("prometheus-alertmanager", "alertmanager")
        ]
        newer = next((str(p) for p in siblings if p.exists()), None)
    out.append(pytest.param(newer, "0.33", id="0.33", marks=pytest.mark.skipif(
        newer is None, reason="no Alertmanager 0.33 (BURNIN_ALERTMANAGER_033 or beside BURNIN_AMTOOL_033)")))  # fmt: skip
    return out


def _hours(now: datetime) -> tuple[str, tuple[str, str], tuple[str, str]]:
    """A zone where now +- 30 min stays within the local day; a window around now, one later."""
    for zone in ("America/New_York", "Asia/Tokyo", "Europe/Paris", "Australia/Sydney"):
        local = now.astimezone(ZoneInfo(zone))
        minute = local.hour * 60 + local.minute
        if 30 <= minute <= 1440 - 150:
            fmt = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
            return zone, (fmt(minute - 30), fmt(minute + 30)), (fmt(minute + 60), fmt(minute + 120))
    raise AssertionError("no zone has room around now")  # four zones 3-14 h apart: unreachable


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _config(url: str, now: datetime) -> str:
    today, tomorrow = WEEKDAYS[now.weekday()], WEEKDAYS[(now.weekday() + 1) % 7]
    zone, around, later = _hours(now)
    from_end = (
        calendar.monthrange(now.year, now.month)[1] - now.day + 1
    )  # today, counted from the end
    hooks = "\n".join(
        f"  - name: {n}\n    webhook_configs: [{{url: '{url}/{n}', send_resolved: false}}]"
        for n in (
            "root",
            "ingest",
            "pager",
            "audit",
            "weekday",
            "quiet",
            "month-end",
            "hours-now",
            "hours-later",
        )
    )
    return f"""\
route:
  receiver: root
  group_by: ['...']
  group_wait: 4s  # the inhibitor sees every source before the first flush, even on a loaded machine
  group_interval: 1m
  routes:
    - matchers: ['team="ingest"']
      receiver: ingest
      continue: true
      routes:
        - matchers: ['severity=~"page|critical"']
          receiver: pager
    - matchers: ['team=~"ing.*"']
      receiver: audit
      group_by: [alertname]
    - matchers: ['window="today"']
      receiver: weekday
      active_time_intervals: [today]
    - matchers: ['window="tomorrow"']
      receiver: quiet
      active_time_intervals: [tomorrow]
    - matchers: ['window="hours-now"']
      receiver: hours-now
      active_time_intervals: [around-now]
    - matchers: ['window="hours-later"']
      receiver: hours-later
      mute_time_intervals: [around-now]
      active_time_intervals: [later]
    - matchers: ['window="month-end"']
      receiver: month-end
      mute_time_intervals: [from-the-end]
inhibit_rules:
  - source_matchers: ['alertname="Outage"']
    target_matchers: ['severity="page"']
    equal: [team, region]
  - source_matchers: ['severity="page"']
    target_matchers: ['severity=~"page|warning"']
    equal: [service]
  - source_matchers: ['severity=~"page|critical"']
    target_matchers: ['severity="page"']
    equal: [service]
time_intervals:
  - name: today
    time_intervals: [{{weekdays: ['{today}']}}]
  - name: tomorrow
    time_intervals: [{{weekdays: ['{tomorrow}']}}]
  - name: around-now
    time_intervals: [{{times: [{{start_time: '{around[0]}', end_time: '{around[1]}'}}], location: {zone}}}]
  - name: later
    time_intervals: [{{times: [{{start_time: '{later[0]}', end_time: '{later[1]}'}}], location: {zone}}}]
  - name: from-the-end
    time_intervals: [{{days_of_month: ['-{from_end}']}}]
receivers:
{hooks}
"""


ALERTS = [
    {"alertname": "Outage", "team": "ingest", "severity": "critical"},  # no region: inhibits below
    {
        "alertname": "Lag",
        "team": "ingest",
        "severity": "page",
        "service": "api",
    },  # inhibited (rule 0)
    {"alertname": "Lag2", "team": "ingest", "severity": "page", "region": "eu", "service": "db"},
    {
        "alertname": "Slow",
        "team": "ingest",
        "severity": "warning",
        "service": "db",
    },  # by Lag2 (rule 1)
    {"alertname": "Slow2", "team": "ingestion", "severity": "warning", "service": "web"},
    {"alertname": "Today", "window": "today"},
    {"alertname": "Tomorrow", "window": "tomorrow"},
    {"alertname": "MonthEnd", "window": "month-end"},
    {"alertname": "HoursNow", "window": "hours-now"},
    {"alertname": "HoursLater", "window": "hours-later"},
    {"alertname": "Stray"},
    # 0.25 scans every source: Crit inhibits Pay and Twin (rule 2). 0.30+ keeps one source per
    # service, the last to arrive (Twin), which matches both sides and is excluded.
    {"alertname": "Crit", "severity": "critical", "service": "pay"},
    {"alertname": "Pay", "severity": "page", "service": "pay"},
    {"alertname": "Twin", "severity": "page", "service": "pay"},
]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    try:
        yield r
    finally:
        r.stop()


def _start(binary: str, config: Path, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [binary, f"--config.file={config}", f"--storage.path={data}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/-/ready", timeout=1).ok:
                return proc, base
        except requests.ConnectionError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    _stop(proc)
    pytest.fail(f"{binary} did not become ready on {base}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.differential
@pytest.mark.parametrize(("binary", "version"), _binaries())
def test_what_arrives_equals_the_model(
    binary: str, version: str, tmp_path: Path, receiver: Receiver
) -> None:
    now = datetime.now(timezone.utc)
    if (now + timedelta(seconds=30)).date() != now.date():
        pytest.skip("too close to midnight UTC: the day-based intervals would change mid-test")
    path = tmp_path / "alertmanager.yml"
    path.write_text(_config(receiver.url, now), encoding="utf-8")
    config = load_config(path)
    root = Route.build(config.route)
    expected = set()
    for labels in ALERTS:
        indexed = indexed_inhibitor(version)
        if inhibited_by(config.inhibit_rules, labels, ALERTS, indexed=indexed) is not None:
            continue
        for r in root.match(labels):
            if muted(config, r, now) is None:
                expected.add((r.opts.receiver, r.group_key(labels), labels["alertname"]))
    assert len(expected) >= 6  # the case is not vacuous: most alerts do arrive somewhere
    names = {name for _, _, name in expected}
    assert {"HoursNow", "Today"} <= names and not {"HoursLater", "Tomorrow", "MonthEnd"} & names

    proc, base = _start(binary, path, tmp_path / "data")
    try:
        # startsAt now: an alert that started more than group_wait ago is flushed at once,
        # before the inhibitor may have seen the sources posted with it.
        starts = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        body = [{"labels": a, "startsAt": starts} for a in ALERTS]
        assert requests.post(base + "/api/v2/alerts", json=body, timeout=5).ok
        deadline = time.monotonic() + 20
        arrived: set[tuple[str, str, str]] = set()
        while time.monotonic() < deadline:
            arrived = {
                (r.path.strip("/"), r.json()["groupKey"], a["labels"]["alertname"])
                for r in list(receiver.requests)
                for a in r.json()["alerts"]
            }
            if arrived >= expected:
                break
            time.sleep(0.2)
        time.sleep(2)  # anything the model says must not arrive has had its chance to
        arrived = {
            (r.path.strip("/"), r.json()["groupKey"], a["labels"]["alertname"])
            for r in list(receiver.requests)
            for a in r.json()["alerts"]
        }
    finally:
        _stop(proc)
    assert arrived == expected
