"""Copy a whole history from one store to another: SQLite to PostgreSQL and back.

``burnin store migrate --from A --to B`` and ``PostgresStore.backup`` use it.
Both stores are opened (so both are at the latest schema version); the target
must hold no history, so a copy can never merge two histories or duplicate a
day. Every row keeps its id (runs, incidents and records refer to each other
by id), and the whole copy is one transaction on the target: an interrupted
copy leaves the target empty, never half-filled. The source is read in one
snapshot, so a daily job writing meanwhile cannot tear the copy.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .location import masked
from .pg_schema import TABLES, TABLES_WITHOUT_ID
from .sqlite import Store, StoreError

if TYPE_CHECKING:
    import sqlite3

BATCH = 5000


def source_location(text: str) -> str:
    """A ``--from``/``--to`` value: ``sqlite:///path`` is the file ``/path``; anything else as given."""
    if text.startswith("sqlite://"):
        return text[len("sqlite://") :] or text
    return text


def copy_store(source: Store, target: Store) -> dict[str, int]:
    """Copy every row of ``source`` into the empty ``target``; the rows copied per table."""
    counts: dict[str, int] = {}

    def into(tconn: sqlite3.Connection) -> None:
        counts.clear()
        for table in TABLES:
            held = tconn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if held:
                raise StoreError(
                    f"history store {_where(target)} already holds a history ({held} row(s) in {table}); migrate into an "
                    "empty store, so no day is merged or duplicated"
                )

        def out_of(sconn: sqlite3.Connection) -> None:
            for table in TABLES:
                counts[table] = _copy_table(sconn, tconn, table)

        source.read(out_of)
        if not _is_sqlite(target):
            _continue_ids_after_copy(tconn)

    target.write(into)
    return counts


def _copy_table(sconn: sqlite3.Connection, tconn: sqlite3.Connection, table: str) -> int:
    order = "series_id, ts" if table in TABLES_WITHOUT_ID else "id"
    cur = sconn.cursor()
    cur.execute(f"SELECT * FROM {table} ORDER BY {order}")
    columns = [str(d[0]) for d in cur.description]
    insert = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    )
    n = 0
    while True:
        rows: Sequence[Any] = cur.fetchmany(BATCH)
        if not rows:
            return n
        tconn.executemany(insert, [tuple(r) for r in rows])
        n += len(rows)


def _continue_ids_after_copy(tconn: sqlite3.Connection) -> None:
    """PostgreSQL's identity columns do not see copied ids: start each after the largest."""
    for table in TABLES:
        if table in TABLES_WITHOUT_ID:
            continue
        tconn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id))"
            f" FROM {table} HAVING count(*) > 0"
        )


def _is_sqlite(store: Store) -> bool:
    return type(store) is Store


def _where(store: Store) -> str:
    """How messages name a store: the masked URL of a database, the path of a file."""
    return str(getattr(store, "location", None) or store.path)


def migrate(from_location: str, to_location: str, *, timeout_s: float = 60.0) -> dict[str, int]:
    """Open both stores and copy; a missing SQLite source is an error, never an empty copy."""
    src, dst = source_location(from_location), source_location(to_location)
    if masked(src) == masked(dst) or (
        not src.startswith("postgres") and os.path.realpath(src) == os.path.realpath(dst)
    ):
        raise StoreError(f"--from and --to name the same store ({masked(src)})")
    if not src.startswith("postgres") and not os.path.isfile(src):
        raise StoreError(f"--from: no history store at {src}")
    with Store(src, timeout_s=timeout_s) as source, Store(dst, timeout_s=timeout_s) as target:
        return copy_store(source, target)
