"""Rewriting recorded days: refused unless asked for, and audited when it happens.

A burn-in's days are its evidence. Re-running ``burnin record`` over recorded
days after loosening an objective would turn failed days into passes, so a
different result for a judged day needs an explicit ``Rewrite`` with a reason;
the replaced record goes to ``record_rewrites`` and the burn-in verdict lists it.
The same result again is a no-op (the daily job may retry), and a record of a
day that had not ended yet, or of one that could not be evaluated, is no
verdict: replacing it judges the day for the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from ..errors import BurninError
from ..store.sqlite import Store, day_text, iso

if TYPE_CHECKING:
    import sqlite3

    from .records import CheckOutcome

Recorded = tuple[float | None, str | None, str]  # value, objective text, verdict


@dataclass(frozen=True)
class Rewrite:
    """The explicit override that lets ``record_day`` replace recorded verdicts."""

    reason: str
    by: str = ""


class HistoryRewrite(BurninError):
    """Recording would replace a day's recorded verdict, and no ``Rewrite`` was given."""


@dataclass(frozen=True)
class Rewritten:
    day: str
    check: str
    old: Recorded
    new: Recorded
    old_run_id: int | None = None
    old_recorded_at: str = ""


def find_rewrites(
    conn: sqlite3.Connection, day: date, outcomes: list[CheckOutcome], rewrite: Rewrite | None
) -> list[Rewritten]:
    """The recorded verdicts this day's outcomes would replace; raise when not allowed."""
    from ..slo.evaluate import objective_text

    d = day_text(day)
    day_end = iso(datetime.combine(day + timedelta(days=1), time(0), tzinfo=timezone.utc))
    out: list[Rewritten] = []
    for o in outcomes:
        row = conn.execute(
            "SELECT value, objective, verdict, recorded_at, run_id FROM daily_records"
            " WHERE day = ? AND check_name = ?",
            (d, o.name),
        ).fetchone()
        if row is None:
            continue
        old = (row[0], row[1], str(row[2]))
        new = (o.value, objective_text(o.objective), o.verdict)
        if old == new:
            continue
        # A day recorded before it ended is provisional, and an error is no verdict:
        # replacing either judges the day for the first time.
        if str(row[3]) < day_end or old[2] == "error":
            continue
        out.append(Rewritten(d, o.name, old, new, row[4], str(row[3])))
    if out and rewrite is None:
        shown = "; ".join(f"{r.check}: {text(r.old)} -> {text(r.new)}" for r in out)
        raise HistoryRewrite(
            f"{d} is already recorded and this run judges it differently ({shown}). "
            "Recorded days are the burn-in's evidence: to replace them say so, with "
            "'burnin record --rewrite --reason TEXT' (the old records are kept and the "
            "burn-in verdict shows the rewrite)"
        )
    return out


def text(rec: Recorded) -> str:
    value, objective, verdict = rec
    shown = "no value" if value is None else f"{value:.6g}"
    return f"{verdict} {shown}" + (f" ({objective})" if objective else "")


def audit(
    conn: sqlite3.Connection,
    rewritten: list[Rewritten],
    run_id: int,
    rewrite: Rewrite | None,
    at: datetime,
) -> None:
    assert rewrite is not None
    conn.executemany(
        "INSERT INTO record_rewrites (day, check_name, old_value, old_objective, old_verdict,"
        " old_run_id, old_recorded_at, new_value, new_objective, new_verdict, run_id, reason,"
        " by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.day,
                r.check,
                *r.old,
                r.old_run_id,
                r.old_recorded_at,
                *r.new,
                run_id,
                rewrite.reason,
                rewrite.by,
                iso(at),
            )
            for r in rewritten
        ],
    )


@dataclass(frozen=True)
class AuditRow:
    day: date
    check: str
    old: Recorded
    new: Recorded
    reason: str
    by: str
    at: str

    def line(self) -> str:
        who = f" by {self.by}" if self.by else ""
        return (
            f"{self.day} {self.check}: {text(self.old)} rewritten to {text(self.new)} "
            f"on {self.at[:10]}{who}: {self.reason}"
        )


def rewrites_between(
    store: Store, first: date, last: date, checks: tuple[str, ...]
) -> list[AuditRow]:
    """Every rewrite of the given checks' records for days in ``[first, last]``, oldest first."""
    if not checks:
        return []
    marks = ",".join("?" * len(checks))
    rows = store.query(
        "SELECT day, check_name, old_value, old_objective, old_verdict, new_value,"
        " new_objective, new_verdict, reason, by, at FROM record_rewrites"
        f" WHERE day BETWEEN ? AND ? AND check_name IN ({marks}) ORDER BY id",
        (day_text(first), day_text(last), *checks),
    )
    return [
        AuditRow(
            date.fromisoformat(r[0]),
            str(r[1]),
            (r[2], r[3], str(r[4])),
            (r[5], r[6], str(r[7])),
            str(r[8]),
            str(r[9] or ""),
            str(r[10]),
        )
        for r in rows
    ]
