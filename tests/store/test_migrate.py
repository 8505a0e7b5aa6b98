"""``burnin store migrate``: a year of history to PostgreSQL and back, row for row."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from pytest_burnin.burnin.records import FunctionCheck, RunInfo, record_day
from pytest_burnin.cli import main
from pytest_burnin.slo.evaluate import Objective
from pytest_burnin.store.ingest import load_storage
from pytest_burnin.store.sqlite import Store

from . import history


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with 365 days of history (built once: it takes a few seconds)."""
    root = tmp_path_factory.mktemp("year")
    path = root / "history.sqlite"
    with Store(path) as store:
        history.fill(store, root)
    return path


def test_a_year_round_trips_sqlite_to_postgresql_to_sqlite(
    year: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    back = tmp_path / "back.sqlite"
    assert main(["store", "migrate", "--from", f"sqlite://{year}", "--to", pg_url]) == 0
    to_pg = capsys.readouterr().out
    assert main(["store", "migrate", "--from", pg_url, "--to", f"sqlite://{back}"]) == 0
    with Store(year) as a, Store(pg_url) as pg, Store(back) as b:
        original = history.dump(a)
        total = sum(len(rows) for rows in original.values())
        records = len(original["daily_records"])
        assert to_pg.startswith(f"copied {total} row(s) from sqlite://{year} to {pg_url}: ")
        assert f" {records} daily_records, " in to_pg
        assert len({r[1] for r in original["daily_records"]}) == history.DAYS
        assert len(original["samples"]) == 2 * history.DAYS * 24
        assert original["record_rewrites"] and original["frozen_files"]
        assert original["remediation_actions"] and original["alert_events"]
        assert history.dump(pg) == original
        assert history.dump(b) == original
        # The staleness marker's exact NaN comes back out of both copies.
        stale = [v for s in load_storage(b) for v in s.vs if v != v]
        assert len(stale) == len([v for s in load_storage(a) for v in s.vs if v != v]) > 0
        assert all(str(v) == "nan" for v in stale)
        assert {b.version, pg.version} == {a.version}


def test_a_migrated_database_goes_on_numbering_after_the_copied_rows(
    year: Path, pg_url: str
) -> None:
    assert main(["store", "migrate", "--from", str(year), "--to", pg_url]) == 0
    with Store(pg_url) as pg:
        runs_before = pg.query("SELECT max(id) FROM runs")[0][0]
        new_day = history.FIRST + timedelta(days=history.DAYS)
        check = FunctionCheck("integrity", lambda t: 0.01, Objective("below", 0.04))
        result = record_day(pg, new_day, [check], None, run=RunInfo((), None, "h"), now=history.NOW)
        assert result.run_id == runs_before + 1
        assert pg.query("SELECT count(DISTINCT day) FROM daily_records")[0][0] == history.DAYS + 1


def test_migrating_into_a_store_that_holds_a_history_copies_nothing(
    year: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(pg_url) as pg:
        check = FunctionCheck("integrity", lambda t: 0.01, Objective("below", 0.04))
        record_day(pg, date(2025, 3, 1), [check], None, run=RunInfo((), None, "h"), now=history.NOW)
    assert main(["store", "migrate", "--from", str(year), "--to", pg_url]) == 2
    err = capsys.readouterr().err
    assert "already holds a history (1 row(s) in runs)" in err
    assert "migrate into an empty store" in err
    with Store(pg_url) as pg:
        assert pg.query("SELECT count(*) FROM daily_records")[0][0] == 1


def test_a_missing_source_is_an_error_not_an_empty_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "to.sqlite"
    code = main(["store", "migrate", "--from", str(tmp_path / "nope.sqlite"), "--to", str(target)])
    assert code == 2
    assert f"--from: no history store at {tmp_path / 'nope.sqlite'}" in capsys.readouterr().err
    assert not target.exists()


def test_backup_of_a_database_is_a_sqlite_file_with_every_row(
    year: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["store", "migrate", "--from", str(year), "--to", pg_url]) == 0
    dest = tmp_path / "backup.sqlite"
    assert main(["store", "--store", pg_url, "backup", str(dest)]) == 0
    assert main(["store", "--store", pg_url, "check"]) == 0
    out = capsys.readouterr().out
    assert f"{pg_url}: ok" in out
    with Store(year) as a, Store(dest) as b:
        assert history.dump(b) == history.dump(a)
