#!/usr/bin/env python3
"""Time the burn-in verdicts over a large history store.

The store holds a year of daily records for 200 checks (73,000 rows, written
through ``record_day``: one transaction per day), a few incidents, alert
events and remediation actions, and 30 days of 1-minute samples for 20 series
(864,000 samples). Timed (best of 5): the verdicts of a 30-day burn-in over
the 200 checks and of a 365-day one, and the ``local`` source's load.
Target: verdicts under 1 s.

Usage: python benchmarks/bench_burnin.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pytest_burnin.burnin.incidents import open_incident, record_alert_event, resolve_incident
from pytest_burnin.burnin.records import FunctionCheck, RemediationResult, RunInfo, record_day
from pytest_burnin.burnin.spec import BurnInSpec
from pytest_burnin.burnin.verdict import BurnInState, evaluate_all
from pytest_burnin.promql.storage import Storage
from pytest_burnin.slo.evaluate import Objective
from pytest_burnin.store.ingest import ingest_storage, load_storage
from pytest_burnin.store.sqlite import Store

CHECKS = 200
DAYS = 365
SERIES = 20
SAMPLE_DAYS = 30
FIRST = date(2025, 11, 24)
NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)
UTC = timezone.utc


def best_of(fn: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def constant(value: float) -> Callable[[int], float]:
    return lambda t_ms: value


def fill(store: Store) -> tuple[float, float]:
    rng = random.Random(1)
    names = [f"check-{i:03d}" for i in range(CHECKS)]
    objective = Objective("below", 0.01)
    info = RunInfo(("bench",), None, "bench")
    t0 = time.perf_counter()
    for n in range(DAYS):
        day = FIRST + timedelta(days=n)
        values = {c: rng.uniform(0.001, 0.0099) for c in names}
        checks = [FunctionCheck(c, constant(values[c]), objective) for c in names]
        record_day(
            store,
            day,
            checks,
            remediate=lambda d, o: RemediationResult("auto", "fix", 0),
            now=NOW,
            run=info,
        )
    records_s = time.perf_counter() - t0
    for k in range(20):
        at = datetime.combine(FIRST, datetime.min.time(), UTC) + timedelta(days=k * 17, hours=9)
        i = open_incident(store, f"incident {k}", at=at)
        resolve_incident(store, i, at=at + timedelta(hours=3))
        record_alert_event(store, "IngestionFailures", "fired", at, fingerprint=str(k))
    start = 1_793_000_000_000
    storage = Storage()
    for s in range(SERIES):
        labels = (("__name__", "bench_total"), ("series", str(s)))
        step = 60_000
        storage.extend(labels, ((start + i * step, float(i)) for i in range(SAMPLE_DAYS * 1440)))
    t0 = time.perf_counter()
    ingest_storage(store, storage)
    return records_s, time.perf_counter() - t0


def main() -> int:
    names = tuple(f"check-{i:03d}" for i in range(CHECKS))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite"
        with Store(path) as store:
            records_s, ingest_s = fill(store)
        size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        print(
            f"store: {DAYS} days x {CHECKS} checks ({DAYS * CHECKS} records) written in "
            f"{records_s:.2f} s ({records_s / DAYS * 1000:.1f} ms/day); "
            f"{SERIES * SAMPLE_DAYS * 1440} samples ingested in {ingest_s:.2f} s; {size:.1f} MB"
        )
        last = FIRST + timedelta(days=DAYS - 1)
        for length in (30, 365):
            start = last - timedelta(days=length - 1)
            spec = BurnInSpec(
                "bench", start, length, "14d", names, ("IntegrityRateHigh", "IngestionFailures")
            )

            def verdicts(spec: BurnInSpec = spec) -> None:
                with Store(path) as store:
                    ev = evaluate_all(BurnInState.load(store, spec, as_of=last, now=NOW))
                assert ev["days"].passed and ev["objectives"].passed

            seconds = best_of(verdicts)
            verdict = "ok" if seconds < 1.0 else "OVER TARGET"
            print(
                f"verdicts, {length}-day burn-in over {CHECKS} checks "
                f"({length * CHECKS} records): {seconds * 1000:.1f} ms (target < 1000 ms: {verdict})"
            )

        def local() -> None:
            with Store(path) as store:
                load_storage(store)

        seconds = best_of(local, runs=3)
        print(f"local source load, {SERIES} series x {SAMPLE_DAYS * 1440} samples: {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
