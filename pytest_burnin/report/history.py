"""What the reports read from the history store, in one read-only pass.

A missing store is an empty history, not an error: a plain CI run has none,
and opening ``Store`` would create the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..burnin.incidents import Incident, list_incidents
from ..store.sqlite import Store, parse_iso


@dataclass(frozen=True)
class AlertEvent:
    alertname: str
    state: str  # fired / resolved
    at: datetime
    delivered_at: datetime | None
    channel: str | None

    @property
    def latency_s(self) -> float | None:
        if self.delivered_at is None:
            return None
        return (self.delivered_at - self.at).total_seconds()


@dataclass(frozen=True)
class DailyRecord:
    day: date
    check: str
    value: float | None
    objective: str | None
    verdict: str


@dataclass(frozen=True)
class Remediation:
    day: date
    check: str
    mode: str  # auto / manual
    at: datetime
    exit_code: int | None


@dataclass
class History:
    records: list[DailyRecord] = field(default_factory=list)
    alerts: list[AlertEvent] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    remediations: list[Remediation] = field(default_factory=list)
    last_successful_run: datetime | None = None

    def day_verdicts(self) -> dict[date, str]:
        """One verdict per day: error beats fail beats pass (the worst check wins)."""
        rank = {"pass": 0, "fail": 1, "error": 2}
        out: dict[date, str] = {}
        for r in self.records:
            if rank.get(r.verdict, 2) >= rank.get(out.get(r.day, "pass"), 0):
                out[r.day] = r.verdict
        return out

    def checks(self) -> list[str]:
        return sorted({r.check for r in self.records})


def load_history(path: Path) -> History:
    if not path.is_file():
        return History()
    with Store(path) as store:
        records = [
            DailyRecord(date.fromisoformat(r[0]), str(r[1]), r[2], r[3], str(r[4]))
            for r in store.query(
                "SELECT day, check_name, value, objective, verdict FROM daily_records"
                " ORDER BY day, check_name"
            )
        ]
        alerts = [
            AlertEvent(
                str(r[0]),
                str(r[1]),
                parse_iso(r[2]),
                parse_iso(r[3]) if r[3] else None,
                r[4],
            )
            for r in store.query(
                "SELECT alertname, state, at, delivered_at, channel FROM alert_events ORDER BY at"
            )
        ]
        remediations = [
            Remediation(date.fromisoformat(r[0]), str(r[1]), str(r[2]), parse_iso(r[3]), r[4])
            for r in store.query(
                "SELECT day, check_name, mode, at, exit_code FROM remediation_actions ORDER BY at"
            )
        ]
        last = store.query(
            "SELECT max(finished_at) FROM runs WHERE status = 'pass' AND finished_at IS NOT NULL"
        )
        return History(
            records,
            alerts,
            list_incidents(store),
            remediations,
            parse_iso(last[0][0]) if last and last[0][0] else None,
        )
