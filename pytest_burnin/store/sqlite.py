"""The history store: one SQLite file in WAL mode, versioned with ``PRAGMA user_version``.

Why these choices:

* WAL lets readers (a ``pytest --burnin`` run) proceed while the daily job
  writes, and many pytest-xdist workers or CI jobs may write at once.
* Every write is one ``BEGIN IMMEDIATE`` transaction: the write lock is taken
  up front, so two writers never both read and then fail to upgrade (the
  deadlock a deferred transaction can hit), and a crash leaves each write
  wholly applied or wholly absent.
* ``busy_timeout`` waits inside SQLite; a bounded retry with jitter around the
  whole transaction handles the busy cases SQLite reports at once (WAL
  recovery, a concurrent ``journal_mode`` switch). After ``timeout_s`` the user
  gets ``StoreBusy`` naming the file, never a raw ``database is locked``.
* ``synchronous=FULL``: a daily record is written once a day; an fsync per
  commit costs nothing next to the promise that no record is lost on power loss.
"""

from __future__ import annotations

import importlib
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from ..errors import BurninError
from ..paths import DEFAULT_STORE

T = TypeVar("T")

# Ordered migrations: index i brings a file from user_version i to i + 1.
# Never edit a shipped entry; append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: the first release of the store
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
            git_commit TEXT, host TEXT, argv TEXT, status TEXT NOT NULL)""",
        """CREATE TABLE daily_records (
            id INTEGER PRIMARY KEY, day TEXT NOT NULL, check_name TEXT NOT NULL,
            value REAL, objective TEXT, verdict TEXT NOT NULL
                CHECK (verdict IN ('pass', 'fail', 'error')),
            run_id INTEGER REFERENCES runs(id), recorded_at TEXT NOT NULL,
            UNIQUE (day, check_name))""",
        """CREATE TABLE alert_events (
            id INTEGER PRIMARY KEY, alertname TEXT NOT NULL, fingerprint TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('fired', 'resolved')), at TEXT NOT NULL,
            delivered_at TEXT, channel TEXT, dedup_key TEXT NOT NULL UNIQUE)""",
        "CREATE INDEX alert_events_name_at ON alert_events (alertname, at)",
        """CREATE TABLE incidents (
            id INTEGER PRIMARY KEY, title TEXT NOT NULL, severity TEXT NOT NULL,
            opened_at TEXT NOT NULL, resolved_at TEXT, note TEXT)""",
        """CREATE TABLE remediation_actions (
            id INTEGER PRIMARY KEY, day TEXT NOT NULL, check_name TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('auto', 'manual')), command TEXT,
            exit_code INTEGER, at TEXT NOT NULL, run_id INTEGER REFERENCES runs(id))""",
        """CREATE TABLE frozen_files (
            id INTEGER PRIMARY KEY, burnin TEXT NOT NULL, path TEXT NOT NULL,
            sha256 TEXT NOT NULL, recorded_at TEXT NOT NULL)""",
    ),
    (  # 2: change records name their incident; remediation keeps its output
        "ALTER TABLE frozen_files ADD COLUMN incident_id INTEGER REFERENCES incidents(id)",
        "ALTER TABLE frozen_files ADD COLUMN change_note TEXT",
        "ALTER TABLE remediation_actions ADD COLUMN output TEXT",
        "CREATE INDEX daily_records_check_day ON daily_records (check_name, day)",
        "CREATE INDEX frozen_files_burnin_path ON frozen_files (burnin, path, id)",
        "CREATE INDEX remediation_actions_day ON remediation_actions (day)",
    ),
    (  # 3: raw samples for the `local` metric source
        # Labels are stored once per series as canonical JSON (sorted pairs);
        # samples reference them, so a year of 1-minute data stays compact.
        "CREATE TABLE series (id INTEGER PRIMARY KEY, labels TEXT NOT NULL UNIQUE)",
        # SQLite stores NaN as NULL; nan_bits keeps the exact NaN (Prometheus'
        # staleness marker is a NaN with its own payload).
        """CREATE TABLE samples (
            series_id INTEGER NOT NULL REFERENCES series(id), ts INTEGER NOT NULL,
            value REAL, nan_bits INTEGER, PRIMARY KEY (series_id, ts)) WITHOUT ROWID""",
        "CREATE INDEX samples_ts ON samples (ts)",
    ),
    (  # 4: a freeze bound to the burn-in's identity, not its name; rewritten days audited
        # identity: digest of what the burn-in measures and freezes (freeze.freeze_identity),
        # so renaming a BurnIn neither drops its baseline nor lets a new one be taken.
        "ALTER TABLE frozen_files ADD COLUMN identity TEXT",
        "CREATE INDEX frozen_files_identity ON frozen_files (identity, id)",
        "CREATE INDEX frozen_files_path ON frozen_files (path, id)",
        # Every daily record replaced by a different one: what it was, what it became, why.
        """CREATE TABLE record_rewrites (
            id INTEGER PRIMARY KEY, day TEXT NOT NULL, check_name TEXT NOT NULL,
            old_value REAL, old_objective TEXT, old_verdict TEXT NOT NULL,
            old_run_id INTEGER, old_recorded_at TEXT NOT NULL,
            new_value REAL, new_objective TEXT, new_verdict TEXT NOT NULL,
            run_id INTEGER REFERENCES runs(id), reason TEXT NOT NULL, by TEXT, at TEXT NOT NULL)""",
        "CREATE INDEX record_rewrites_day ON record_rewrites (day, check_name)",
    ),
)
LATEST_VERSION = len(MIGRATIONS)
POSTGRES_BACKEND = "pytest_burnin.store.postgres:PostgresStore"


class StoreError(BurninError):
    """The history store cannot be used (newer schema, not a store, unreadable)."""


class StoreBusy(StoreError):
    """Other writers kept the store locked for longer than the timeout."""


class StoreCorrupt(StoreError):
    """SQLite found a damaged page: the history cannot be trusted until restored."""


def corrupt_message(path: Path, exc: BaseException) -> str:
    return (
        f"history store {path} is damaged ({exc}): no verdict can be read from it. "
        f"Check it with 'burnin store check --store {path}', then restore it from a backup "
        "(the daily job's artifact, or 'burnin store backup' output); do not delete it, "
        "the burn-in history lives there"
    )


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _hint(exc: sqlite3.OperationalError | sqlite3.DatabaseError) -> str:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "; make the store and its folder writable (or give another --store)"
    if "full" in text:
        return "; the disk is full: free space, then run again (nothing was written)"
    return ""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(t: datetime) -> str:
    """One text form for every stored instant, so text order is time order."""
    if t.tzinfo is None:
        raise ValueError("naive datetime: give times in UTC")
    t = t.astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def day_text(day: date) -> str:
    return day.isoformat()


class Store:
    """An open history store. Use as a context manager or call ``close``.

    ``Store(path)`` opens a SQLite file; ``Store("postgresql://...")`` returns a
    ``postgres.PostgresStore`` with the same methods and guarantees, so every
    caller opens either without knowing which (see ``location.py``).
    """

    def __new__(cls, path: str | os.PathLike[str] = DEFAULT_STORE, **_: Any) -> Store:
        if cls is Store:
            from .location import is_postgres

            if is_postgres(path):
                # Named, not imported: postgres.py subclasses this class (as registry.py
                # names the kinds), and psycopg loads only for a database.
                module, _sep, name = POSTGRES_BACKEND.partition(":")
                backend: type[Store] = getattr(importlib.import_module(module), name)
                return super().__new__(backend)
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_STORE, *, timeout_s: float = 60.0):
        self.path = Path(path)
        self.timeout_s = timeout_s
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder of the history store {self.path}: "
                f"{exc.strerror or exc}; make it writable or give another --store"
            ) from None
        self._conn: sqlite3.Connection = self._retry(self._connect)
        try:
            self._retry(self._migrate)
        except BaseException:
            self._conn.close()
            raise

    # -- connection and retry -------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: the module must not open transactions behind our
        # back; every transaction here is explicit.
        conn = sqlite3.connect(self.path, timeout=min(self.timeout_s, 5.0), isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 5000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch the store to WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                raise
            if "malformed" in str(exc):
                raise StoreCorrupt(corrupt_message(self.path, exc)) from None
            raise StoreError(
                f"{self.path}: not a usable history store: {exc}{_hint(exc)}"
            ) from None
        return conn

    def _retry(self, fn: Callable[[], T]) -> T:
        deadline = time.monotonic() + self.timeout_s
        delay = 0.005
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise StoreError(f"{self.path}: {exc}{_hint(exc)}") from None
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"history store {self.path} stayed busy for {self.timeout_s:.0f} s: "
                        "another burnin process is writing; try again when it ends"
                    ) from None
            except sqlite3.DatabaseError as exc:
                # "database disk image is malformed", "file is not a database":
                # never a raw sqlite3 traceback, always the file and what to do.
                raise StoreCorrupt(corrupt_message(self.path, exc)) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)

    def _transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return result

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in one ``BEGIN IMMEDIATE`` transaction, retried while busy.

        ``fn`` may run more than once (a busy retry starts it over), so it must
        only touch the database it is given.
        """
        return self._retry(lambda: self._transaction(fn))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self._retry(lambda: self._conn.execute(sql, params).fetchall())

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` over one consistent snapshot (a read transaction)."""

        def snapshot() -> T:
            conn = self._conn
            conn.execute("BEGIN")
            try:
                return fn(conn)
            finally:
                conn.execute("COMMIT")

        return self._retry(snapshot)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Insert many rows in one transaction (``rows`` is materialised first)."""
        data = list(rows)
        self.write(lambda conn: conn.executemany(sql, data))

    # -- schema ---------------------------------------------------------------

    @property
    def version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])

    def _migrate(self) -> None:
        if self._conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION:
            return

        def step(conn: sqlite3.Connection) -> None:
            # Re-read inside the write lock: another process may have migrated.
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current > LATEST_VERSION:
                raise StoreError(
                    f"{self.path}: store schema version {current} is newer than this "
                    f"pytest-burnin understands ({LATEST_VERSION}); upgrade pytest-burnin"
                )
            migrate(conn, current, LATEST_VERSION)

        self._transaction(step)

    def integrity_check(self) -> str:
        return str(self.query("PRAGMA integrity_check")[0][0])

    def backup(self, dest: str | os.PathLike[str]) -> None:
        """A consistent copy of the store (WAL content included) at ``dest``, e.g. for CI artifacts."""
        target = sqlite3.connect(dest)
        try:
            self._retry(lambda: self._conn.backup(target))
        finally:
            target.close()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def migrate(conn: sqlite3.Connection, current: int, target: int) -> None:
    """Apply migrations ``current+1 .. target`` on ``conn`` (inside the caller's transaction)."""
    for version in range(current, target):
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
        # PRAGMA takes no parameters; the value is our own integer.
        conn.execute(f"PRAGMA user_version = {version + 1}")
