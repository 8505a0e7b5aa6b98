"""Frozen files: the scoring formula and its config may not change during burn-in.

The first ``record_baseline`` for a burn-in stores the sha256 of every file its
globs match. A change is allowed only while an incident is open, and only with
a change record (``record_change``) that names the incident; the verdict
(``check_frozen``) compares today's files with the last recorded hash of each.
A removed file is recorded with the hash ``REMOVED``.

Rows are keyed by the burn-in's identity (``freeze_identity``: what it
measures and what it freezes), not by its name, so renaming a BurnIn keeps its
baseline and its verdict. And a new baseline is refused for a file that the
store already knows under another content, unless an incident is open: a
changed formula cannot be blessed by starting a "new" burn-in.
"""

from __future__ import annotations

import glob
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BurninError
from ..fileio import sha256_file
from ..store.sqlite import Store, iso, parse_iso, utc_now
from .incidents import Incident, get_incident, list_incidents

if TYPE_CHECKING:
    import sqlite3

REMOVED = "-"


def freeze_identity(slos: Sequence[str], globs: Sequence[str]) -> str:
    """A burn-in's stable identity: the SLOs it judges and the globs it freezes (not its name)."""
    body = json.dumps({"slos": sorted(slos), "frozen": sorted(globs)}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:24]


class FreezeRefused(BurninError):
    """A new baseline would bless files changed since the store froze them."""


def fingerprints(root: Path, globs: Sequence[str]) -> dict[str, str]:
    """sha256 of every file the globs match under ``root``, keyed by POSIX path relative to it."""
    out: dict[str, str] = {}
    for pattern in globs:
        for hit in sorted(glob.glob(str(root / pattern), recursive=True)):
            p = Path(hit)
            if p.is_file():
                rel = p.resolve().relative_to(root.resolve()).as_posix()
                out[rel] = sha256_file(p)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class FrozenRow:
    path: str
    sha256: str
    recorded_at: datetime
    incident_id: int | None
    note: str | None


_MINE = "(identity = ? OR (identity IS NULL AND burnin = ?))"  # NULL: rows before version 4


def recorded(store: Store, burnin: str, identity: str | None = None) -> list[FrozenRow]:
    rows = store.query(
        "SELECT path, sha256, recorded_at, incident_id, change_note FROM frozen_files"
        f" WHERE {_MINE} ORDER BY id",
        (identity, burnin),
    )
    return [FrozenRow(str(r[0]), str(r[1]), parse_iso(r[2]), r[3], r[4]) for r in rows]


def record_baseline(
    store: Store,
    burnin: str,
    root: Path,
    globs: Sequence[str],
    *,
    identity: str | None = None,
    at: datetime | None = None,
) -> int:
    """Store the frozen files' hashes once; later calls change nothing. Returns files stored.

    Refused (``FreezeRefused``) when a file differs from the content the store
    last froze it at, under any burn-in, and no incident is open: the change
    must go through an incident (``burnin freeze``), not through a new baseline.
    """
    current = fingerprints(root, globs)
    when = at or utc_now()
    stamp = iso(when)
    key = identity  # None: keyed by name only (callers before identities)
    opened = [i for i in list_incidents(store) if i.open_at(when)]

    def write(conn: sqlite3.Connection) -> int:
        if conn.execute(
            f"SELECT 1 FROM frozen_files WHERE {_MINE} LIMIT 1", (key, burnin)
        ).fetchone():
            return 0
        changed = _changed_since_frozen(conn, current)
        incident = opened[0].id if changed and opened else None
        if changed and incident is None:
            raise FreezeRefused(_refusal(burnin, changed))
        conn.executemany(
            "INSERT INTO frozen_files (burnin, identity, path, sha256, recorded_at, incident_id,"
            " change_note) VALUES (?, ?, ?, ?, ?, ?, 'baseline')",
            [(burnin, key, p, h, stamp, incident) for p, h in current.items()],
        )
        return len(current)

    return store.write(write)


