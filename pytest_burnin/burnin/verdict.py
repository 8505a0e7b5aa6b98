"""Burn-in verdicts: what ``kind: BurnIn`` judges, each as an ``Evaluation``.

``BurnInState.load`` reads everything once (records of the period, alert
events, incidents, frozen files); the verdict functions are then pure. The
period is the burn-in's days from ``start`` up to ``as_of`` (default: the last
day that has ended, yesterday UTC), never past ``start + length``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from ..kinds import Evaluation
from ..slo.evaluate import Objective, parse_objective
from ..store.sqlite import Store, day_text, iso, parse_iso, utc_now
from .freeze import FrozenReport, check_files
from .incidents import Incident, human_duration, list_incidents, mttr_seconds
from .records import RemediationStats, remediation_stats
from .rewrites import AuditRow, rewrites_between
from .spec import BurnInSpec


@dataclass(frozen=True)
class DayRecord:
    value: float | None
    objective: Objective | None
    verdict: str


@dataclass
class BurnInState:
    spec: BurnInSpec
    now: datetime
    days: list[date]  # the period's days, in order
    records: dict[date, dict[str, DayRecord]]
    fired: list[tuple[str, datetime, str]]  # (alertname, at, how) inside the period
    incidents: list[Incident]
    frozen: FrozenReport | None
    remediation: RemediationStats
    rewrites: list[AuditRow] = field(default_factory=list)  # recorded days replaced

    @property
    def day_number(self) -> int:
        return len(self.days)

    @classmethod
    def load(
        cls,
        store: Store,
        spec: BurnInSpec,
        *,
        as_of: date | None = None,
        now: datetime | None = None,
    ) -> BurnInState:
        now = now or utc_now()
        last = min(as_of or (now.date() - timedelta(days=1)), spec.last_day)
        days = [spec.start + timedelta(days=i) for i in range((last - spec.start).days + 1)]
        records: dict[date, dict[str, DayRecord]] = {d: {} for d in days}
        if days and spec.slos:
            marks = ",".join("?" * len(spec.slos))
            rows = store.query(
                "SELECT day, check_name, value, objective, verdict FROM daily_records"
                f" WHERE day BETWEEN ? AND ? AND check_name IN ({marks})",
                (day_text(days[0]), day_text(days[-1]), *spec.slos),
            )
            by_text = {day_text(d): records[d] for d in days}
            for r in rows:
                by_text[r[0]][r[1]] = DayRecord(r[2], parse_objective(r[3]), r[4])
        period_end = datetime.combine(last + timedelta(days=1), datetime.min.time(), timezone.utc)
        period_start = datetime.combine(spec.start, datetime.min.time(), timezone.utc)
        fired = _alerts_fired(store, spec.alerts, period_start, period_end) if days else []
        frozen = (
            check_files(store, spec.name, spec.root, spec.frozen, spec.identity)
            if spec.frozen
            else None
        )
        stats = remediation_stats(store, spec.start, last)
        rewrites = rewrites_between(store, spec.start, last, spec.slos) if days else []
        incidents = list_incidents(store)
        return cls(spec, now, days, records, fired, incidents, frozen, stats, rewrites)


def _alerts_fired(
    store: Store, names: tuple[str, ...], start: datetime, end: datetime
) -> list[tuple[str, datetime, str]]:
    if not names:
        return []
    marks = ",".join("?" * len(names))
    rows = store.query(
        "SELECT alertname, fingerprint, state, at FROM alert_events"
        f" WHERE alertname IN ({marks}) AND at < ? ORDER BY at, id",
        (*names, iso(end)),
    )
    out: list[tuple[str, datetime, str]] = []
    state_at_start: dict[tuple[str, str], tuple[str, datetime]] = {}
    begin = iso(start)
    for name, fp, state, at in rows:
        if at < begin:
            state_at_start[(name, fp)] = (state, parse_iso(at))
        elif state == "fired":
            out.append((name, parse_iso(at), "fired"))
    # An alert that fired before the start and never resolved was firing during it.
    for (name, _), (state, at) in state_at_start.items():
        if state == "fired":
            out.append((name, at, "still firing at the start"))
    return sorted(out, key=lambda x: x[1])


def _title(state: BurnInState) -> str:
    return f"BurnIn {state.spec.name}"


def _fmt(x: float, objective: Objective | None) -> str:
    # Ratios (bounds between 0 and 1) read better as percentages.
    if objective is not None and 0 < objective.value < 1 and not math.isnan(x):
        return f"{x * 100:.3g}%"
    return f"{x:.6g}"


def _objective(objective: Objective | None) -> str:
    return "none" if objective is None else f"{objective.symbol} {_fmt(objective.value, objective)}"


def _margin(value: float, objective: Objective) -> str:
    gap = abs(value - objective.value)
    unit = " points" if 0 < objective.value < 1 else ""
    shown = f"{gap * 100:.3g}" if unit else f"{gap:.6g}"
    return f"misses {_objective(objective)} by {shown}{unit}"


def _budget_used(value: float, objective: Objective) -> float:
    """How much of the room the objective allows is used (1.0: at the bound), to rank days."""
    bound = objective.value
    if objective.op in ("above", "at_least"):
        if 0 < bound < 1:  # a good-ratio: the room is the bad share it allows
            return (1.0 - value) / (1.0 - bound)
        return bound / value if value > 0 else math.inf
    return value / bound if bound else (0.0 if value <= 0 else math.inf)


def _base_props(state: BurnInState) -> list[tuple[str, str]]:
    spec = state.spec
    props = [
        ("burnin.start", spec.start.isoformat()),
        ("burnin.day", str(state.day_number)),
        ("burnin.length", str(spec.length_days)),
    ]
    share = state.remediation.auto_run_share
    props.append(("auto_run_share", "" if share is None else repr(share)))
    return props


def missing_days(state: BurnInState) -> list[tuple[date, list[str]]]:
    """Days without a record for some listed check (a day is whole or missing)."""
    out = []
    for d in state.days:
        absent = [c for c in state.spec.slos if c not in state.records[d]]
        if absent:
            out.append((d, absent))
    return out


def days_verdict(state: BurnInState) -> Evaluation:
    n, length = state.day_number, state.spec.length_days
    props = _base_props(state)
    if n == 0:
        return Evaluation(
            False, f"{_title(state)}: not started (starts {state.spec.start})", [], props
        )
    missing = missing_days(state)
    props.append(("missing_days", ",".join(d.isoformat() for d, _ in missing)))
    if not missing:
        return Evaluation(True, f"{_title(state)}: day {n} of {length}, no missing day", [], props)
    shown = ", ".join(d.isoformat() for d, _ in missing[:5]) + (", ..." if len(missing) > 5 else "")
    details = [
        f"{d}: no record for {', '.join(absent)}; fill it with 'burnin record --day {d}'"
        for d, absent in missing
    ]
    headline = f"{_title(state)}: day {n} of {length}, {len(missing)} day(s) missing: {shown}"
    return Evaluation(False, headline, details, props)


def objectives_verdict(state: BurnInState) -> Evaluation:
    misses: list[tuple[date, str, DayRecord]] = []
    worst: tuple[float, date, str, DayRecord] | None = None
    for d in state.days:
        for check, rec in state.records[d].items():
            if rec.verdict != "pass":
                misses.append((d, check, rec))
            elif rec.value is not None and rec.objective is not None:
                use = _budget_used(rec.value, rec.objective)
                if worst is None or use > worst[0]:
                    worst = (use, d, check, rec)
    window = state.spec.window or "rolling"
    props = [*_base_props(state), ("days_missed_objective", str(len({m[0] for m in misses})))]
    rewritten = sorted({r.day for r in state.rewrites})
    props.append(("rewritten_days", ",".join(d.isoformat() for d in rewritten)))
    # Rewritten days never hide: the headline says how many, the details what and why.
    flipped = sorted({r.day for r in state.rewrites if r.old[2] != r.new[2]})
    note = ""
    if rewritten:
        note = f"; {len(rewritten)} recorded day(s) rewritten"
        if flipped:
            note += f" ({len(flipped)} with another verdict)"
    # Changed verdicts first: they are what a reviewer must see.
    ordered = sorted(state.rewrites, key=lambda r: r.old[2] == r.new[2])
    audit = [f"rewritten: {r.line()}" for r in ordered]
    if not misses:
        headline = f"{_title(state)}: every day's {window} objective held ({len(state.days)} days)"
        if worst is not None:
            _, d, check, rec = worst
            assert rec.value is not None
            headline += (
                f"; closest: {check} {_fmt(rec.value, rec.objective)} on {d}, "
                f"objective {_objective(rec.objective)}"
            )
        return Evaluation(bool(state.days), headline + note, audit, props)
    details = []
    for d, check, rec in misses:
        if rec.value is None or rec.objective is None:
            details.append(f"{d} {check}: could not be evaluated (verdict {rec.verdict})")
        else:
            details.append(
                f"{d} {check}: {_fmt(rec.value, rec.objective)}, {_margin(rec.value, rec.objective)}"
            )
    days = sorted({m[0] for m in misses})
    first = details[0].split(" ", 1)[1]
    headline = (
        f"{_title(state)}: {len(days)} day(s) missed the {window} objective"
        f" ({', '.join(map(str, days[:3]))}{', ...' if len(days) > 3 else ''}); first: {first}"
    )
    return Evaluation(False, headline + note, details + audit, props)


def alerts_verdict(state: BurnInState) -> Evaluation:
    props = [*_base_props(state), ("alerts_fired", str(len(state.fired)))]
    names = ", ".join(state.spec.alerts) or "none listed"
    if not state.fired:
        return Evaluation(
            True, f"{_title(state)}: no alert fired in the burn-in ({names})", [], props
        )
    counts: dict[str, int] = {}
    for name, _, _ in state.fired:
        counts[name] = counts.get(name, 0) + 1
    summary = ", ".join(f"{k} {v}x" for k, v in counts.items())
    first_name, first_at, _ = state.fired[0]
    headline = (
        f"{_title(state)}: {len(state.fired)} alert(s) fired in the burn-in ({summary}); "
        f"first {first_name} at {iso(first_at)}"
    )
    details = [f"{iso(at)} {name} {how}" for name, at, how in state.fired]
    return Evaluation(False, headline, details, props)


def incidents_verdict(state: BurnInState) -> Evaluation:
    open_ = [i for i in state.incidents if i.is_open]
    mttr = mttr_seconds(state.incidents)
    props = [
        *_base_props(state),
        ("open_incidents", str(len(open_))),
        ("incidents", str(len(state.incidents))),
        ("mttr_seconds", "" if mttr is None else f"{mttr:.0f}"),
    ]
    mttr_text = "" if mttr is None else f", MTTR {human_duration(mttr)}"
    if not open_:
        return Evaluation(
            True,
            f"{_title(state)}: no unresolved incident ({len(state.incidents)} in total{mttr_text})",
            [],
            props,
        )
    details = [
        f"{i.label()} open for {human_duration((state.now - i.opened_at).total_seconds())}; "
        f"resolve with 'burnin incident resolve {i.id}'"
        for i in open_
    ]
    headline = f"{_title(state)}: {len(open_)} unresolved incident(s): " + ", ".join(
        i.label() for i in open_
    )
    return Evaluation(False, headline, details, props)


def frozen_verdict(state: BurnInState) -> Evaluation:
    rep = state.frozen
    props = _base_props(state)
    if rep is None:
        return Evaluation(True, f"{_title(state)}: no frozen files listed", [], props)
    props.append(("frozen_unrecorded_changes", str(len(rep.unrecorded) + len(rep.bad_records))))
    if not rep.baseline:
        return Evaluation(
            False,
            f"{_title(state)}: no baseline of the frozen files recorded; run 'burnin record'",
            [f"globs: {', '.join(state.spec.frozen)} under {state.spec.root}"],
            props,
        )
    if rep.passed:
        extra = f", {len(rep.changes)} change(s) under an open incident" if rep.changes else ""
        return Evaluation(
            True, f"{_title(state)}: {rep.files} frozen file(s) unchanged{extra}", [], props
        )
    details = [
        f"{p}: changed with no change record naming an open incident; revert it, or open an "
        "incident and record the change: 'burnin freeze --incident N --note WHY'"
        for p, _, _ in rep.unrecorded
    ]
    details += rep.bad_records
    paths = [p for p, _, _ in rep.unrecorded] + [b.split(":", 1)[0] for b in rep.bad_records]
    headline = (
        f"{_title(state)}: {len(paths)} frozen file(s) changed outside an open incident: "
        + ", ".join(paths)
    )
    return Evaluation(False, headline, details, props)


VERDICTS = {
    "days": days_verdict,
    "objectives": objectives_verdict,
    "alerts": alerts_verdict,
    "incidents": incidents_verdict,
    "frozen": frozen_verdict,
}


def exit_verdict(state: BurnInState, parts: dict[str, Evaluation] | None = None) -> Evaluation:
    """The exit criteria: every verdict passes and the burn-in has run its length."""
    if parts is None:
        parts = {k: f(state) for k, f in VERDICTS.items()}
    missing = [e.headline.split(": ", 1)[1] for e in parts.values() if not e.passed]
    n, length = state.day_number, state.spec.length_days
    if n < length:
        missing.insert(0, f"{length - n} more day(s) to run (day {n} of {length})")
    props = _base_props(state) + [(f"burnin.{k}", str(e.passed).lower()) for k, e in parts.items()]
    if not missing:
        return Evaluation(
            True,
            f"{_title(state)}: exit criteria met after {n} of {length} days: GA-ready",
            [],
            props,
        )
    headline = f"{_title(state)}: exit criteria not met: {missing[0]}"
    if len(missing) > 1:
        headline += f" (+{len(missing) - 1} more)"
    return Evaluation(False, headline, missing, props)


def evaluate_all(state: BurnInState) -> dict[str, Evaluation]:
    out = {k: f(state) for k, f in VERDICTS.items()}
    out["exit"] = exit_verdict(state, dict(out))
    return out


def status(state: BurnInState) -> str:
    """``GA-ready`` or exactly what is missing, one item a line."""
    ex = exit_verdict(state)
    if ex.passed:
        return "GA-ready"
    return "not GA-ready:\n" + "\n".join(f"  - {m}" for m in ex.details)
