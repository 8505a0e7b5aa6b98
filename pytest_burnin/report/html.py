"""The self-contained HTML report: summary, SLO charts, burn-in calendar, timeline.

One file, no network: styles and the one small script are inline, charts are
inline SVG (``svg.py``). The script only measures the charts and records
script errors into the page, so a headless browser's ``--dump-dom`` can check
the page rendered (tests/report/test_chromium.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape

from . import svg
from .history import History
from .series import SloSeries
from .snapshot import ItemResult, RunSnapshot

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#212121;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
.passed,.pass{color:#2e7d32}.failed,.fail{color:#c62828}.error{color:#ef6c00}
.gate{font-size:18px;font-weight:700;padding:6px 12px;border-radius:4px;display:inline-block;margin:4px 0}
.gate.blocked{background:#c62828;color:#fff}.gate.green{background:#2e7d32;color:#fff}
.items .mark{font-weight:700;font-family:monospace;white-space:nowrap}
.row-failed,.row-error{background:#ffebee}.row-failed .mark{color:#c62828}.row-error .mark{color:#ef6c00}
.row-pending{background:#fff8e1}.row-pending .mark{color:#e65100}.row-passed .mark{color:#2e7d32}
.row-skipped .mark{color:#757575}
.badge{font:600 11px system-ui,sans-serif;background:#e65100;color:#fff;border-radius:3px;padding:0 4px}
.chart{display:block;margin:8px 0}.chart .t{font-weight:600;font-size:13px}
.chart .ax{font-size:10px;fill:#616161}.chart .bg{fill:#fafafa;stroke:#e0e0e0}
.chart .ref{stroke:#c62828;stroke-dasharray:4 3}.chart .grid{stroke:#eeeeee}
.chart .dom{font-size:9px;fill:#fff}.chart .month{font-weight:600}.slo{display:flex;flex-wrap:wrap;gap:12px}
"""

# Runs first: records script errors, then the size of every chart, into the DOM.
SCRIPT = """
(function(){
 var errs=[];window.addEventListener('error',function(e){errs.push(String(e.message));});
 window.addEventListener('load',function(){
  var out=[];document.querySelectorAll('svg.chart').forEach(function(c){
   var r=c.getBoundingClientRect();out.push(Math.round(r.width)+'x'+Math.round(r.height));});
  var m=document.getElementById('render-check');
  m.setAttribute('data-chart-sizes',out.join(' '));m.setAttribute('data-errors',errs.join(' | '));
  m.setAttribute('data-done','1');});
})();
"""


@dataclass
class ReportInput:
    title: str
    snapshot: RunSnapshot | None
    history: History
    slos: Sequence[SloSeries] = ()
    checklist: Sequence[tuple[str, str, str]] = field(
        default_factory=list
    )  # (item, status, signer)
    generated_at: datetime | None = None


