"""The weekly ops report: integrity trend, SLO status, incidents and MTTR, alerts, remediation.

Markdown for chat and the repository, HTML (with the trend as an inline SVG
chart) for people. Both are written from one ``Weekly`` summary.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from html import escape

from ..burnin.incidents import Incident, human_duration, mttr_seconds
from . import svg
from .history import AlertEvent, History
from .html import MARKS, STYLE
from .snapshot import RunSnapshot

TREND_WEEKS = 4
SPARK = "▁▂▃▄▅▆▇█"


def parse_week(text: str) -> date:
    """The Monday of an ISO week ``2026-W48``."""
    try:
        year, week = text.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"not an ISO week: {text!r} (use e.g. 2026-W48)") from None


def week_of(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


@dataclass
class Weekly:
    week: str
    monday: date
    trend: dict[str, list[tuple[date, float]]]  # check -> daily values over TREND_WEEKS
    slos: list[tuple[str, str, str]]  # (name, outcome, headline)
    opened: list[Incident]
    resolved: list[Incident]
    alerts: list[
        tuple[str, int, int, float | None, float | None]
    ]  # name, fired, delivered, p50, max
    remediation: Counter[str]
    objectives: dict[str, float] = field(default_factory=dict)  # check -> its bound

    @property
    def mttr_s(self) -> float | None:
        return mttr_seconds(self.resolved)

    def is_ratio(self, check: str) -> bool:
        """A share (shown in %) rather than a count: values and bound within 0..1, and not
        all whole numbers (a count of violations with objective ``<= 0`` stays a count)."""
        values = [v for _, v in self.trend.get(check, [])]
        bound = self.objectives.get(check)
        every = values + ([bound] if bound is not None else [])
        if not every or not all(0.0 <= v <= 1.0 for v in every):
            return False
        return not all(float(v).is_integer() for v in every)

    def value_text(self, check: str, v: float) -> str:
        return f"{v * 100:.3g}%" if self.is_ratio(check) else f"{v:.4g}"


def _in(t: datetime, start: datetime, end: datetime) -> bool:
    return start <= t < end


def summarise(history: History, snapshot: RunSnapshot | None, monday: date) -> Weekly:
    start = datetime.combine(monday, time.min, timezone.utc)
    end = start + timedelta(days=7)
    first_trend_day = monday - timedelta(weeks=TREND_WEEKS - 1)
    trend: dict[str, list[tuple[date, float]]] = {}
    objectives: dict[str, float] = {}
    for r in history.records:
        if first_trend_day <= r.day < monday + timedelta(days=7) and r.value is not None:
            trend.setdefault(r.check, []).append((r.day, r.value))
            bound = _bound(r.objective)
            if bound is not None:
                objectives[r.check] = bound
    by_name: dict[str, list[AlertEvent]] = {}
    for a in history.alerts:
        if a.state == "fired" and _in(a.at, start, end):
            by_name.setdefault(a.alertname, []).append(a)
    alerts = []
    for name, events in sorted(by_name.items()):
        lat = [x for x in (e.latency_s for e in events) if x is not None]
        p50 = statistics.median(lat) if lat else None
        alerts.append((name, len(events), len(lat), p50, max(lat) if lat else None))
    return Weekly(
        week=week_of(monday),
        monday=monday,
        trend=trend,
        slos=[(i.name, i.outcome, i.headline) for i in snapshot.of_kind("SLO")] if snapshot else [],
        opened=[i for i in history.incidents if _in(i.opened_at, start, end)],
        resolved=[i for i in history.incidents if i.resolved_at and _in(i.resolved_at, start, end)],
        alerts=alerts,
        remediation=Counter(
            r.mode for r in history.remediations if monday <= r.day < monday + timedelta(days=7)
        ),
        objectives=objectives,
    )


def _bound(text: str | None) -> float | None:
    from ..slo.evaluate import parse_objective

    try:
        objective = parse_objective(text)
    except ValueError:  # a record written by hand with another notation: no line, not an error
        return None
    return None if objective is None else objective.value


def _spark(values: list[float]) -> str:
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    return "".join(SPARK[min(int((v - lo) / span * len(SPARK)), len(SPARK) - 1)] for v in values)


def _secs(s: float | None) -> str:
    return "-" if s is None else f"{s:.0f}s"


def _sections(w: Weekly) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for every table: both formats render these."""
    mttr = "-" if w.mttr_s is None else human_duration(w.mttr_s)
    auto, manual = w.remediation["auto"], w.remediation["manual"]
    share = f"{auto / (auto + manual):.0%}" if auto + manual else "-"
    return [
        (
            "Integrity trend (daily records)",
            ["check", "days", "latest", f"last {TREND_WEEKS} weeks"],
            [
                [c, str(len(v)), w.value_text(c, v[-1][1]), _spark([x for _, x in v])]
                for c, v in sorted(w.trend.items())
            ],
        ),
        (
            "SLO status (latest run)",
            ["SLO", "result", "verdict"],
            [[n, MARKS.get(o, o.upper()), h] for n, o, h in w.slos],
        ),
        (
            "Incidents",
            ["", "count", "which"],
            [
                ["opened", str(len(w.opened)), ", ".join(i.label() for i in w.opened)],
                ["resolved", str(len(w.resolved)), ", ".join(i.label() for i in w.resolved)],
                ["MTTR (resolved this week)", mttr, ""],
            ],
        ),
        (
            "Alerts",
            ["alert", "fired", "delivered", "latency p50", "latency max"],
            [[n, str(f), str(d), _secs(p), _secs(m)] for n, f, d, p, m in w.alerts],
        ),
        (
            "Remediation actions",
            ["auto", "manual", "auto-run share"],
            [[str(auto), str(manual), share]],
        ),
    ]