def _changed_since_frozen(
    conn: sqlite3.Connection, current: dict[str, str]
) -> list[tuple[str, str, str, str]]:
    """(path, burn-in, when, hash) of each file whose last frozen content differs from now."""
    out = []
    for path, sha in current.items():
        row = conn.execute(
            "SELECT sha256, burnin, recorded_at FROM frozen_files WHERE path = ?"
            " ORDER BY id DESC LIMIT 1",
            (path,),
        ).fetchone()
        if row is not None and str(row[0]) not in (sha, REMOVED):
            out.append((path, str(row[1]), str(row[2]), str(row[0])))
    return out


def _refusal(burnin: str, changed: list[tuple[str, str, str, str]]) -> str:
    path, other, when, _ = changed[0]
    more = f" (+{len(changed) - 1} more)" if len(changed) > 1 else ""
    return (
        f"frozen files of burn-in {burnin!r}: {path}{more} changed since it was frozen for "
        f"burn-in {other!r} on {when[:10]}, and no incident is open; a new baseline would "
        "accept the change unreviewed (renaming a BurnIn does not restart its freeze). "
        "Revert the change, or open an incident ('burnin incident open TITLE') and record "
        "it with 'burnin freeze --incident N --note WHY'"
    )


def record_change(
    store: Store,
    burnin: str,
    root: Path,
    globs: Sequence[str],
    *,
    incident_id: int,
    note: str,
    identity: str | None = None,
    at: datetime | None = None,
) -> list[str]:
    """Record the frozen files that differ from their last record, under an open incident.

    Refused when the incident is not open now: a frozen file may only change
    while one is. Returns the paths recorded.
    """
    when = at or utc_now()
    incident = get_incident(store, incident_id)
    if incident is None:
        raise BurninError(f"no incident #{incident_id}")
    if not incident.open_at(when):
        raise BurninError(
            f"incident #{incident_id} is not open; frozen files of {burnin!r} may change "
            "only while an incident is open: open one with 'burnin incident open'"
        )
    if not note.strip():
        raise BurninError("a change record needs a note saying what changed and why")
    changes = diff(recorded(store, burnin, identity), fingerprints(root, globs))
    stamp = iso(when)
    key = identity  # None: keyed by name only (callers before identities)

    def write(conn: sqlite3.Connection) -> None:
        conn.executemany(
            "INSERT INTO frozen_files (burnin, identity, path, sha256, recorded_at, incident_id,"
            " change_note) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(burnin, key, path, new, stamp, incident_id, note) for path, _, new in changes],
        )

    store.write(write)
    return [path for path, _, _ in changes]


def diff(rows: Sequence[FrozenRow], current: dict[str, str]) -> list[tuple[str, str, str]]:
    """(path, last recorded hash, current hash) for every file that differs."""
    last: dict[str, str] = {}
    for r in rows:
        last[r.path] = r.sha256
    out = []
    for path in sorted(set(last) | set(current)):
        old = last.get(path, REMOVED)
        new = current.get(path, REMOVED)
        if old != new:
            out.append((path, old, new))
    return out


@dataclass(frozen=True)
class FrozenReport:
    baseline: bool  # a baseline exists
    files: int
    unrecorded: list[tuple[str, str, str]]  # changed with no change record
    bad_records: list[str]  # change records whose incident was not open
    changes: list[FrozenRow]  # the accepted change records

    @property
    def passed(self) -> bool:
        return self.baseline and not self.unrecorded and not self.bad_records


def check_files(
    store: Store, burnin: str, root: Path, globs: Sequence[str], identity: str | None = None
) -> FrozenReport:
    rows = recorded(store, burnin, identity)
    incidents = {i.id: i for i in list_incidents(store)}
    bad: list[str] = []
    changes: list[FrozenRow] = []
    for r in rows:
        if r.incident_id is None:
            continue
        inc: Incident | None = incidents.get(r.incident_id)
        if inc is None or not inc.open_at(r.recorded_at):
            bad.append(
                f"{r.path}: changed {iso(r.recorded_at)} under incident #{r.incident_id}, "
                "which was not open then"
            )
        else:
            changes.append(r)
    current = fingerprints(root, globs)
    latest_paths = {r.path for r in rows if r.sha256 != REMOVED}
    return FrozenReport(bool(rows), len(latest_paths), diff(rows, current), bad, changes)
