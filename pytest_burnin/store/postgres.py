"""The history store in PostgreSQL: one database shared by every runner and job.

``Store("postgresql://user@host:port/db")`` returns a ``PostgresStore``; the
callers keep writing the SQL they write for SQLite (``pg_schema.translate``
carries it over) and get rows that index by position and by name, as
``sqlite3.Row`` does.

The guarantees are SQLite's:

* Every write is one transaction that first takes a transaction-scoped
  advisory lock on the database: writers run one at a time, as under SQLite's
  ``BEGIN IMMEDIATE``, so a read-then-write (a day's rewrite check, a freeze)
  can never interleave with another job's. A writer killed mid-transaction
  holds nothing: the server rolls its transaction back and frees the lock.
* ``lock_timeout`` bounds the wait: after ``timeout_s`` the user gets
  ``StoreBusy``, never a raw driver error. Serialization failures and
  deadlocks (neither expected under the lock) start the transaction over.
* Reads run in one REPEATABLE READ snapshot.
* The schema version is a one-row table, migrated under the same lock.

The password never appears in a message: it comes from the environment only
(``location.connection_params``) and is scrubbed from any driver text.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..errors import BurninError
from .location import PASSWORD_VARS, connection_params, masked, postgres_url
from .pg_schema import PG_MIGRATIONS, TABLES, translate
from .sqlite import LATEST_VERSION, Store, StoreBusy, StoreError

if TYPE_CHECKING:
    import sqlite3

    import psycopg

T = TypeVar("T")

# pg_advisory_xact_lock key: "burnin" in ASCII. Advisory locks are per database,
# so stores in different databases of one server never wait for each other.
WRITE_LOCK = 0x6275726E696E
_VERSION_TABLE = "burnin_schema"


def _scrub(text: str) -> str:
    for name in PASSWORD_VARS:
        secret = os.environ.get(name)
        if secret:
            text = text.replace(secret, "***")
    return text


class Row(tuple):  # type: ignore[type-arg]
    """A result row read by position or by column name, like ``sqlite3.Row``."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    index = {d.name: i for i, d in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


class PgCursor:
    """The part of ``sqlite3.Cursor`` the store's callers use."""

    def __init__(self, conn: psycopg.Connection[Any]):
        self._cur = conn.cursor(row_factory=_row_factory)
        self.lastrowid: int | None = None

    @property
    def row_factory(self) -> object:
        return self._cur.row_factory

    @row_factory.setter
    def row_factory(self, factory: object) -> None:
        # sqlite3 callers set None for plain tuples (the fast path); keep that meaning.
        from psycopg.rows import tuple_row

        self._cur.row_factory = tuple_row if factory is None else _row_factory  # type: ignore[assignment]

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        self.lastrowid = None
        want_id = sql.lstrip()[:6].upper() == "INSERT"
        self._cur.execute(translate(sql, want_id=want_id), tuple(params))
        if want_id and self._cur.description is not None:
            row = self._cur.fetchone()
            self.lastrowid = int(row[0]) if row is not None else None
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        self._cur.executemany(translate(sql), [tuple(r) for r in rows])
        return self

    @property
    def description(self) -> list[tuple[str, ...]]:
        return [(d.name,) for d in self._cur.description or ()]

    def fetchmany(self, size: int) -> list[Any]:
        return self._cur.fetchmany(size)

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cur)


class PgConnection:
    """What a ``Store.write``/``read`` callback is given: ``sqlite3.Connection``'s calls we use."""

    def __init__(self, conn: psycopg.Connection[Any]):
        self._conn = conn

    def cursor(self) -> PgCursor:
        return PgCursor(self._conn)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        return PgCursor(self._conn).execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        return PgCursor(self._conn).executemany(sql, rows)


