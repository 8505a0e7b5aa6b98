"""Incidents and alert events: what the exit criteria ask about besides the daily records.

An incident is open until resolved; while one is open, the frozen files may
change (with a change record naming it). Alert events are written by the
alerting side (or ``record_alert_event``); ``dedup_key`` makes re-delivery of
the same event harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from ..errors import BurninError
from ..store.sqlite import Store, iso, parse_iso, utc_now

if TYPE_CHECKING:
    import sqlite3

SEVERITIES = ("sev1", "sev2", "sev3", "sev4")


@dataclass(frozen=True)
class Incident:
    id: int
    title: str
    severity: str
    opened_at: datetime
    resolved_at: datetime | None
    note: str | None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def open_at(self, t: datetime) -> bool:
        """Whether the incident was open at ``t`` (opened at or before, not yet resolved)."""
        return self.opened_at <= t and (self.resolved_at is None or t <= self.resolved_at)

    def label(self) -> str:
        return f"#{self.id} {self.title!r} ({self.severity})"


def _incident(row: sqlite3.Row) -> Incident:
    return Incident(
        int(row["id"]),
        str(row["title"]),
        str(row["severity"]),
        parse_iso(row["opened_at"]),
        parse_iso(row["resolved_at"]) if row["resolved_at"] else None,
        row["note"],
    )


def open_incident(
    store: Store, title: str, *, severity: str = "sev3", note: str = "", at: datetime | None = None
) -> int:
    if severity not in SEVERITIES:
        raise BurninError(f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}")
    if not title.strip():
        raise BurninError("an incident needs a title")
    stamp = iso(at or utc_now())

    def write(conn: sqlite3.Connection) -> int:
        cur = conn.execute(
            "INSERT INTO incidents (title, severity, opened_at, note) VALUES (?, ?, ?, ?)",
            (title, severity, stamp, note or None),
        )
        return int(cur.lastrowid or 0)

    return store.write(write)


def resolve_incident(
    store: Store, incident_id: int, *, note: str = "", at: datetime | None = None
) -> Incident:
    when = at or utc_now()

    def write(conn: sqlite3.Connection) -> Incident:
        row = conn.execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchone()
        if row is None:
            raise BurninError(f"no incident #{incident_id}")
        inc = _incident(row)
        if inc.resolved_at is not None:
            raise BurninError(
                f"incident #{incident_id} was already resolved at {iso(inc.resolved_at)}"
            )
        if when < inc.opened_at:
            raise BurninError(f"incident #{incident_id} cannot be resolved before it was opened")
        joined = "\n".join(n for n in (inc.note, note) if n) or None
        conn.execute(
            "UPDATE incidents SET resolved_at = ?, note = ? WHERE id = ?",
            (iso(when), joined, incident_id),
        )
        return Incident(inc.id, inc.title, inc.severity, inc.opened_at, when, joined)

    return store.write(write)


def list_incidents(store: Store, *, open_only: bool = False) -> list[Incident]:
    sql = "SELECT * FROM incidents"
    if open_only:
        sql += " WHERE resolved_at IS NULL"
    return [_incident(r) for r in store.query(sql + " ORDER BY id")]


def get_incident(store: Store, incident_id: int) -> Incident | None:
    rows = store.query("SELECT * FROM incidents WHERE id = ?", (incident_id,))
    return _incident(rows[0]) if rows else None


def mttr_seconds(incidents: Sequence[Incident]) -> float | None:
    """Mean time to resolve over the resolved incidents (None when none is resolved)."""
    spans = [(i.resolved_at - i.opened_at).total_seconds() for i in incidents if i.resolved_at]
    return sum(spans) / len(spans) if spans else None


def human_duration(seconds: float) -> str:
    s = round(seconds)
    days, s = divmod(s, 86_400)
    hours, s = divmod(s, 3_600)
    minutes = s // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


AlertState = Literal["fired", "resolved"]


def record_alert_event(
    store: Store,
    alertname: str,
    state: AlertState,
    at: datetime,
    *,
    fingerprint: str = "",
    channel: str | None = None,
    delivered_at: datetime | None = None,
    dedup_key: str | None = None,
) -> bool:
    """Store one alert event; False when an event with the same ``dedup_key`` exists."""
    key = dedup_key or f"{alertname}/{fingerprint}/{state}/{iso(at)}"

    def write(conn: sqlite3.Connection) -> bool:
        cur = conn.execute(
            "INSERT INTO alert_events (alertname, fingerprint, state, at, delivered_at, channel,"
            " dedup_key) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING",
            (
                alertname,
                fingerprint,
                state,
                iso(at),
                iso(delivered_at) if delivered_at else None,
                channel,
                key,
            ),
        )
        return cur.rowcount == 1

    return store.write(write)
