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
REF_COLOUR = "#c62828"  # reference lines (objectives, budget exhausted)
# The words the terminal summary prints for each daily verdict.
VERDICT_WORDS = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "none": "no record"}


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def nice_ticks(lo: float, hi: float, count: int = 6, *, whole: bool = False) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten) covering lo..hi.

    The axis then runs from the first tick to the last, so every gridline has a
    label a reader can say aloud (0.4%, 60%), never 0.401% or 59.9%.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"cannot place ticks on {lo}..{hi}")
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:  # a flat line: a band around it, never below zero for a zero line
        pad = abs(lo) * 0.1
        lo, hi = (0.0, 1.0) if lo == 0 else (lo - pad, hi + pad)
    raw = (hi - lo) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    if whole:  # counts: no tick between 0 and 1 violations
        step = max(step, 1.0)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    # Rounding to the step's own decimals removes float noise (0.30000000000000004).
    digits = max(0, 3 - math.floor(math.log10(step)))
    return [round(i * step, digits) for i in range(first, last + 1)]


def tick_label(v: float, step: float, percent: bool) -> str:
    """``v`` rounded to the tick step, without trailing zeros: 0%, 0.4%, 60%, 99.5%, 0.05."""
    scale = 100.0 if percent else 1.0
    scaled_step = abs(step) * scale or 1.0
    decimals = max(0, -math.floor(math.log10(scaled_step) + 1e-9))
    text = f"{v * scale:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text + ("%" if percent else "")


TIME_STEPS_S = (3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400)


def time_ticks(t0: float, t1: float, most: int = 7) -> list[tuple[float, str]]:
    """Round instants (UTC hours or midnights) between t0 and t1, at most ``most``:
    dates as ``11-16`` (with the hour when the step is under a day), the year on the first."""
    span = t1 - t0
    step = next((s for s in TIME_STEPS_S if span / s <= most), 30 * 86_400)
    first = math.ceil(t0 / step) * step
    if step >= 7 * 86_400:  # weeks start on a Monday (1970-01-05 was one)
        monday = 4 * 86_400
        first = math.ceil((t0 - monday) / step) * step + monday
    ticks: list[tuple[float, str]] = []
    t = float(first)
    while t <= t1 and len(ticks) <= most:
        when = datetime.fromtimestamp(t, tz=timezone.utc)
        text = when.strftime("%m-%d" if step >= 86_400 else "%m-%d %H:%M")
        ticks.append((t, when.strftime("%Y-") + text if not ticks else text))
        t += step
    return ticks


def _label(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.3g}%"
    return f"{v:.4g}"


def _legend(entries: Sequence[tuple[str, str, bool]], x0: int, y: int) -> list[str]:
    """A legend row: (name, colour, dashed) each as a short line sample and its name."""
    out, x = [], x0
    for name, colour, dashed in entries:
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        out.append(
            f'<g class="legend"><line x1="{x}" x2="{x + 18}" y1="{y - 4}" y2="{y - 4}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{x + 22}" y="{y}" class="ax">{escape(name)}</text></g>'
        )
        x += 30 + 6 * len(name)
    return out


