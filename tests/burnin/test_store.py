"""The SQLite store: WAL, schema versions and migrations, busy handling."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pytest_burnin.store.sqlite import (
    LATEST_VERSION,
    MIGRATIONS,
    Store,
    StoreBusy,
    StoreError,
    migrate,
)


def test_new_store_is_wal_and_latest(tmp_path: Path) -> None:
    with Store(tmp_path / "sub" / "h.sqlite") as s:
        assert s.version == LATEST_VERSION
        assert s.query("PRAGMA journal_mode")[0][0] == "wal"
        assert s.integrity_check() == "ok"


def test_v1_file_migrates_to_latest_keeping_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 0, 1)
    conn.execute(
        "INSERT INTO daily_records (day, check_name, value, objective, verdict, recorded_at)"
        " VALUES ('2026-11-01', 'integrity', 0.004, 'below 0.01', 'pass', 'x')"
    )
    conn.execute(
        "INSERT INTO frozen_files (burnin, path, sha256, recorded_at) VALUES ('ga', 'f', 'h', 'x')"
    )
    conn.close()
    assert len(MIGRATIONS) >= 2
    with Store(path) as s:
        assert s.version == LATEST_VERSION
        assert [tuple(r) for r in s.query("SELECT day, value FROM daily_records")] == [
            ("2026-11-01", 0.004)
        ]
        cols = {r[1] for r in s.query("PRAGMA table_info(frozen_files)")}
        assert {"incident_id", "change_note"} <= cols
        assert s.query("SELECT count(*) FROM samples")[0][0] == 0
        assert s.integrity_check() == "ok"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this pytest-burnin understands"):
        Store(path)


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable history store"):
        Store(path)


def test_busy_store_raises_store_busy_not_locked(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(path, timeout_s=0.3) as s:
            s._conn.execute("PRAGMA busy_timeout = 50")
            with pytest.raises(StoreBusy) as err:
                s.write(
                    lambda c: c.execute(
                        "INSERT INTO incidents (title, severity, opened_at)"
                        " VALUES ('t', 'sev3', 'x')"
                    )
                )
            assert "database is locked" not in str(err.value)
            assert "stayed busy" in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_write_rolls_back_on_error(store: Store) -> None:
    def bad(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO incidents (title, severity, opened_at) VALUES ('t', 's', 'x')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.write(bad)
    assert store.query("SELECT count(*) FROM incidents")[0][0] == 0


def test_backup_is_a_consistent_copy(store: Store, tmp_path: Path) -> None:
    store.write(
        lambda c: c.execute(
            "INSERT INTO incidents (title, severity, opened_at) VALUES ('t', 'sev3', 'x')"
        )
    )
    store.backup(tmp_path / "copy.sqlite")
    with Store(tmp_path / "copy.sqlite") as copy:
        assert copy.query("SELECT title FROM incidents")[0][0] == "t"
        assert copy.integrity_check() == "ok"
