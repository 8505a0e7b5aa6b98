"""Rule-group evaluation semantics: for, keep_firing_for, limit, ALERTS, staleness."""

from __future__ import annotations

from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.labels import labels_from
from pytest_burnin.promql.reads import referenced_metrics
from pytest_burnin.promql.storage import Storage, is_stale
from pytest_burnin.rules.group import ALERTS, Evaluator, rules_needed
from pytest_burnin.rules.rulefile import parse_rule_file

MIN = 60_000


def setup(rules_yaml: str, series: dict[str, list[float | None]]) -> tuple[Evaluator, Storage]:
    rf = parse_rule_file(rules_yaml, "rules.yml")
    storage = Storage()
    for name, values in series.items():
        for i, v in enumerate(values):
            if v is not None:
                storage.append(labels_from({"__name__": name, "job": "api"}), i * MIN, v)
    ev = Evaluator(rf.groups, storage, Engine(storage), external_labels={"site": "x"})
    return ev, storage


def states(ev: Evaluator, name: str) -> list[str]:
    return sorted(a.state for a in ev.alerts(name))


ALERT = """
groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        for: 2m
        labels: {severity: page, where: "{{ $externalLabels.site }}"}
        annotations: {summary: "{{ $labels.job }} down, value {{ $value }}"}
"""


def test_pending_then_firing_after_for() -> None:
    ev, _storage = setup(ALERT, {"up": [0, 0, 0, 0, 1]})
    seen = []
    for step in range(5):
        assert ev.eval_at(step * MIN) == []
        seen.append(states(ev, "Down"))
    assert seen == [["pending"], ["pending"], ["firing"], ["firing"], []]
    alert = next(iter(ev.states[0].active.values()))
    assert dict(alert.labels) == {
        "alertname": "Down",
        "job": "api",
        "severity": "page",
        "where": "x",
    }
    assert dict(alert.annotations) == {"summary": "api down, value 0"}
    assert alert.active_at_ms == 0
    assert alert.fired_at_ms == 2 * MIN
    assert alert.resolved_at_ms == 4 * MIN


def test_alerts_series_and_stale_markers() -> None:
    ev, storage = setup(ALERT, {"up": [0, 0, 0, 1]})
    for step in range(4):
        ev.eval_at(step * MIN)
    by_state = {
        dict(s.labels)["alertstate"]: s for s in storage if dict(s.labels).get("__name__") == ALERTS
    }
    pending, firing = by_state["pending"], by_state["firing"]
    assert pending.ts[:2] == [0, MIN] and pending.vs[:2] == [1.0, 1.0]
    # pending -> firing changes alertstate: the pending series goes stale.
    assert pending.ts[2] == 2 * MIN and is_stale(pending.vs[2])
    assert firing.ts[0] == 2 * MIN and is_stale(firing.vs[-1]) and firing.ts[-1] == 3 * MIN
    for_state = next(s for s in storage if dict(s.labels).get("__name__") == "ALERTS_FOR_STATE")
    assert for_state.vs[0] == 0.0  # ActiveAt in seconds


def test_keep_firing_for() -> None:
    rules = """
groups:
  - name: g
    rules:
      - alert: Flappy
        expr: up == 0
        keep_firing_for: 2m
"""
    ev, _ = setup(rules, {"up": [0, 1, 1, 1, 1]})
    seen = []
    for step in range(5):
        ev.eval_at(step * MIN)
        seen.append(states(ev, "Flappy"))
    assert seen == [["firing"], ["firing"], ["firing"], [], []]


def test_limit_exceeded_is_an_error_and_clears_alerts() -> None:
    rules = """
groups:
  - name: g
    limit: 1
    rules:
      - alert: Many
        expr: up
"""
    ev, storage = setup(rules, {})
    storage.append(labels_from({"__name__": "up", "i": "1"}), 0, 1)
    storage.append(labels_from({"__name__": "up", "i": "2"}), 0, 1)
    errs = ev.eval_at(0)
    assert [e.message for e in errs] == ["exceeded limit of 1 with 2 alerts"]
    assert list(ev.alerts("Many")) == []


def test_recording_rules_feed_later_rules_in_the_same_step() -> None:
    rules = """
groups:
  - name: g
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: {source: rule}
      - alert: Low
        expr: job:up:sum < 2
"""
    ev, storage = setup(rules, {"up": [1]})
    assert ev.eval_at(0) == []
    rec = next(s for s in storage if dict(s.labels).get("__name__") == "job:up:sum")
    assert dict(rec.labels) == {"__name__": "job:up:sum", "job": "api", "source": "rule"}
    assert states(ev, "Low") == ["firing"]


def test_recording_rule_series_that_disappear_get_a_stale_marker() -> None:
    rules = """
groups:
  - name: g
    rules:
      - record: up:copy
        expr: up
"""
    ev, storage = setup(rules, {"up": [1, None, None, None, None, None, None]})
    for step in range(7):
        ev.eval_at(step * MIN)
    rec = next(s for s in storage if dict(s.labels).get("__name__") == "up:copy")
    # Visible through the (left-open, Prometheus 3) 5m lookback, then a stale
    # marker at the first evaluation that no longer returns it.
    assert rec.ts[-2:] == [4 * MIN, 5 * MIN] and is_stale(rec.vs[-1])


def test_duplicate_labelset_after_rule_labels_is_an_error() -> None:
    rules = """
groups:
  - name: g
    rules:
      - record: r
        expr: up
        labels: {job: same}
"""
    ev, storage = setup(rules, {})
    storage.append(labels_from({"__name__": "up", "job": "a"}), 0, 1)
    storage.append(labels_from({"__name__": "up", "job": "b"}), 0, 1)
    [err] = ev.eval_at(0)
    assert (
        err.message == "vector contains metrics with the same labelset after applying rule labels"
    )


def test_dependencies_follow_recording_rules_by_name() -> None:
    rules = """
groups:
  - name: a
    rules:
      - record: base
        expr: up
      - record: derived
        expr: rate(base[5m])
      - record: unrelated
        expr: other
      - alert: UsesDerived
        expr: derived > 0
      - alert: Other
        expr: other > 0
"""
    rf = parse_rule_file(rules, "r.yml")
    by_name = {r.name: id(r) for r in rf.groups[0].rules}
    needed, reads_alerts = rules_needed(rf.groups, set(), ["UsesDerived"])
    assert needed == {by_name["base"], by_name["derived"], by_name["UsesDerived"]}
    assert not reads_alerts
    needed, reads_alerts = rules_needed(rf.groups, {"ALERTS"}, [])
    # Every alerting rule, and what they read: "unrelated" stays out.
    assert needed == {by_name[n] for n in ("UsesDerived", "Other", "base", "derived")}
    assert reads_alerts
    assert referenced_metrics(rf.groups[0].rules[1].parsed) == {"base"}  # type: ignore[arg-type]
