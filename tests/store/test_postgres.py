"""The PostgreSQL store: the SQLite store's schema and behaviour, errors users can act on."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pytest_burnin.burnin.incidents import list_incidents, open_incident, record_alert_event
from pytest_burnin.store.ingest import ingest_text, load_storage
from pytest_burnin.store.pg_schema import PG_MIGRATIONS, TABLES
from pytest_burnin.store.postgres import PostgresStore
from pytest_burnin.store.sqlite import LATEST_VERSION, MIGRATIONS, Store, StoreError
from tests.pgcluster import PgCluster


def _pg_columns(cluster: PgCluster, db: str) -> dict[str, list[tuple[str, bool]]]:
    with cluster.connect(db) as conn:  # type: ignore[attr-defined]
        rows = conn.execute(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        ).fetchall()
    out: dict[str, list[tuple[str, bool]]] = {}
    for table, column, nullable in rows:
        out.setdefault(table, []).append((column, nullable == "YES"))
    return out


def test_same_tables_columns_and_versions_as_sqlite(
    pg_url: str, pg_cluster: PgCluster, tmp_path: Path
) -> None:
    assert len(PG_MIGRATIONS) == len(MIGRATIONS) == LATEST_VERSION
    with Store(pg_url) as pg:
        assert isinstance(pg, PostgresStore)
        assert pg.version == LATEST_VERSION
    with Store(tmp_path / "h.sqlite") as lite:
        assert lite.version == LATEST_VERSION
    conn = sqlite3.connect(tmp_path / "h.sqlite")
    try:
        for table in TABLES:
            info = conn.execute(f"PRAGMA table_info({table})").fetchall()
            # (name, nullable); SQLite's INTEGER PRIMARY KEY is NOT NULL as an identity is.
            want = [(str(r[1]), not r[3] and not r[5]) for r in info]
            assert _pg_columns(pg_cluster, pg_url.rsplit("/", 1)[1])[table] == want, table
    finally:
        conn.close()


def test_samples_records_and_incidents_round_trip(pg_url: str) -> None:
    text = 'up{job="a",zone="ü"} 1 1700000000\nup{job="a",zone="ü"} 0.1 1700000060\n'
    with Store(pg_url) as pg:
        ingest_text(pg, text, source="t.om")
        ingest_text(pg, text, source="t.om")  # a sample is replaced, never duplicated
        assert pg.query("SELECT count(*) FROM samples")[0][0] == 2
        (series,) = list(load_storage(pg))
        assert series.vs == [1.0, 0.1]  # double precision, not PostgreSQL's 4-byte REAL
        assert open_incident(pg, "disk 100% full") == 1
        assert open_incident(pg, "second") == 2
        assert [i.title for i in list_incidents(pg)] == ["disk 100% full", "second"]
        at = datetime(2026, 1, 1, tzinfo=timezone.utc)
        assert record_alert_event(pg, "Down", "fired", at, fingerprint="f") is True
        assert record_alert_event(pg, "Down", "fired", at, fingerprint="f") is False  # deduplicated
        assert pg.query("SELECT count(*) FROM alert_events")[0][0] == 1


def test_a_newer_schema_is_refused_with_what_to_do(pg_url: str) -> None:
    with Store(pg_url) as pg:
        pg.write(lambda conn: conn.execute("UPDATE burnin_schema SET version = 99"))
    with pytest.raises(StoreError, match="schema version 99 is newer than this pytest-burnin"):
        Store(pg_url)


def test_a_database_holding_other_tables_is_not_taken_over(
    pg_url: str, pg_cluster: PgCluster
) -> None:
    with pg_cluster.connect(pg_url.rsplit("/", 1)[1]) as conn:  # type: ignore[attr-defined]
        conn.execute("CREATE TABLE orders (id int)")
    with pytest.raises(StoreError, match="already holds tables of its own"):
        Store(pg_url)


def test_wrong_password_is_a_clear_error_that_never_shows_it(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BURNIN_STORE_PASSWORD", "wrong-Pa55word")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest_burnin.cli", "store", "--store", pg_url, "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert f"history store {pg_url}: cannot connect" in out
    assert "password authentication failed" in out
    assert "BURNIN_STORE_PASSWORD or PGPASSWORD" in out
    assert "wrong-Pa55word" not in out
    assert "Traceback" not in out


def test_no_server_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError, match=rf"127.0.0.1:{port}/h: cannot connect"):
        Store(f"postgresql://burnin@127.0.0.1:{port}/h", timeout_s=2)


def test_a_writer_held_up_past_the_timeout_gets_store_busy(
    pg_url: str, pg_cluster: PgCluster
) -> None:
    from pytest_burnin.store.postgres import WRITE_LOCK
    from pytest_burnin.store.sqlite import StoreBusy

    with Store(pg_url, timeout_s=1) as pg, pg_cluster.connect(pg_url.rsplit("/", 1)[1]) as other:  # type: ignore[attr-defined]
        other.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))  # another job mid-write
        with pytest.raises(StoreBusy, match=rf"history store {pg_url} stayed busy for 1 s"):
            open_incident(pg, "waits")
        other.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
        assert open_incident(pg, "now it writes") == 1  # the failed attempt left nothing


def test_without_the_driver_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg raises ImportError
    with pytest.raises(StoreError, match=r"pip install 'pytest-burnin\[postgres\]'"):
        Store("postgresql://burnin@127.0.0.1:5432/h")
