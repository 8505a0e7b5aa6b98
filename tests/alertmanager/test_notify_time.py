"""Time to notify: eval + for + group_wait, the join-an-open-group case, and what fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.alertmanager.config import AlertmanagerConfig, load_config
from pytest_burnin.alertmanager.notify_time import time_to_notify
from pytest_burnin.alertmanager.route import Route

CONFIG = """\
route:
  receiver: catch-all
  group_by: [service]
  routes:
    - matchers: ['channel="ingest-oncall"']
      receiver: ingest-oncall
      continue: true
    - matchers: ['severity="page"']
      receiver: ingest-pager
    - matchers: ['severity="silent"']
      receiver: nowhere
receivers:
  - {name: catch-all, email_configs: [{to: a@example.invalid}]}
  - {name: ingest-oncall, slack_configs: [{api_url: 'https://hooks.example.invalid/x'}]}
  - {name: ingest-pager, pagerduty_configs: [{routing_key: k}]}
  - {name: nowhere}
"""
PAGE = {
    "alertname": "IntegrityRateHigh",
    "severity": "page",
    "channel": "ingest-oncall",
    "service": "ingest",
}


@pytest.fixture
def model(tmp_path: Path) -> tuple[AlertmanagerConfig, Route]:
    path = tmp_path / "am.yml"
    path.write_text(CONFIG, encoding="utf-8")
    cfg = load_config(path)
    return cfg, Route.build(cfg.route)


def test_worst_case_is_eval_plus_for_plus_group_wait(
    model: tuple[AlertmanagerConfig, Route],
) -> None:
    cfg, root = model
    bound = time_to_notify(cfg, root, PAGE, eval_interval_ms=60_000, for_ms=0, budget_ms=120_000)
    assert bound.passed and bound.worst_ms == 90_000
    assert bound.headline == (
        "IntegrityRateHigh -> ingest-oncall (slack), ingest-pager (pagerduty): "
        "within 1m30s worst case (eval 1m + for 0s + group_wait 30s); budget 2m"
    )


def test_a_new_alert_joining_an_open_group_fails_a_2m_budget(
    model: tuple[AlertmanagerConfig, Route],
) -> None:
    cfg, root = model
    other = {
        "alertname": "IngestLag",
        "severity": "page",
        "channel": "ingest-oncall",
        "service": "ingest",
    }
    bound = time_to_notify(
        cfg, root, PAGE, eval_interval_ms=60_000, for_ms=0, budget_ms=120_000, others=[other]
    )
    assert not bound.passed
    assert bound.join_ms == 60_000 + 300_000
    assert bound.headline == (
        "IntegrityRateHigh -> ingest-oncall (slack), ingest-pager (pagerduty): "
        "within 1m30s worst case (eval 1m + for 0s + group_wait 30s), "
        "6m joining an open group (eval 1m + for 0s + group_interval 5m); budget 2m: "
        "joining an open group takes up to 6m, over the budget"
    )
    # Another service is another group: no join.
    apart = time_to_notify(cfg, root, PAGE, eval_interval_ms=60_000, for_ms=0, budget_ms=120_000,
                           others=[{**other, "service": "web"}])  # fmt: skip
    assert apart.passed and apart.join_ms is None


def test_budget_exceeded_catch_all_and_silent_receiver_fail(
    model: tuple[AlertmanagerConfig, Route],
) -> None:
    cfg, root = model
    slow = time_to_notify(
        cfg, root, PAGE, eval_interval_ms=60_000, for_ms=60_000, budget_ms=120_000
    )
    assert slow.problems == ["2m30s exceeds the budget"]
    stray = time_to_notify(
        cfg, root, {"alertname": "X"}, eval_interval_ms=None, for_ms=0, budget_ms=None
    )
    assert stray.problems == ["reaches only the root route's catch-all catch-all"]
    silent = time_to_notify(cfg, root, {"alertname": "Y", "severity": "silent"}, eval_interval_ms=None,
                            for_ms=0, budget_ms=None)  # fmt: skip
    assert silent.problems == ["receiver nowhere has no integrations: it never delivers"]
    assert "nowhere (no integrations)" in silent.headline
