"""A small, fixed history store and latest-run snapshot for the report tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pytest_burnin.burnin.incidents import open_incident, record_alert_event, resolve_incident
from pytest_burnin.burnin.records import record_remediation
from pytest_burnin.report.snapshot import ItemResult, RunSnapshot
from pytest_burnin.store.sqlite import Store, iso

START = date(2026, 11, 16)  # Monday of 2026-W47
T0 = datetime(2026, 11, 16, tzinfo=timezone.utc)


def fill_store(path: Path, days: int = 14) -> Path:
    """Two weeks of daily records (one failing day), alerts, incidents, remediations."""
    with Store(path) as store:
        rows = []
        for i in range(days):
            day = START + timedelta(days=i)
            value = 0.004 + 0.0002 * i if i != 9 else 0.012
            verdict = "fail" if value >= 0.01 else "pass"
            rows.append(
                (
                    day.isoformat(),
                    "integrity",
                    value,
                    "< 0.01",
                    verdict,
                    iso(T0 + timedelta(days=i)),
                )
            )
        store.executemany(
            "INSERT INTO daily_records (day, check_name, value, objective, verdict, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        store.executemany(
            "INSERT INTO runs (started_at, finished_at, status) VALUES (?, ?, ?)",
            [
                (iso(T0 + timedelta(days=12)), iso(T0 + timedelta(days=12, minutes=1)), "pass"),
                (iso(T0 + timedelta(days=13)), iso(T0 + timedelta(days=13, minutes=1)), "fail"),
            ],
        )
        breach = T0 + timedelta(days=9, hours=3)
        record_alert_event(
            store,
            "IntegrityRateHigh",
            "fired",
            breach,
            channel="ingest-oncall",
            delivered_at=breach + timedelta(seconds=70),
        )
        record_alert_event(store, "IntegrityRateHigh", "resolved", breach + timedelta(hours=2))
        record_alert_event(store, "IngestionFailures", "fired", T0 + timedelta(days=11))
        first = open_incident(store, "integrity spike", severity="sev2", at=breach)
        resolve_incident(store, first, at=breach + timedelta(hours=2, minutes=30))
        open_incident(store, "vendor API slow", at=T0 + timedelta(days=12))
        for i, mode in enumerate(("auto", "auto", "auto", "manual")):
            record_remediation(
                store,
                START + timedelta(days=9),
                "integrity",
                mode=mode,  # type: ignore[arg-type]
                at=breach + timedelta(minutes=10 * (i + 1)),
            )
    return path


def snapshot() -> RunSnapshot:
    props = {
        "measured": "0.0047",
        "error_budget_remaining": "0.53",
        "burn_rate_1h": "0.4",
        "burn_rate_6h": "0.45",
        "burn_rate_1d": "0.5",
        "burn_rate_3d": "0.47",
    }
    return RunSnapshot(
        1_795_900_000.0,
        [
            ItemResult(
                "SLO", "integrity", "passed", "SLO integrity: 0.47% bad", props, "below", 0.01
            ),
            ItemResult(
                "BurnIn",
                "ingest-ga",
                "failed",
                "BurnIn ingest-ga: day 14 of 30",
                {"burnin.day": "14", "burnin.length": "30"},
            ),
        ],
    )
