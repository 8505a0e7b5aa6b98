"""Code run in other processes by the concurrency and crash tests (imports no pytest)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from pytest_burnin.burnin.incidents import open_incident
from pytest_burnin.burnin.records import FunctionCheck, RunInfo, record_day
from pytest_burnin.burnin.rewrites import Rewrite
from pytest_burnin.slo.evaluate import Objective
from pytest_burnin.store.sqlite import Store

BASE = date(2025, 1, 1)
NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)
CHECKS = ("integrity", "success", "privacy")
# These workers re-record days with new values on purpose (that is the contention
# under test), so they say so, as a user must (issue 12, item 5).
REWRITE = Rewrite("concurrency test", "worker")


def constant(value: float) -> Callable[[int], float]:
    return lambda t_ms: value


def checks(value: float, names: tuple[str, ...] = CHECKS) -> list[FunctionCheck]:
    return [FunctionCheck(n, constant(value), Objective("below", 1e9)) for n in names]


def round_task(args: tuple[str, int, int, float]) -> str:
    """One worker's share of a round: the round's shared day, its own day, an incident."""
    path, rnd, worker, start_at = args
    time.sleep(max(0.0, start_at - time.time()))  # start together: maximise contention
    value = rnd * 100 + worker
    info = RunInfo(("worker", str(worker)), None, "test")
    with Store(path) as store:
        record_day(
            store, BASE + timedelta(days=rnd), checks(value), now=NOW, run=info, rewrite=REWRITE
        )
        own = BASE + timedelta(days=100 + rnd * 8 + worker)
        record_day(store, own, checks(value), now=NOW, run=info, rewrite=REWRITE)
        open_incident(store, f"r{rnd} w{worker}", at=NOW)
    return "ok"


def record_forever(path: str, checks_per_day: int) -> None:
    """The crash test's victim: re-record 40 days, five checks each, until killed."""
    names = tuple(f"c{i}" for i in range(checks_per_day))
    with Store(path) as store:
        print("ready", flush=True)
        n = 0
        while True:
            day = BASE + timedelta(days=n % 40)
            record_day(store, day, checks(float(n), names), now=NOW, rewrite=REWRITE)
            n += 1


if __name__ == "__main__":
    record_forever(sys.argv[1], int(sys.argv[2]))