class PostgresStore(Store):
    """An open PostgreSQL history store (made by ``Store(url)``)."""

    def __init__(self, path: str | os.PathLike[str], *, timeout_s: float = 60.0):
        url = postgres_url(path)
        if url is None:  # only Store.__new__ makes these, and only for a URL
            raise StoreError(f"{path}: not a postgresql:// URL")
        self.url = url
        self.location = masked(url)
        self.path = Path(self.location)
        self.timeout_s = timeout_s
        self._params = connection_params(url)
        self._pg = self._connect_pg()
        try:
            self._retry(self._migrate)
        except BaseException:
            self._pg.close()
            raise

    def _connect_pg(self) -> psycopg.Connection[Any]:
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                f"history store {self.location}: a PostgreSQL store needs the psycopg driver; "
                "install it with: pip install 'pytest-burnin[postgres]'"
            ) from None
        timeout = max(1, int(min(self.timeout_s, 30)))
        try:
            conn = psycopg.connect(**self._params, autocommit=True, connect_timeout=timeout)  # type: ignore[arg-type]
        except psycopg.Error as exc:
            raise StoreError(
                f"history store {self.location}: cannot connect: {_scrub(str(exc)).strip()}; "
                "check the server, user and database, and that the password is in "
                f"{' or '.join(PASSWORD_VARS)}"
            ) from None
        return conn

    # -- transactions -----------------------------------------------------------

    def _retry(self, fn: Callable[[], T]) -> T:
        import psycopg
        from psycopg import errors

        deadline = time.monotonic() + self.timeout_s
        delay = 0.005
        while True:
            try:
                return fn()
            except errors.LockNotAvailable:
                raise StoreBusy(
                    f"history store {self.location} stayed busy for {self.timeout_s:.0f} s: "
                    "another burnin process is writing; try again when it ends"
                ) from None
            except (errors.SerializationFailure, errors.DeadlockDetected):
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"history store {self.location}: concurrent writers kept conflicting "
                        f"for {self.timeout_s:.0f} s; try again"
                    ) from None
            except psycopg.Error as exc:
                raise StoreError(
                    f"history store {self.location}: {_scrub(str(exc)).strip()}"
                ) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)

    def _locked(self, fn: Callable[[PgConnection], T]) -> T:
        with self._pg.transaction():
            ms = max(1, int(self.timeout_s * 1000))
            self._pg.execute(f"SET LOCAL lock_timeout = {ms}")  # our own integer
            self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return fn(PgConnection(self._pg))

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in one transaction holding the store's write lock (may run again on conflict)."""
        # The callbacks are written against sqlite3.Connection; PgConnection answers
        # every call they make (execute, executemany, cursor) with the same meaning.
        return self._retry(lambda: self._locked(lambda c: fn(cast("sqlite3.Connection", c))))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        def run() -> list[Any]:
            return PgConnection(self._pg).execute(sql, params).fetchall()

        return self._retry(run)

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def snapshot() -> T:
            with self._pg.transaction():
                self._pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return fn(cast("sqlite3.Connection", PgConnection(self._pg)))

        return self._retry(snapshot)

    # -- schema -----------------------------------------------------------------

    @property
    def version(self) -> int:
        rows = self.query(f"SELECT version FROM {_VERSION_TABLE}")
        return int(rows[0][0]) if rows else 0

    def _migrate(self) -> None:
        def step(conn: PgConnection) -> None:
            # Under the write lock: another job may have created or migrated it meanwhile.
            pg = self._pg
            pg.execute(f"CREATE TABLE IF NOT EXISTS {_VERSION_TABLE} (version BIGINT NOT NULL)")
            row = pg.execute(f"SELECT version FROM {_VERSION_TABLE}").fetchone()
            current = 0 if row is None else int(row[0])
            if row is None:
                if self._has_foreign_tables(conn):
                    raise StoreError(
                        f"history store {self.location}: the database already holds tables of "
                        "its own; give pytest-burnin a database (or a schema in the URL's "
                        "options) of its own"
                    )
                pg.execute(f"INSERT INTO {_VERSION_TABLE} (version) VALUES (0)")
            if current > LATEST_VERSION:
                raise StoreError(
                    f"history store {self.location}: schema version {current} is newer than "
                    f"this pytest-burnin understands ({LATEST_VERSION}); upgrade pytest-burnin"
                )
            for version in range(current, LATEST_VERSION):
                for statement in PG_MIGRATIONS[version]:
                    pg.execute(statement)
                pg.execute(f"UPDATE {_VERSION_TABLE} SET version = %s", (version + 1,))

        version = self._pg.execute(
            "SELECT to_regclass(%s) IS NOT NULL", (_VERSION_TABLE,)
        ).fetchone()
        if version is not None and version[0] and self.version == LATEST_VERSION:
            return
        self._locked(step)

    def _has_foreign_tables(self, conn: PgConnection) -> bool:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_name <> ?",
            (_VERSION_TABLE,),
        ).fetchall()
        return bool({str(r[0]) for r in rows} - set(TABLES))

    def integrity_check(self) -> str:
        """``ok`` when every table of this schema version answers (the server checks its pages)."""
        try:
            for table in TABLES:
                self.query(f"SELECT 1 FROM {table} LIMIT 1")
        except BurninError as exc:
            return str(exc)
        return "ok"

    def backup(self, dest: str | os.PathLike[str]) -> None:
        """A consistent copy as a SQLite file at ``dest`` (what ``burnin store migrate`` writes)."""
        from .migrate import copy_store

        with Store(dest, timeout_s=self.timeout_s) as target:
            copy_store(self, target)

    def close(self) -> None:
        self._pg.close()
