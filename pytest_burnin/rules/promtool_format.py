"""How the promtool runner prints what it compares, as promtool (Go) prints it."""

from __future__ import annotations

import difflib
import math

from ..promql.labels import Labels
from .gofmt import go_quote, shortest_digits


def labels_string(labels: Labels) -> str:
    """Prometheus' labels.Labels.String(): ``{__name__="x", a="b"}``."""
    return "{" + ", ".join(f"{k}={go_quote(v)}" for k, v in labels) + "}"


def format_float_e(v: float) -> str:
    """strconv.FormatFloat(v, 'E', -1, 64): shortest digits, exponent of two or more digits."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, v) < 0 else ""
    if v == 0:
        return sign + "0E+00"
    ds, exp = shortest_digits(v)
    body = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    return f"{sign}{body}E{'-' if exp < 0 else '+'}{abs(exp):02d}"


def indent(text: str, prefix: str) -> str:
    lines = text.split("\n")
    return "\n".join([lines[0], *(prefix + ln for ln in lines[1:])])


def alerts_string(alerts: list[tuple[Labels, Labels]]) -> str:
    if not alerts:
        return "[]"
    items = [
        f"{i}:" + indent(f"\nLabels:{labels_string(lab)}\nAnnotations:{labels_string(ann)}", "  ")
        for i, (lab, ann) in enumerate(alerts)
    ]
    return "[\n" + ",\n".join(items) + "\n]"


def samples_string(samples: list[tuple[Labels, float]]) -> str:
    if not samples:
        return "nil"
    return ", ".join(f"{labels_string(lab)} {format_float_e(v)}" for lab, v in samples)


def unified_diff(exp: list[str], got: list[str]) -> str:
    return "\n".join(difflib.unified_diff(exp, got, "expected", "got", lineterm="", n=2))
