"""The daily job: evaluate each check for one day, remediate failures, write it all at once.

A day's record per check is keyed ``(day, check_name)``: recording a day again
never duplicates it. Re-recording the same result is a no-op; a record of a day
that had not ended, or that could not be evaluated, is replaced. Replacing a
pass or fail by anything different rewrites history: it needs an explicit
``Rewrite`` (``burnin record --rewrite --reason TEXT``), and the old record is
kept in ``record_rewrites``, which the burn-in verdict shows. The
run, the records and the remediation actions of a day commit together, so a
crash leaves a day whole or absent. Remediation runs before the transaction
(it can take minutes and must not hold the write lock).
"""

from __future__ import annotations

import math
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Literal, Protocol

from ..errors import BurninError, EvaluationError
from ..slo.evaluate import Objective, objective_text
from ..store.sqlite import Store, day_text, iso, utc_now
from ..timefmt import iso as _iso
from .rewrites import Rewrite, Rewritten, audit, find_rewrites

if TYPE_CHECKING:
    import sqlite3

    from ..sources import MetricSource
    from ..spec.model import Entry

Verdict = Literal["pass", "fail", "error"]
DAY_MS = 86_400_000
Mode = Literal["auto", "manual"]


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    value: float | None
    objective: Objective | None
    verdict: Verdict
    error: str | None = None


class Check(Protocol):
    @property
    def name(self) -> str: ...

    def evaluate(self, source: MetricSource | None, t_ms: int) -> CheckOutcome: ...


def judge(name: str, value: float, objective: Objective | None) -> CheckOutcome:
    if not math.isfinite(value):
        # +Inf, -Inf or NaN would pass or fail any bound: not evidence of a day.
        return CheckOutcome(
            name, None, objective, "error", f"check {name!r} gave {value}, not a finite number"
        )
    passed = objective is None or objective.holds(value)
    return CheckOutcome(name, value, objective, "pass" if passed else "fail")


@dataclass
class SloCheck:
    """An SLO entry measured over its window (or ``window``) ending at the day's end."""

    entry: Entry
    window: str | None = None
    source: MetricSource | None = None  # overrides the source given to record_day

    @property
    def name(self) -> str:
        return self.entry.name

    def evaluate(self, source: MetricSource | None, t_ms: int) -> CheckOutcome:
        from ..slo.evaluate import measure

        objective = Objective.from_spec(self.entry.spec["objective"])
        src = self.source or source
        if src is None:
            raise BurninError(f"check {self.name!r}: no metric source given")
        window = self.window or _window_at(self.entry.spec["window"], t_ms)
        try:
            _require_data_in_day(src, t_ms)
            m = measure(self.entry, src, window, t_ms, required=True)
        except EvaluationError as exc:
            return CheckOutcome(self.name, None, objective, "error", str(exc))
        assert m is not None
        return judge(self.name, m.value, objective)


def _window_at(spec: object, t_ms: int) -> str:
    """What replaces {{window}}: a rolling duration as written, or the calendar period so far."""
    if isinstance(spec, str):
        return spec
    from ..slo.windows import resolve_window

    return resolve_window(spec, t_ms).promql


def _require_data_in_day(source: MetricSource, t_ms: int) -> None:
    """Refuse to judge a day the data does not reach.

    A rolling window ending after the data would still return the last days'
    numbers, and a day with no data would pass on its predecessors' evidence.
    """
    bounds = source.time_bounds()
    day_start = (t_ms - 1) // DAY_MS * DAY_MS
    if bounds is None or bounds[1] < day_start or bounds[0] > t_ms:
        extent = "no samples" if bounds is None else f"data {_iso(bounds[0])} .. {_iso(bounds[1])}"
        raise EvaluationError(
            f"no data for {_iso(day_start)[:10]} in {source.describe()} ({extent})"
        )


@dataclass
class FunctionCheck:
    """Any callable ``fn(day_end_ms) -> value`` judged against an objective."""

    name: str
    fn: Callable[[int], float]
    objective: Objective | None = None

    def evaluate(self, source: MetricSource | None, t_ms: int) -> CheckOutcome:
        try:
            value = float(self.fn(t_ms))
        except EvaluationError as exc:
            return CheckOutcome(self.name, None, self.objective, "error", str(exc))
        return judge(self.name, value, self.objective)


@dataclass(frozen=True)
class RemediationResult:
    mode: Mode
    command: str
    exit_code: int | None  # None: it did not finish (timeout, could not start)
    output: str = ""


Remediate = Callable[[date, CheckOutcome], "RemediationResult | None"]


@dataclass(frozen=True)
class RunInfo:
    argv: tuple[str, ...] = ()
    git_commit: str | None = None
    host: str = ""

    @classmethod
    def current(cls, git_commit: str | None = None) -> RunInfo:
        return cls(tuple(sys.argv), git_commit, socket.gethostname())


@dataclass
class DayResult:
    day: date
    outcomes: list[CheckOutcome]
    remediations: list[tuple[str, RemediationResult]] = field(default_factory=list)
    run_id: int = 0
    rewritten: list[Rewritten] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(o.verdict == "pass" for o in self.outcomes)