# Markdown that would turn text into markup: emphasis, code, links and images, tables,
# strike-through, and the backslash itself. Raw HTML is neutralised as entities.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md_cell(text: str) -> str:
    """Text from the store (an incident title, an SLO headline) as literal Markdown:
    no raw HTML reaches the reader's renderer and no markup is interpreted."""
    text = " ".join(text.split())  # a newline would end the table row
    text = "".join(_HTML.get(ch, ch) for ch in text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown(w: Weekly) -> str:
    end = w.monday + timedelta(days=6)
    out = [f"# Weekly ops report {w.week} ({w.monday} .. {end})", ""]
    for title, header, rows in _sections(w):
        out += [f"## {title}", ""]
        if not rows:
            out += ["None.", ""]
            continue
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "---|" * len(header))
        out += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
        out.append("")
    return "\n".join(out)


def trend_charts(w: Weekly) -> list[str]:
    """One chart per check: each has its own axis and unit (a failure share near 0.5%,
    a success share near 99.5% and a count of 0 never share one), and a legend."""
    charts = []
    for check, vals in sorted(w.trend.items()):
        points = [(datetime.combine(d, time(12), timezone.utc).timestamp(), v) for d, v in vals]
        bound = w.objectives.get(check)
        charts.append(
            svg.line_chart(
                [(f"{check} (daily value)", points)],
                title=f"{check}: daily value, last {TREND_WEEKS} weeks",
                hlines=[("objective", bound)] if bound is not None else [],
                percent=w.is_ratio(check),
                whole=all(float(v).is_integer() for _, v in points),
                width=440,
            )
        )
    return charts


def html(w: Weekly) -> str:
    end = w.monday + timedelta(days=6)
    title = f"Weekly ops report {w.week} ({w.monday} .. {end})"
    body = [f"<h1>{escape(title)}</h1>", '<div class="slo">', *trend_charts(w), "</div>"]
    for name, header, rows in _sections(w):
        body.append(f"<h2>{escape(name)}</h2>")
        if not rows:
            body.append("<p>None.</p>")
            continue
        body.append("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>")
        body += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows]
        body.append("</table>")
    if w.alerts:
        body.append(svg.bar_chart([(n, float(f)) for n, f, *_ in w.alerts], title="Alerts fired"))

    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>" + "\n".join(body) + "</body></html>\n"
    )


def post(w: Weekly, channel: object) -> object:
    """Send the Markdown through a configured Channel (a DeliveryResult comes back)."""
    from ..alerting.delivery import deliver
    from ..alerting.model import Alert, Notification

    text = markdown(w)
    alert = Alert(
        labels={"alertname": "BurninWeeklyReport", "severity": "info", "week": w.week},
        annotations={"summary": text.splitlines()[0].lstrip("# "), "description": text},
    )
    return deliver(Notification.of(alert), channel)  # type: ignore[arg-type]
