"""A year of burn-in history written through the real recording code (imports no pytest)."""

from __future__ import annotations

import math
import struct
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pytest_burnin.burnin.freeze import record_baseline
from pytest_burnin.burnin.incidents import open_incident, record_alert_event, resolve_incident
from pytest_burnin.burnin.records import (
    FunctionCheck,
    RemediationResult,
    RunInfo,
    record_day,
    record_remediation,
)
from pytest_burnin.burnin.rewrites import Rewrite
from pytest_burnin.promql.storage import Storage
from pytest_burnin.slo.evaluate import Objective
from pytest_burnin.store.ingest import ingest_storage
from pytest_burnin.store.pg_schema import TABLES, TABLES_WITHOUT_ID
from pytest_burnin.store.sqlite import Store

FIRST = date(2025, 1, 1)
DAYS = 365
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
# Prometheus' staleness marker: a NaN with its own payload, which must survive a copy.
STALE = struct.unpack(">d", struct.pack(">q", 0x7FF0000000000002))[0]


def fill(store: Store, root: Path) -> None:
    """365 days of records (passes, failures, errors), remediations, incidents, alert
    events, a freeze and its change, a rewritten day, and samples with a staleness marker."""
    (root / "frozen.py").write_text("WEIGHT = 1\n")
    record_baseline(store, "ga", root, ["frozen.py"], identity="id-1", at=NOW)
    info = RunInfo(("burnin", "record"), "0123abc", "runner-1")
    for i in range(DAYS):
        day = FIRST + timedelta(days=i)
        # An irrational-looking value per day: any rounding in a copy shows.
        value = math.sqrt(i + 2) / 1000
        checks = [
            FunctionCheck("integrity", lambda t, v=value: v, Objective("below", 0.04)),
            FunctionCheck("latency-p99 é", lambda t, v=value: v * 1e6, Objective("below", 1e9)),
        ]
        if i % 50 == 7:
            checks.append(FunctionCheck("flaky", _no_data, Objective("below", 1.0)))
        record_day(store, day, checks, None, remediate=_remediate, run=info, now=NOW)
        at = datetime.combine(day, datetime.min.time(), timezone.utc) + timedelta(hours=3)
        if i % 30 == 0:
            n = open_incident(store, f"incident {i} 'quoted' 50% done", at=at, note="?")
            record_alert_event(store, "IntegrityRateHigh", "fired", at, fingerprint=f"f{i}")
            if i % 60 == 0:
                resolve_incident(store, n, note="fixed", at=at + timedelta(hours=2))
                record_alert_event(
                    store, "IntegrityRateHigh", "resolved", at + timedelta(hours=2),
                    fingerprint=f"f{i}", channel="pager", delivered_at=at,
                )  # fmt: skip
        if i % 90 == 45:
            record_remediation(store, day, "integrity", command="make fix", output="ok\n", at=at)
    # One day recorded again with a different value: the rewrite is audited.
    record_day(
        store, FIRST, [FunctionCheck("integrity", lambda t: 0.5, Objective("below", 0.04))],
        None, run=info, now=NOW, rewrite=Rewrite("late data", "alice"),
    )  # fmt: skip
    storage = Storage()
    start = int(datetime.combine(FIRST, datetime.min.time(), timezone.utc).timestamp() * 1000)
    for job in ("api", "db"):
        s = storage.get_or_create((("__name__", "up"), ("job", job), ("zone", "ü")))
        for k in range(DAYS * 24):
            s.append(start + k * 3_600_000, STALE if k % 1000 == 999 else float(k % 7) / 3)
    ingest_storage(store, storage)


def _no_data(t_ms: int) -> float:
    from pytest_burnin.errors import EvaluationError

    raise EvaluationError("no samples in the day")


def _remediate(day: date, outcome: object) -> RemediationResult:
    return RemediationResult("auto", "restart ingest", 0, f"restarted for {day}")


def dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in key order (NaN bits included via nan_bits)."""
    out = {}
    for table in TABLES:
        order = "series_id, ts" if table in TABLES_WITHOUT_ID else "id"
        out[table] = [tuple(r) for r in store.query(f"SELECT * FROM {table} ORDER BY {order}")]
    return out