def _when(t: datetime | float | None) -> str:
    if t is None:
        return "-"
    if isinstance(t, float):
        t = datetime.fromtimestamp(t, tz=timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M UTC")


# The terminal summary's marks (plugin/summary.py), so a reader sees one vocabulary.
MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP"}
# Rows that need a person first: failures, errors, then what is still pending.
_ATTENTION = {"failed": 0, "error": 1, "pending": 2, "skipped": 3, "passed": 4}


def _state(item: ItemResult) -> str:
    """failed / error / pending / skipped / passed: a pending sign-off or release check
    is a skip to pytest, but it is what stands between the team and a release."""
    if item.outcome == "skipped" and item.properties.get("state") == "pending":
        return "pending"
    return item.outcome


def _gate_line(snap: RunSnapshot) -> tuple[bool, str]:
    """(green?, the terminal's closing line without the JUnit hint): a spec file that could
    not be read blocks the gate there too."""
    bad = sum(1 for i in snap.items if i.outcome in ("failed", "error")) + len(snap.spec_errors)
    word = "gate: BLOCKED" if bad else "gate: green"
    return not bad, f"{word} ({len(snap.items)} items, {bad} not passing)"


def _summary(data: ReportInput) -> list[str]:
    snap = data.snapshot
    if snap is None:
        return ["<p>No run recorded yet (run <code>pytest --burnin</code>).</p>"]
    green, line = _gate_line(snap)
    states = [(_state(i), i) for i in snap.items]
    counts: dict[str, int] = {}
    for state, _ in states:
        counts[state] = counts.get(state, 0) + 1
    parts = [f"{len(snap.spec_errors)} spec error(s)"] if snap.spec_errors else []
    # The terminal's counts: a pending item is one of the skipped, and says so.
    skipped = counts.get("skipped", 0) + counts.get("pending", 0)
    for word, n in (("failed", counts.get("failed", 0)), ("error", counts.get("error", 0))):
        if n:
            parts.append(f"{n} {word}")
    if skipped:
        pending = f" ({counts['pending']} of them pending)" if counts.get("pending") else ""
        parts.append(f"{skipped} skipped{pending}")
    if counts.get("passed"):
        parts.append(f"{counts['passed']} passed")
    count_text = ", ".join(parts)
    out = [
        f'<p id="gate" class="gate {"green" if green else "blocked"}">{escape(line)}</p>',
        f"<p>Latest run {_when(snap.finished_at)}: {escape(count_text)}. "
        "Failures first, then pending items, then the rest.</p>",
        '<table class="items"><tr><th>result</th><th>kind</th><th>name</th><th>verdict</th></tr>',
    ]
    first_failure = True
    for err in snap.spec_errors:  # the terminal's words for a spec file that could not be read
        anchor = ' id="first-failure"' if first_failure else ""
        first_failure = False
        out.append(
            f'<tr class="row-error"{anchor}><td class="mark">SPEC ERROR</td><td>spec</td>'
            f'<td colspan="2">{escape(err)}</td></tr>'
        )
    ordered = sorted(states, key=lambda si: (_ATTENTION.get(si[0], 9), si[1].kind, si[1].name))
    for state, i in ordered:
        mark = escape(MARKS.get(i.outcome, i.outcome.upper()))
        if state == "pending":  # the terminal's SKIP, marked as what it is
            mark += ' <span class="badge">pending</span>'
        anchor = ""
        if state in ("failed", "error") and first_failure:
            anchor, first_failure = ' id="first-failure"', False
        out.append(
            f'<tr class="row-{state}"{anchor}><td class="mark">{mark}</td>'
            f"<td>{escape(i.kind)}</td><td>{escape(i.name)}</td><td>{escape(i.headline)}</td></tr>"
        )
    out.append("</table>")
    return out


def _slo_section(slos: Sequence[SloSeries]) -> list[str]:
    out = ["<h2>SLOs</h2>"]
    for s in slos:
        out.append(f'<h3>{escape(s.name)}</h3><div class="slo">')
        if s.error:
            out.append(f'<p class="error">no chart: {escape(s.error)}</p>')
        else:
            out.append(
                svg.line_chart(
                    [(_indicator_name(s), s.indicator)],
                    title=f"{s.name}: indicator vs objective ({_objective_text(s)})",
                    hlines=[("objective", s.objective_value)],
                    percent=s.percent,
                )
            )
            if s.budget_remaining:
                out.append(
                    svg.line_chart(
                        [("error budget remaining", s.budget_remaining)],
                        title=f"{s.name}: error budget remaining",
                        hlines=[("exhausted", 0.0)],
                        percent=True,
                        y_range=(0.0, 1.0),  # a budget reads against all of it
                    )
                )
        out.append("</div>")
    return out


_SYMBOLS = {"below": "<", "above": ">", "at_most": "<=", "at_least": ">="}


def _objective_text(s: SloSeries) -> str:
    """As the terminal writes the objective: ``< 1%``, ``<= 0``."""
    value = f"{s.objective_value * 100:.4g}%" if s.percent else f"{s.objective_value:g}"
    return f"{_SYMBOLS.get(s.objective_op, s.objective_op)} {value}"


def _indicator_name(s: SloSeries) -> str:
    return "measured share" if s.percent else "measured value"


def _timeline(history: History) -> list[str]:
    rows: list[tuple[datetime, str, str]] = []
    for a in history.alerts:
        if a.state != "fired":
            how = "resolved"
        elif a.latency_s is None:
            how = "NOT delivered"
        else:
            how = f"delivered via {a.channel} after {a.latency_s:.0f}s"
        rows.append((a.at, f"alert {a.state}", f"{a.alertname}: {how}"))
    for i in history.incidents:
        rows.append((i.opened_at, "incident opened", i.label()))
        if i.resolved_at is not None:
            rows.append((i.resolved_at, "incident resolved", i.label()))
    out = ["<h2>Alerts and incidents</h2>"]
    if not rows:
        return [*out, "<p>None recorded.</p>"]
    out.append("<table><tr><th>when</th><th>event</th><th>what</th></tr>")
    for when, event, what in sorted(rows, key=lambda r: r[0]):
        out.append(
            f"<tr><td>{_when(when)}</td><td>{escape(event)}</td><td>{escape(what)}</td></tr>"
        )
    out.append("</table>")
    return out


def _status_word(status: str) -> str:
    return "SKIP (pending)" if status == "pending" else MARKS.get(status, status.upper())


def render_html(data: ReportInput) -> str:
    """The whole report as one HTML document."""
    body = [f"<h1>{escape(data.title)}</h1>", f"<p>Generated {_when(data.generated_at)}</p>"]
    body += ["<h2>Summary</h2>", *_summary(data)]
    body += _slo_section(data.slos)
    body.append("<h2>Burn-in calendar</h2>")
    body.append(svg.calendar(data.history.day_verdicts(), title="daily verdict (worst check)"))
    body += _timeline(data.history)
    if data.checklist:
        body.append(
            "<h2>Release checklist</h2><table><tr><th>item</th><th>status</th><th>signer</th></tr>"
        )
        for item, status, signer in data.checklist:
            body.append(
                f'<tr class="row-{escape(status)}"><td>{escape(item)}</td>'
                f'<td class="mark">{escape(_status_word(status))}</td><td>{escape(signer)}</td></tr>'
            )
        body.append("</table>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(data.title)}</title><style>{STYLE}</style>"
        f"<script>{SCRIPT}</script></head><body>"
        + "\n".join(body)
        + '<div id="render-check" hidden></div></body></html>\n'
    )
