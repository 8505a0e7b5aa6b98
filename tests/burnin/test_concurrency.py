"""Many writers at once, and writers killed mid-write: nothing lost, duplicated or torn."""

from __future__ import annotations

import multiprocessing
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from pytest_burnin.store.sqlite import Store

from . import _workers

WORKERS = 8
ROUNDS = 20


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same store guarantees, held to by a SQLite file and by a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "h.sqlite")  # created by the workers themselves, all at once
    return str(request.getfixturevalue("pg_url"))  # an empty database the workers migrate


def _exists(location: str) -> bool:
    return location.startswith("postgresql:") or Path(location).exists()


def test_eight_processes_recording_same_and_different_days(location: str) -> None:
    path = location
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        pool.map(_workers.round_task, [(path, 0, w, 0.0) for w in range(WORKERS)])  # warm up
        for rnd in range(1, ROUNDS):
            start_at = time.time() + 0.05
            tasks = [(path, rnd, w, start_at) for w in range(WORKERS)]
            assert pool.map_async(_workers.round_task, tasks).get(timeout=60) == ["ok"] * WORKERS
    with Store(path) as store:
        assert store.integrity_check() == "ok"
        n_checks = len(_workers.CHECKS)
        days = ROUNDS + ROUNDS * WORKERS
        assert store.query("SELECT count(*) FROM daily_records")[0][0] == days * n_checks
        assert store.query("SELECT count(*) FROM runs")[0][0] == ROUNDS * WORKERS * 2
        assert store.query("SELECT count(*) FROM incidents")[0][0] == ROUNDS * WORKERS
        # Each shared day was replaced as a whole: every check holds one writer's value.
        torn = store.query(
            "SELECT day FROM daily_records GROUP BY day"
            " HAVING count(DISTINCT value) > 1 OR count(DISTINCT run_id) > 1 OR count(*) != ?",
            (n_checks,),
        )
        assert torn == []
        for rnd in range(ROUNDS):
            day = (_workers.BASE + timedelta(days=rnd)).isoformat()
            value = store.query("SELECT value FROM daily_records WHERE day = ? LIMIT 1", (day,))
            assert rnd * 100 <= value[0][0] < rnd * 100 + WORKERS  # one of that round's writers


def test_sigkill_at_random_moments_leaves_whole_days(location: str) -> None:
    path = location
    rng = random.Random(20261128)
    per_day = 5
    worker = Path(_workers.__file__)
    # Hard bound; normally about 20 s (SQLite) or 40 s (PostgreSQL: each victim also
    # loads the driver and logs in before it writes).
    deadline = time.monotonic() + (120 if path.startswith("postgresql:") else 60)
    kills = 0
    for i in range(50):
        assert time.monotonic() < deadline, f"crash test too slow after {i} kills"
        proc = subprocess.Popen(
            [sys.executable, str(worker), path, str(per_day)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            if i % 10 == 0:
                time.sleep(rng.uniform(0.0, 0.3))  # may land while creating or migrating
            else:
                assert proc.stdout is not None
                assert proc.stdout.readline() == b"ready\n"
                time.sleep(rng.uniform(0.0, 0.25))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        kills += proc.returncode == -signal.SIGKILL
        err = proc.stderr.read() if proc.stderr else b""
        assert b"Traceback" not in err, err.decode()
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        if not _exists(path):
            continue
        with Store(path) as store:
            assert store.integrity_check() == "ok"
            partial = store.query(
                "SELECT day, count(*), count(DISTINCT run_id), count(DISTINCT value)"
                " FROM daily_records GROUP BY day HAVING count(*) != ? OR count(DISTINCT run_id) != 1"
                " OR count(DISTINCT value) != 1",
                (per_day,),
            )
            assert partial == [], f"kill {i}: torn days {[tuple(r) for r in partial]}"
            orphans = store.query(
                "SELECT count(*) FROM daily_records WHERE run_id NOT IN (SELECT id FROM runs)"
            )[0][0]
            assert orphans == 0
    assert kills == 50  # the victim never ends on its own
    with Store(path) as store:
        # The kills did interrupt real work: many runs committed in between.
        assert store.query("SELECT count(*) FROM runs")[0][0] > 100
