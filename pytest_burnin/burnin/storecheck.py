"""``burnin store check|backup``: is the history store sound, and a consistent copy of it.

A damaged store (SQLite's "database disk image is malformed") is reported by
every reader as ``StoreCorrupt`` with the file's name; this is the command that
message points to.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from ..paths import DEFAULT_STORE
from ..store.location import is_postgres, masked
from ..store.sqlite import LATEST_VERSION, Store, StoreError


def check_database(url: str) -> list[str]:
    """What is wrong with a PostgreSQL store (empty: sound); the server checks its own pages."""
    try:
        with Store(url) as store:
            result = store.integrity_check()
    except StoreError as exc:
        return [str(exc)]
    return [] if result == "ok" else [result]


def check_file(path: Path) -> list[str]:
    """What SQLite finds wrong with a store file (empty: sound), read-only, never migrating.

    Opened directly rather than through ``Store`` so a damaged file is examined
    as it is: ``Store`` would stop at the first bad page.
    """
    if not path.is_file():
        return [f"{path}: no such file"]
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [f"{path}: cannot open: {exc}"]
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if not problems and version > LATEST_VERSION:
            problems.append(f"schema version {version} is newer than {LATEST_VERSION}")
        return problems
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        conn.close()


def cmd_store(args: argparse.Namespace) -> int:
    """``check``: is the store sound (exit 0) or damaged (exit 1); ``backup DEST``: a copy."""
    shown = masked(args.store or DEFAULT_STORE)  # a database's URL without its password
    path = Path(shown)
    if args.action == "check":
        problems = check_database(args.store) if is_postgres(args.store or "") else check_file(path)
        if not problems:
            print(f"{shown}: ok")
            return 0
        for line in problems[:20]:
            print(f"{shown}: {line}")
        print(
            f"{shown} is damaged: restore it from a backup (the daily job's artifact or "
            "'burnin store backup'); until then every verdict that reads it is an error",
            file=sys.stderr,
        )
        return 1
    with Store(args.store or DEFAULT_STORE) as store:
        store.backup(args.dest)
    print(f"backed up {shown} to {args.dest}")
    return 0