def day_bounds_ms(day: date) -> tuple[int, int]:
    """[start, end) of a UTC day in ms."""
    start = datetime.combine(day, time(0), tzinfo=timezone.utc)
    end = start + timedelta(days=1)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def record_day(
    store: Store,
    day: date,
    checks: Sequence[Check | Entry],
    source: MetricSource | None = None,
    *,
    remediate: Remediate | None = None,
    now: datetime | None = None,
    run: RunInfo | None = None,
    rewrite: Rewrite | None = None,
) -> DayResult:
    """Evaluate every check at the end of ``day`` (or now, for today) and store the day.

    A day after today (UTC) is refused: there is nothing to measure yet.
    Failing checks are passed to ``remediate``; its results are stored with the day.
    A different result for a day already judged raises ``HistoryRewrite`` unless
    ``rewrite`` is given (see the module's docstring).
    """
    from ..spec.model import Entry

    fixed_clock = now is not None
    now = now or utc_now()
    today = now.astimezone(timezone.utc).date()
    if day > today:
        raise BurninError(
            f"cannot record {day}: the day has not begun (today is {today} UTC); "
            "record a past day or today"
        )
    started = now
    _, end_ms = day_bounds_ms(day)
    t_ms = min(end_ms, int(now.timestamp() * 1000))
    wrapped = [SloCheck(c) if isinstance(c, Entry) else c for c in checks]
    names = [c.name for c in wrapped]
    if len(set(names)) != len(names):
        raise BurninError(f"check names must be unique, got {names}")
    outcomes = [c.evaluate(source, t_ms) for c in wrapped]
    remediations: list[tuple[str, RemediationResult]] = []
    if rewrite is not None and not rewrite.reason.strip():
        raise BurninError("a rewrite of recorded days needs a reason (--reason TEXT)")
    if rewrite is None:
        # Refuse before remediation runs: a refused day must leave no trace.
        store.read(lambda conn: find_rewrites(conn, day, outcomes, rewrite=None))
    if remediate is not None:
        for o in outcomes:
            if o.verdict == "fail":
                remediations.append((o.name, _safe_remediate(remediate, day, o)))
    result = DayResult(day, outcomes, remediations)
    info = run or RunInfo.current()
    status = "pass" if result.passed else "fail"
    finished = now if fixed_clock else utc_now()

    def write(conn: sqlite3.Connection) -> int:
        # Checked again inside the write lock: another recorder may have won the race.
        result.rewritten = find_rewrites(conn, day, outcomes, rewrite)
        run_id = _write_day(conn, result, info, started, finished, status)
        if result.rewritten:
            audit(conn, result.rewritten, run_id, rewrite, finished)
        return run_id

    result.run_id = store.write(write)
    return result


def _safe_remediate(remediate: Remediate, day: date, outcome: CheckOutcome) -> RemediationResult:
    # A remediation hook that raises must not cost the day its record.
    try:
        got = remediate(day, outcome)
    except Exception as exc:
        return RemediationResult("auto", "<hook>", None, f"remediation raised {exc!r}")
    return got or RemediationResult("manual", "", None, "no remediation configured")


def _write_day(
    conn: sqlite3.Connection,
    result: DayResult,
    info: RunInfo,
    started: datetime,
    finished: datetime,
    status: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO runs (started_at, finished_at, git_commit, host, argv, status)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (iso(started), iso(finished), info.git_commit, info.host, " ".join(info.argv), status),
    )
    run_id = int(cur.lastrowid or 0)
    at = iso(finished)
    d = day_text(result.day)
    conn.executemany(
        "INSERT INTO daily_records"
        " (day, check_name, value, objective, verdict, run_id, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (day, check_name) DO UPDATE SET value = excluded.value,"
        " objective = excluded.objective, verdict = excluded.verdict,"
        " run_id = excluded.run_id, recorded_at = excluded.recorded_at",
        [
            (d, o.name, o.value, objective_text(o.objective), o.verdict, run_id, at)
            for o in result.outcomes
        ],
    )
    conn.executemany(
        "INSERT INTO remediation_actions"
        " (day, check_name, mode, command, exit_code, at, run_id, output)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (d, name, r.mode, r.command, r.exit_code, at, run_id, r.output[-4000:])
            for name, r in result.remediations
        ],
    )
    return run_id


def record_remediation(
    store: Store,
    day: date,
    check_name: str,
    *,
    mode: Mode = "manual",
    command: str = "",
    exit_code: int | None = 0,
    output: str = "",
    at: datetime | None = None,
) -> None:
    """Record a remediation done outside the daily job (by hand: ``mode="manual"``)."""
    stamp = iso(at or utc_now())

    def write(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO remediation_actions (day, check_name, mode, command, exit_code, at,"
            " output) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (day_text(day), check_name, mode, command, exit_code, stamp, output),
        )

    store.write(write)


@dataclass(frozen=True)
class RemediationStats:
    auto: int
    manual: int

    @property
    def auto_run_share(self) -> float | None:
        """Share of remediation runs that started automatically (None: no run at all)."""
        total = self.auto + self.manual
        return self.auto / total if total else None


def remediation_stats(store: Store, first: date, last: date) -> RemediationStats:
    rows = store.query(
        "SELECT mode, count(*) FROM remediation_actions WHERE day BETWEEN ? AND ? GROUP BY mode",
        (day_text(first), day_text(last)),
    )
    counts = {str(r[0]): int(r[1]) for r in rows}
    return RemediationStats(counts.get("auto", 0), counts.get("manual", 0))