def line_chart(
    series: Sequence[tuple[str, Sequence[Point]]],
    *,
    title: str,
    hlines: Sequence[tuple[str, float]] = (),
    percent: bool = False,
    width: int = 520,
    height: int = 240,
    y_range: tuple[float, float] | None = None,
    whole: bool = False,
) -> str:
    """An SVG line chart with round ticks and a legend naming every line.

    ``hlines`` are dashed reference lines (e.g. the objective). ``y_range``
    fixes the axis (a budget: 0..100%); data outside it widens it rather than
    being cut off; ``whole`` keeps ticks on whole numbers (counts). Every line
    on one chart shares one unit.
    """
    pad_l, pad_r, pad_t, pad_b = 64, 12, 40, 28
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
    if y_range is not None:
        lo, hi = min(lo, y_range[0]), max(hi, y_range[1])
    elif lo >= 0 and hi > 0 and lo < hi / 2:
        lo = 0.0  # non-negative data close to zero: start the axis at zero
    ticks = nice_ticks(lo, hi, whole=whole)
    lo, hi = ticks[0], ticks[-1]
    step = ticks[1] - ticks[0]
    span_t = (t1 - t0) or 1.0
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(t: float) -> str:
        return _fmt(pad_l + (t - t0) / span_t * plot_w)

    def y(v: float) -> str:
        return _fmt(pad_t + (hi - v) / (hi - lo) * plot_h)

    colours = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    legend = [(name, c, False) for (name, _), c in zip(series, colours, strict=True)]
    legend += [(f"{name} ({_label(v, percent)})", REF_COLOUR, True) for name, v in hlines]
    out += _legend(legend, pad_l, 32)
    out.append(f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" class="bg"/>')
    for v in ticks:
        out.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v)}" y2="{y(v)}" class="grid"/>'
            f'<text x="{pad_l - 4}" y="{y(v)}" class="ax tick" text-anchor="end" '
            f'dominant-baseline="middle">{tick_label(v, step, percent)}</text>'
        )
    for t, label in time_ticks(t0, t1):
        out.append(
            f'<line x1="{x(t)}" x2="{x(t)}" y1="{pad_t + plot_h}" y2="{pad_t + plot_h + 4}" '
            f'class="grid"/><text x="{x(t)}" y="{height - 8}" class="ax time" '
            f'text-anchor="middle">{label}</text>'
        )
    for name, v in hlines:
        out.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v)}" y2="{y(v)}" class="ref">'
            f"<title>{escape(name)}: {_label(v, percent)}</title></line>"
        )
    for (name, s), colour in zip(series, colours, strict=True):
        coords = " ".join(f"{x(t)},{y(v)}" for t, v in s if math.isfinite(v))
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{coords}">'
            f"<title>{escape(name)}</title></polyline>"
        )
    out.append("</svg>")
    return "".join(out)


def calendar(verdicts: dict[date, str], *, title: str, cell: int = 20) -> str:
    """One cell per day from the first to the last day, a column per week (Monday first).

    Each cell shows its day of the month, each month is named above the week
    it starts in, and a legend names the colours in the terminal's words.
    """
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
    top, left, gap = 34, 40, 2
    legend_y = top + 7 * (cell + gap) + 14
    heading = f"{title}, {first.isoformat()} .. {last.isoformat()}"
    width = max(left + weeks * (cell + gap), 8 * len(heading))
    height = legend_y + 6
    out[0] += f' width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    out.append(f"<title>{escape(title)}: {first.isoformat()} .. {last.isoformat()}</title>")
    out.append(f'<text x="0" y="12" class="t">{escape(heading)}</text>')
    for i, name in enumerate(("Mon", "Wed", "Fri")):
        y = top + i * 2 * (cell + gap) + cell * 0.7
        out.append(f'<text x="0" y="{_fmt(y)}" class="ax">{name}</text>')
    day, named_month = first, None
    while day <= last:
        col, row = (day - start).days // 7, day.weekday()
        x, y = left + col * (cell + gap), top + row * (cell + gap)
        if (day.year, day.month) != named_month:
            named_month = (day.year, day.month)
            out.append(f'<text x="{x}" y="{top - 5}" class="ax month">{day:%b %Y}</text>')
        verdict = verdicts.get(day, "none")
        colour = VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["error"])
        word = VERDICT_WORDS.get(verdict, verdict)
        out.append(
            f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2" fill="{colour}" '
            f'class="day"><title>{day.isoformat()}: {escape(word)}</title></rect>'
            f'<text x="{_fmt(x + cell / 2)}" y="{_fmt(y + cell * 0.7)}" class="dom" '
            f'text-anchor="middle">{day.day}</text>'
        )
        day += timedelta(days=1)
    x = 0
    for verdict in ("pass", "fail", "error", "none"):
        word = VERDICT_WORDS[verdict]
        out.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{VERDICT_COLOURS[verdict]}"/>'
            f'<text x="{x + 14}" y="{legend_y}" class="ax">{word}</text>'
        )
        x += 24 + 7 * len(word)
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
