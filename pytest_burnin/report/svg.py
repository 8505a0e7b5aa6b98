"""Small inline-SVG chart writers: a line chart with reference lines, a day calendar.

Our own, so the HTML report needs no JavaScript library and no network.
Every text is escaped; numbers are rounded so a chart of 720 points stays small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from html import escape

Point = tuple[float, float]  # (unix seconds, value)

VERDICT_COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "error": "#ef6c00", "none": "#e0e0e0"}
PALETTE = ("#1565c0", "#6a1b9a", "#00838f", "#ad1457")


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _label(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.3g}%"
    return f"{v:.4g}"


def line_chart(
    series: Sequence[tuple[str, Sequence[Point]]],
    *,
    title: str,
    hlines: Sequence[tuple[str, float]] = (),
    percent: bool = False,
    width: int = 520,
    height: int = 220,
) -> str:
    """An SVG line chart; ``hlines`` are dashed reference lines (e.g. the objective)."""
    pad_l, pad_r, pad_t, pad_b = 64, 12, 24, 28
    pts = [p for _, s in series for p in s if math.isfinite(p[1])]
    values = [p[1] for p in pts] + [v for _, v in hlines]
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">',
        f"<title>{escape(title)}</title>",
        f'<text x="{pad_l}" y="15" class="t">{escape(title)}</text>',
    ]
    if not pts:
        out.append(f'<text x="{pad_l}" y="{height // 2}">no data</text></svg>')
        return "".join(out)
    t0, t1 = min(p[0] for p in pts), max(p[0] for p in pts)
    lo, hi = min(values), max(values)
    if hi == lo:  # a flat line: give it a band, keeping non-negative data off negative axes
        lo, hi = (0.0, 1.0) if lo == 0 else (min(lo * 0.9, lo * 1.1), max(lo * 0.9, lo * 1.1))
    span_t = (t1 - t0) or 1.0
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(t: float) -> str:
        return _fmt(pad_l + (t - t0) / span_t * plot_w)

    def y(v: float) -> str:
        return _fmt(pad_t + (hi - v) / (hi - lo) * plot_h)

    out.append(f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" class="bg"/>')
    for v in (lo, (lo + hi) / 2, hi):
        out.append(
            f'<text x="{pad_l - 4}" y="{y(v)}" class="ax" text-anchor="end">{_label(v, percent)}</text>'
        )
    for t, anchor in ((t0, "start"), (t1, "end")):
        when = datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")
        out.append(
            f'<text x="{x(t)}" y="{height - 8}" class="ax" text-anchor="{anchor}">{when}</text>'
        )
    for name, v in hlines:
        out.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v)}" y2="{y(v)}" class="ref">'
            f"<title>{escape(name)}: {_label(v, percent)}</title></line>"
        )
    for i, (name, s) in enumerate(series):
        coords = " ".join(f"{x(t)},{y(v)}" for t, v in s if math.isfinite(v))
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{coords}">'
            f"<title>{escape(name)}</title></polyline>"
        )
    out.append("</svg>")
    return "".join(out)


def calendar(verdicts: dict[date, str], *, title: str, cell: int = 16) -> str:
    """One cell per day from the first to the last day, a column per week (Monday first)."""
    out = ['<svg class="chart calendar" xmlns="http://www.w3.org/2000/svg" role="img"']
    if not verdicts:
        return (
            out[0]
            + f' width="240" height="30"><title>{escape(title)}</title>'
            + ('<text x="4" y="20">no daily records</text></svg>')
        )
    first, last = min(verdicts), max(verdicts)
    start = first - timedelta(days=first.weekday())
    weeks = (last - start).days // 7 + 1
    width, height = 40 + weeks * (cell + 2), 20 + 7 * (cell + 2)
    out[0] += f' width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    out.append(f"<title>{escape(title)}</title>")
    for i, name in enumerate(("Mon", "Wed", "Fri")):
        out.append(f'<text x="0" y="{32 + i * 2 * (cell + 2)}" class="ax">{name}</text>')
    day = first
    while day <= last:
        col, row = (day - start).days // 7, day.weekday()
        verdict = verdicts.get(day, "none")
        colour = VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["error"])
        out.append(
            f'<rect x="{40 + col * (cell + 2)}" y="{20 + row * (cell + 2)}" width="{cell}" '
            f'height="{cell}" rx="2" fill="{colour}" class="day"><title>{day.isoformat()}: '
            f"{escape(verdict)}</title></rect>"
        )
        day += timedelta(days=1)
    out.append("</svg>")
    return "".join(out)


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, width: int = 640) -> str:
    """Horizontal bars (e.g. alerts by name)."""
    row = 20
    height = 24 + row * max(len(bars), 1)
    top = max((v for _, v in bars), default=0.0) or 1.0
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{escape(title)}</title>',
        f'<text x="0" y="14" class="t">{escape(title)}</text>',
    ]
    for i, (name, v) in enumerate(bars):
        y = 22 + i * row
        w = _fmt(v / top * (width - 260))
        out.append(
            f'<text x="0" y="{y + 13}" class="ax">{escape(name)}</text>'
            f'<rect x="200" y="{y}" width="{w}" height="{row - 4}" fill="{PALETTE[0]}"/>'
            f'<text x="{_fmt(204 + v / top * (width - 260))}" y="{y + 13}" class="ax">{_fmt(v)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
