"""Burn-in verdicts: days, objectives, alerts, incidents, frozen files, exit criteria."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pytest_burnin.burnin.freeze import record_baseline, record_change
from pytest_burnin.burnin.incidents import (
    list_incidents,
    mttr_seconds,
    open_incident,
    record_alert_event,
    resolve_incident,
)
from pytest_burnin.burnin.records import record_day
from pytest_burnin.burnin.spec import BurnInSpec
from pytest_burnin.burnin.verdict import BurnInState, evaluate_all, status
from pytest_burnin.errors import BurninError
from pytest_burnin.store.sqlite import Store

from .conftest import const

START = date(2026, 10, 26)
AS_OF = date(2026, 11, 24)  # day 30
UTC = timezone.utc


def at(day: int, hour: int = 12) -> datetime:
    """Noon (or ``hour``) of burn-in day ``day`` (1-based)."""
    return datetime.combine(START + timedelta(days=day - 1), datetime.min.time(), UTC) + timedelta(
        hours=hour
    )


def spec(root: Path = Path(), frozen: tuple[str, ...] = ()) -> BurnInSpec:
    return BurnInSpec(
        "ga", START, 30, "14d", ("integrity", "success"), ("IntegrityRateHigh",), frozen, root
    )


def fill(store: Store, days: range, integrity: dict[int, float] | None = None) -> None:
    for n in days:
        value = (integrity or {}).get(n, 0.004)
        record_day(
            store,
            START + timedelta(days=n - 1),
            [const("integrity", value), const("success", 0.001)],
            now=at(n + 1, 1),
        )


def verdicts(
    store: Store, s: BurnInSpec | None = None, as_of: date = AS_OF, now: datetime | None = None
) -> dict[str, object]:
    state = BurnInState.load(store, s or spec(), as_of=as_of, now=now or at(31))
    return {"state": state, **evaluate_all(state)}


def test_thirty_clean_days_are_ga_ready(store: Store) -> None:
    fill(store, range(1, 31))
    state = BurnInState.load(store, spec(), as_of=AS_OF, now=at(31))
    ev = evaluate_all(state)
    assert all(e.passed for e in ev.values()), [e.headline for e in ev.values()]
    assert ev["days"].headline == "BurnIn ga: day 30 of 30, no missing day"
    assert ev["exit"].headline == "BurnIn ga: exit criteria met after 30 of 30 days: GA-ready"
    assert status(state) == "GA-ready"


def test_day_12_is_not_yet_exit(store: Store) -> None:
    fill(store, range(1, 13))
    state = BurnInState.load(store, spec(), as_of=START + timedelta(days=11), now=at(13))
    ev = evaluate_all(state)
    assert ev["days"].passed and ev["days"].headline == "BurnIn ga: day 12 of 30, no missing day"
    assert not ev["exit"].passed
    assert status(state) == "not GA-ready:\n  - 18 more day(s) to run (day 12 of 30)"


def test_default_as_of_is_yesterday(store: Store) -> None:
    fill(store, range(1, 5))
    state = BurnInState.load(store, spec(), now=at(5, 8))
    assert state.day_number == 4


def test_a_missing_day_is_named(store: Store) -> None:
    fill(store, [n for n in range(1, 31) if n not in (8, 9)])  # type: ignore[arg-type]
    # Half a day: one check only. A day is whole or missing.
    record_day(store, START + timedelta(days=7), [const("integrity", 0.004)], now=at(9, 1))
    ev = evaluate_all(BurnInState.load(store, spec(), as_of=AS_OF, now=at(31)))
    days = ev["days"]
    assert not days.passed
    assert days.headline == "BurnIn ga: day 30 of 30, 2 day(s) missing: 2026-11-02, 2026-11-03"
    assert (
        days.details[0]
        == "2026-11-02: no record for success; fill it with 'burnin record --day 2026-11-02'"
    )
    assert ("missing_days", "2026-11-02,2026-11-03") in days.properties
    assert not ev["exit"].passed


def test_a_day_over_objective_is_named_with_the_margin(store: Store) -> None:
    fill(store, range(1, 31), integrity={18: 0.0125, 19: 0.011})
    ev = evaluate_all(BurnInState.load(store, spec(), as_of=AS_OF, now=at(31)))
    obj = ev["objectives"]
    assert not obj.passed
    assert obj.headline == (
        "BurnIn ga: 2 day(s) missed the 14d objective (2026-11-12, 2026-11-13); "
        "first: integrity: 1.25%, misses < 1% by 0.25 points"
    )
    assert obj.details[1] == "2026-11-13 integrity: 1.1%, misses < 1% by 0.1 points"
    assert "missed the 14d objective" in status(
        BurnInState.load(store, spec(), as_of=AS_OF, now=at(31))
    )


def test_closest_day_is_reported_when_all_hold(store: Store) -> None:
    fill(store, range(1, 31), integrity={18: 0.0081})
    obj = evaluate_all(BurnInState.load(store, spec(), as_of=AS_OF, now=at(31)))["objectives"]
    assert obj.passed
    assert obj.headline.endswith("closest: integrity 0.81% on 2026-11-12, objective < 1%")


def test_an_integrity_alert_inside_the_window_fails(store: Store) -> None:
    fill(store, range(1, 31))
    # Outside the window (and resolved) or another alert: not counted.
    record_alert_event(store, "IntegrityRateHigh", "fired", at(-3), fingerprint="f1")
    record_alert_event(store, "IntegrityRateHigh", "resolved", at(-2), fingerprint="f1")
    record_alert_event(store, "IngestionFailures", "fired", at(5), fingerprint="f2")
    assert evaluate_all(BurnInState.load(store, spec(), as_of=AS_OF, now=at(31)))["alerts"].passed
    assert record_alert_event(
        store, "IntegrityRateHigh", "fired", at(18, 10), fingerprint="f1", dedup_key="k1"
    )
    assert not record_alert_event(
        store, "IntegrityRateHigh", "fired", at(18, 10), fingerprint="f1", dedup_key="k1"
    )
    alerts = evaluate_all(BurnInState.load(store, spec(), as_of=AS_OF, now=at(31)))["alerts"]
    assert not alerts.passed
    assert alerts.headline == (
        "BurnIn ga: 1 alert(s) fired in the burn-in (IntegrityRateHigh 1x); "
        "first IntegrityRateHigh at 2026-11-12T10:00:00.000Z"
    )


def test_an_alert_still_firing_at_the_start_counts(store: Store) -> None:
    fill(store, range(1, 31))
    record_alert_event(store, "IntegrityRateHigh", "fired", at(-1), fingerprint="f9")
    alerts = evaluate_all(BurnInState.load(store, spec(), as_of=AS_OF, now=at(31)))["alerts"]
    assert not alerts.passed and "still firing at the start" in alerts.details[0]


def test_an_unresolved_incident_fails_and_mttr_is_computed(store: Store) -> None:
    fill(store, range(1, 31))
    first = open_incident(store, "vendor API outage", severity="sev2", at=at(18, 9))
    resolve_incident(store, first, note="vendor fixed", at=at(18, 13))
    second = open_incident(store, "scoring drift", at=at(29, 6))
    state = BurnInState.load(store, spec(), as_of=AS_OF, now=at(31))
    inc = evaluate_all(state)["incidents"]
    assert not inc.passed
    assert inc.headline == "BurnIn ga: 1 unresolved incident(s): #2 'scoring drift' (sev3)"
    assert "open for 2d 6h" in inc.details[0]
    assert ("mttr_seconds", "14400") in inc.properties
    assert "unresolved incident" in status(state)
    resolve_incident(store, second, at=at(30, 6))
    assert mttr_seconds(list_incidents(store)) == pytest.approx((4 * 3600 + 86400) / 2)
    inc = evaluate_all(BurnInState.load(store, spec(), as_of=AS_OF, now=at(31)))["incidents"]
    assert (
        inc.passed and inc.headline == "BurnIn ga: no unresolved incident (2 in total, MTTR 14h 0m)"
    )
    with pytest.raises(BurninError, match="already resolved"):
        resolve_incident(store, second)


def _frozen(tmp_path: Path) -> tuple[Path, BurnInSpec]:
    (tmp_path / "scoring").mkdir()
    (tmp_path / "scoring" / "formula.py").write_text("WEIGHT = 0.7\n")
    (tmp_path / "scoring" / "config.yaml").write_text("threshold: 3\n")
    return tmp_path / "scoring" / "formula.py", spec(tmp_path, ("scoring/*",))


def test_frozen_file_changed_without_an_incident_fails(store: Store, tmp_path: Path) -> None:
    formula, s = _frozen(tmp_path)
    fill(store, range(1, 31))
    assert not evaluate_all(BurnInState.load(store, s, as_of=AS_OF, now=at(31)))[
        "frozen"
    ].passed  # no baseline
    assert record_baseline(store, "ga", tmp_path, s.frozen, at=at(1, 0)) == 2
    assert record_baseline(store, "ga", tmp_path, s.frozen) == 0  # once only
    ok = evaluate_all(BurnInState.load(store, s, as_of=AS_OF, now=at(31)))["frozen"]
    assert ok.passed and ok.headline == "BurnIn ga: 2 frozen file(s) unchanged"
    formula.write_text("WEIGHT = 0.8\n")
    bad = evaluate_all(BurnInState.load(store, s, as_of=AS_OF, now=at(31)))["frozen"]
    assert not bad.passed
    assert (
        bad.headline
        == "BurnIn ga: 1 frozen file(s) changed outside an open incident: scoring/formula.py"
    )
    # With no open incident the change cannot be recorded at all.
    closed = open_incident(store, "old", at=at(2))
    resolve_incident(store, closed, at=at(3))
    with pytest.raises(BurninError, match="is not open"):
        record_change(store, "ga", tmp_path, s.frozen, incident_id=closed, note="tweak", at=at(20))
    (tmp_path / "scoring" / "new.py").write_text("")
    assert (
        "scoring/new.py"
        in evaluate_all(BurnInState.load(store, s, as_of=AS_OF, now=at(31)))["frozen"].headline
    )


def test_frozen_file_changed_under_an_open_incident_passes(store: Store, tmp_path: Path) -> None:
    formula, s = _frozen(tmp_path)
    fill(store, range(1, 31))
    record_baseline(store, "ga", tmp_path, s.frozen, at=at(1, 0))
    n = open_incident(store, "formula overweights GPS gaps", severity="sev2", at=at(18, 9))
    formula.write_text("WEIGHT = 0.8\n")
    assert record_change(
        store, "ga", tmp_path, s.frozen, incident_id=n, note="lower weight", at=at(18, 10)
    ) == ["scoring/formula.py"]
    resolve_incident(store, n, at=at(18, 12))
    ev = evaluate_all(BurnInState.load(store, s, as_of=AS_OF, now=at(31)))
    assert ev["frozen"].passed
    assert (
        ev["frozen"].headline
        == "BurnIn ga: 2 frozen file(s) unchanged, 1 change(s) under an open incident"
    )
    assert ev["exit"].passed
    # A change record whose incident was not open at the time is caught by the verdict.
    store.write(
        lambda c: c.execute(
            "UPDATE frozen_files SET recorded_at = ? WHERE incident_id = ?",
            ("2026-11-20T00:00:00.000Z", n),
        )
    )
    bad = evaluate_all(BurnInState.load(store, s, as_of=AS_OF, now=at(31)))["frozen"]
    assert not bad.passed and "which was not open then" in bad.details[0]


def test_not_started(store: Store) -> None:
    state = BurnInState.load(store, spec(), as_of=START - timedelta(days=1), now=at(0))
    ev = evaluate_all(state)
    assert (
        not ev["days"].passed
        and ev["days"].headline == "BurnIn ga: not started (starts 2026-10-26)"
    )
    assert not ev["objectives"].passed


def test_spec_from_mapping() -> None:
    s = BurnInSpec.from_mapping(
        "ga",
        {
            "start": "2026-10-26",
            "length": "4w",
            "slos": ["a"],
            "remediation": {"command": ["fix"], "timeout": "90s"},
        },
        Path(),
    )
    assert s.length_days == 28 and s.last_day == date(2026, 11, 22)
    assert s.remediation is not None and s.remediation.timeout_s == 90
    with pytest.raises(BurninError, match="whole number of days"):
        BurnInSpec.from_mapping("ga", {"start": "2026-10-26", "length": "36h"}, Path())
    with pytest.raises(BurninError, match="not a date"):
        BurnInSpec.from_mapping("ga", {"start": "26/10/2026"}, Path())
