#!/usr/bin/env python3
"""Time and size of the HTML report for 50 SLOs over 30 days.

The specs are 50 SLOs (the example's three shapes, with varied objectives and
windows) over the shipped 30 days of data (slo_specs/data/ingest.om, 5-minute
samples); the store holds 30 days of daily records for the 50 SLOs, alerts,
incidents and remediation actions. Timed (best of 3): rendering the page from
the computed series (target < 1 s, and the file < 2 MB), and the whole report
including the embedded engine's range queries (120 steps per series).

Usage: python benchmarks/bench_report.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pytest_burnin.burnin.incidents import open_incident, record_alert_event, resolve_incident
from pytest_burnin.burnin.records import record_remediation
from pytest_burnin.report.build import project_context, report_input
from pytest_burnin.report.html import render_html
from pytest_burnin.store.sqlite import Store, iso

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "slo_specs" / "data" / "ingest.om"
SLOS = 50
DAYS = 30
FIRST = date(2026, 10, 26)
NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)
TARGET_S, TARGET_BYTES = 1.0, 2_000_000

SHAPES = (
    "ratio:\n      bad: sum(increase(ingest_integrity_failures_total[{{{{window}}}}]))\n"
    "      total: sum(increase(ingest_records_checked_total[{{{{window}}}}]))\n"
    "  objective: {{below: {obj}}}",
    'ratio:\n      good: sum(increase(ingest_runs_total{{status="success"}}[{{{{window}}}}]))\n'
    "      total: sum(increase(ingest_runs_total[{{{{window}}}}]))\n"
    "  objective: {{above: {obj}}}",
    "threshold:\n      query: sum(increase(ingest_privacy_violations_total[{{{{window}}}}]))\n"
    "  objective: {{at_most: {obj}}}",
)


def write_specs(folder: Path) -> None:
    folder.mkdir()
    (folder / "sources.yaml").write_text(
        f"apiVersion: burnin/v1\nkind: Source\nmetadata: {{name: data}}\n"
        f"spec: {{type: file, path: {DATA}}}\n"
    )
    docs = []
    for i in range(SLOS):
        shape = i % 3
        obj = (0.01 + i * 0.0005, 0.99 - i * 0.0005, i % 2)[shape]
        window = ("1d", "7d", "14d")[i % 3]
        body = SHAPES[shape].format(obj=obj)
        docs.append(
            f"apiVersion: burnin/v1\nkind: SLO\nmetadata: {{name: slo-{i:02d}}}\n"
            f"spec:\n  indicator:\n    {body}\n  window: {window}\n  min_coverage: 0\n"
        )
    (folder / "slos.yaml").write_text("---\n".join(docs))


def fill_store(path: Path) -> None:
    with Store(path) as store:
        rows = [
            (
                (FIRST + timedelta(days=d)).isoformat(),
                f"slo-{i:02d}",
                0.005,
                "below 0.01",
                "fail" if (d * 7 + i) % 41 == 0 else "pass",
                iso(NOW),
            )
            for d in range(DAYS)
            for i in range(SLOS)
        ]
        store.executemany(
            "INSERT INTO daily_records (day, check_name, value, objective, verdict, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        for d in range(0, DAYS, 3):
            at = datetime.combine(FIRST + timedelta(days=d), datetime.min.time(), timezone.utc)
            record_alert_event(
                store,
                f"Alert{d % 5}",
                "fired",
                at,
                channel="ops",
                delivered_at=at + timedelta(seconds=40),
            )
            record_remediation(store, FIRST + timedelta(days=d), "slo-00", mode="auto", at=at)
            incident = open_incident(store, f"incident {d}", at=at)
            resolve_incident(store, incident, at=at + timedelta(hours=2))


def best_of(n: int, fn: object) -> tuple[float, object]:
    assert callable(fn)
    best, result = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_specs(root / "slo_specs")
        store = root / ".burnin" / "history.sqlite"
        fill_store(store)
        ctx = project_context(root, [root / "slo_specs"], store)
        full_s, data = best_of(3, lambda: report_input(root, ctx, store=store, now=NOW))
        render_s, page = best_of(3, lambda: render_html(data))  # type: ignore[arg-type]
        size = len(str(page).encode())
        charts = str(page).count('<svg class="chart')
    ok = render_s < TARGET_S and size < TARGET_BYTES
    print(f"HTML report, {SLOS} SLOs over {DAYS} days ({charts} charts):")
    print(f"  render from series : {render_s * 1000:7.1f} ms   (target < {TARGET_S:g} s)")
    print(f"  size               : {size / 1e6:7.3f} MB   (target < {TARGET_BYTES / 1e6:g} MB)")
    print(f"  with range queries : {full_s * 1000:7.1f} ms   (series for every SLO, engine)")
    print("  " + ("within targets" if ok else "MISSES a target"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
