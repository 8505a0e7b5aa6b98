"""``burnin store migrate --from A --to B``: copy a history between SQLite and PostgreSQL.

Registered under ``burnin store`` (``burnin/commands.py`` adds it beside
``check`` and ``backup``). Every store is named as ``location.masked`` shows it.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import BurninError
from .location import masked


def add_migrate_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    m = actions.add_parser(
        "migrate",
        help="copy the whole history into an empty store (SQLite <-> PostgreSQL).",
        description=(
            "Copy every record, run, incident, alert event, freeze and sample from one "
            "history store into another that holds none. A store is a SQLite file "
            "(a path, or sqlite:///path) or postgresql://USER@HOST:PORT/DATABASE with the "
            "password in BURNIN_STORE_PASSWORD or PGPASSWORD."
        ),
    )
    m.add_argument("--from", dest="from_store", required=True, help="the store to copy.")
    m.add_argument("--to", dest="to_store", required=True, help="an empty or new store.")
    m.set_defaults(func=cmd_migrate)


def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import migrate

    try:
        counts = migrate(args.from_store, args.to_store)
    except BurninError as exc:
        print(f"burnin store migrate: {exc}", file=sys.stderr)
        return 2
    parts = ", ".join(f"{n} {table}" for table, n in counts.items() if n)
    print(
        f"copied {sum(counts.values())} row(s) from {masked(args.from_store)} "
        f"to {masked(args.to_store)}: {parts or 'an empty history'}"
    )
    return 0
