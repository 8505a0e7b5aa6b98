"""Route options, group keys, inhibition and time intervals of the embedded model."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pytest_burnin.alertmanager.config import load_config
from pytest_burnin.alertmanager.inhibit import inhibited_by
from pytest_burnin.alertmanager.route import Route
from pytest_burnin.alertmanager.timeinterval import contains

CONFIG = """\
route:
  receiver: root
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: ['team="ingest"']
      receiver: ingest
      group_by: ['...']
      group_interval: 1m
      continue: true
      routes:
        - match: {severity: page}
          receiver: pager
          repeat_interval: 1h
          active_time_intervals: [office]
    - match_re: {team: 'ing.*'}
      receiver: audit
receivers: [{name: root}, {name: ingest}, {name: pager}, {name: audit}]
inhibit_rules:
  - source_matchers: ['alertname="PrivacyViolation"']
    target_matchers: ['alertname="IntegrityRateHigh"']
    equal: [service, region]
  - source_match: {severity: page}
    target_match_re: {severity: 'page|ticket'}
    equal: [service]
  - source_matchers: ['severity=~"page|critical"']
    target_matchers: ['severity="page"']
    equal: [service]
time_intervals:
  - name: office
    time_intervals:
      - weekdays: ['monday:friday']
        times: [{start_time: '09:00', end_time: '17:00'}]
        location: Europe/Paris
  - name: month-end
    time_intervals:
      - days_of_month: ['-3:-1']
        months: ['february']
        years: ['2024:2025']
"""


def _root(tmp_path: Path) -> tuple[Route, object]:
    path = tmp_path / "am.yml"
    path.write_text(CONFIG, encoding="utf-8")
    cfg = load_config(path)
    return Route.build(cfg.route), cfg


def test_inherited_options_continue_and_group_key(tmp_path: Path) -> None:
    root, _ = _root(tmp_path)
    labels = {"alertname": "A", "team": "ingest", "severity": "page", "service": "api"}
    pager, audit = root.match(labels)
    assert (pager.opts.receiver, audit.opts.receiver) == ("pager", "audit")
    assert pager.opts.group_by_all and pager.opts.group_wait_ms == 10_000
    assert pager.opts.group_interval_ms == 60_000 and pager.opts.repeat_interval_ms == 3_600_000
    assert (
        pager.opts.active_time_intervals == ("office",) and audit.opts.active_time_intervals == ()
    )
    assert (
        audit.opts.group_by == frozenset({"alertname"}) and audit.opts.group_interval_ms == 300_000
    )
    assert pager.group_key(labels) == (
        '{}/{team="ingest"}/{severity="page"}:'
        '{alertname="A", service="api", severity="page", team="ingest"}'
    )
    assert audit.group_key(labels) == '{}/{team=~"^(?:ing.*)$"}:{alertname="A"}'
    assert [r.opts.receiver for r in root.match({"team": "other"})] == ["root"]


def test_inhibition_equal_labels_missing_on_both_sides_count_as_equal(tmp_path: Path) -> None:
    _, cfg = _root(tmp_path)
    rules = cfg.inhibit_rules  # type: ignore[attr-defined]
    target = {"alertname": "IntegrityRateHigh", "service": "api"}
    privacy = {"alertname": "PrivacyViolation", "service": "api"}
    hit = inhibited_by(rules, target, [privacy])
    assert hit is not None and hit.rule_index == 0 and hit.source == privacy
    assert inhibited_by(rules, target, [{**privacy, "service": "web"}]) is None
    assert inhibited_by(rules, target, [{**privacy, "region": "eu"}]) is None
    assert inhibited_by(rules, target, []) is None


def test_an_alert_matching_both_sides_does_not_inhibit_itself(tmp_path: Path) -> None:
    _, cfg = _root(tmp_path)
    rules = cfg.inhibit_rules  # type: ignore[attr-defined]
    page = {"alertname": "X", "severity": "page", "service": "api"}
    assert inhibited_by(rules, page, [page]) is None
    ticket = {"alertname": "Y", "severity": "ticket", "service": "api"}
    assert inhibited_by(rules, ticket, [page]) is not None


def test_time_intervals_in_location_and_negative_days(tmp_path: Path) -> None:
    _, cfg = _root(tmp_path)
    office = cfg.time_intervals["office"]  # type: ignore[attr-defined]
    # 08:30 UTC is 09:30 in Paris (winter): inside; Saturday is not.
    assert contains(office, datetime(2025, 1, 6, 8, 30, tzinfo=timezone.utc))
    assert not contains(office, datetime(2025, 1, 6, 7, 59, tzinfo=timezone.utc))
    assert not contains(
        office, datetime(2025, 1, 6, 16, 0, tzinfo=timezone.utc)
    )  # 17:00 Paris: end excluded
    assert not contains(office, datetime(2025, 1, 11, 10, 0, tzinfo=timezone.utc))
    month_end = cfg.time_intervals["month-end"]  # type: ignore[attr-defined]
    assert contains(month_end, datetime(2024, 2, 27, tzinfo=timezone.utc))  # leap year: 27..29
    assert not contains(month_end, datetime(2024, 2, 26, tzinfo=timezone.utc))
    assert contains(month_end, datetime(2025, 2, 26, tzinfo=timezone.utc))  # 26..28
    assert not contains(month_end, datetime(2026, 2, 27, tzinfo=timezone.utc))  # year outside


def test_indexed_inhibitor_of_0_30_looks_at_one_source_per_equal_labels(tmp_path: Path) -> None:
    _, cfg = _root(tmp_path)
    rules = cfg.inhibit_rules  # type: ignore[attr-defined]
    target = {"alertname": "T", "severity": "page", "service": "api"}
    twin = {"alertname": "Twin", "severity": "page", "service": "api"}  # matches both sides
    other = {"alertname": "O", "severity": "critical", "service": "api"}  # source side only
    # 0.25 scans every source: the twin is skipped, the other inhibits.
    hit = inhibited_by(rules, target, [twin, other])
    assert hit is not None and hit.rule_index == 2 and hit.source == other
    # 0.30+ keeps the last source per equal labels: the twin when it came last, and it is excluded.
    assert inhibited_by(rules, target, [other, twin], indexed=True) is None
    assert inhibited_by(rules, target, [twin, other], indexed=True) is not None


def test_routing_test_judges_inhibition_for_the_declared_version(tmp_path: Path) -> None:
    from pytest_burnin.alertmanager.routing_test import judge

    root, cfg = _root(tmp_path)
    test = {
        "labels": {"alertname": "T", "severity": "page", "service": "api"},
        "inhibited_by": [
            {"alertname": "O", "severity": "critical", "service": "api"},
            {"alertname": "Twin", "severity": "page", "service": "api"},
        ],
    }
    assert judge(cfg, root, test, "0.25").problems == []  # type: ignore[arg-type]
    assert judge(cfg, root, test, "0.33.1").problems == [  # type: ignore[arg-type]
        "not inhibited while {alertname=O, service=api, severity=critical}, "
        "{alertname=Twin, service=api, severity=page} fire"
    ]
