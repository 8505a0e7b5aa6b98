"""A finding printed as a promql ``.test`` case: the ``load`` block, one ``eval``
command, Prometheus' answer as the expectation, both answers as comments."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pytest_burnin.promql.labels import format_labels

from .compare import Outcome, Query
from .data import format_value
from .gen import NAME_MARK, quote

if TYPE_CHECKING:
    from .runner import Finding, Target


def duration(ms: int) -> str:
    if ms == 0:
        return "0"
    out, rest = "", ms
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        if rest >= size:
            out += f"{rest // size}{unit}"
            rest %= size
    return out


def render_case(f: Finding, target: Target) -> str:
    expr = f.expr.text("").replace(NAME_MARK, "")
    q = f.query
    lines = [
        f"# {target.name} vs the engine (compat {target.compat}): {f.cause()}",
        f.data.load_block(),
        "",
    ]
    fail = f.theirs.kind == "error"
    if q.is_range:
        cmd = f"eval{'_fail' if fail else ''} range from {duration(q.start_ms)} to {duration(q.end_ms)} step {duration(q.step_ms)} {expr}"
    else:
        cmd = f"eval{'_fail' if fail else ''} instant at {duration(q.start_ms)} {expr}"
    lines.append(cmd)
    lines += expectation_lines(f.theirs, q)
    lines.append(f"# Prometheus: {f.theirs.describe()}")
    lines.append(f"# engine:     {f.ours.describe()}")
    return _PREFIX.sub("", "\n".join(lines))


# The case prefix of metric names (c123_m0) in answers: the printed case has none.
_PREFIX = re.compile(r"\bc\d+_(?=[a-z])")


_METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def case_labels(labels: tuple[tuple[str, str], ...]) -> str:
    """``name{a="1"}``; a name that is no identifier (label_replace can make one)
    goes inside the braces, the only form the series notation reads back."""
    name = dict(labels).get("__name__", "")
    if not name or _METRIC_NAME.match(name):
        return format_labels(labels) or "{}"
    inner = ", ".join(f"{k}={quote(v)}" for k, v in labels)
    return "{" + inner + "}"


def expectation_lines(o: Outcome, q: Query) -> list[str]:
    if o.kind == "scalar":
        return [f"  {format_value(o.series[0][1][0][1])}"]
    if o.kind == "vector":
        return [f"  {case_labels(lab)} {format_value(pts[0][1])}" for lab, pts in o.series]
    if o.kind == "matrix" and q.is_range:
        out = []
        steps = range(q.start_ms, q.end_ms + 1, q.step_ms)
        for lab, pts in o.series:
            by_t = dict(pts)
            vals = " ".join(format_value(by_t[t]) if t in by_t else "_" for t in steps)
            out.append(f"  {case_labels(lab)} {vals}")
        return out
    return []
