"""Which label or annotation made an alert assertion fail, field by field.

promtool prints the expected and the actual alerts as two blocks of whole
label sets; with a dozen labels and a long summary the one differing value is
hard to spot. Here each expected alert is paired with the firing alert it is
closest to, and every field that differs is named:

    annotations.summary: expected "errors at 11", got "errors at 10"

promtool's block is still shown after these lines (``promtool.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from ..promql.goregex import full_match
from .gofmt import go_quote

Fields = dict[str, str]
Alert = tuple[Fields, Fields]  # labels, annotations


def field_differences(
    expected: list[Alert], got: list[Alert], *, subset: bool = False, regex: bool = False
) -> list[str]:
    """One line per differing field, unmatched expected alert or unexpected alert.

    ``expected`` is in the order of the test file's ``exp_alerts`` (so
    ``exp_alerts[i]`` names the entry a user wrote); ``subset`` ignores fields
    the expectation leaves out, ``regex`` matches expected values as anchored
    regexes, as the ``burnin:`` extensions of an alert test do.
    """

    def same(want: str, have: str) -> bool:
        return full_match(want, have) if regex else want == have

    def diff(e: Alert, g: Alert) -> list[str]:
        lines: list[str] = []
        for part, want, have in (("labels", e[0], g[0]), ("annotations", e[1], g[1])):
            for key in sorted(set(want) | (set() if subset else set(have))):
                if key not in have:
                    lines.append(f"{part}.{key}: expected {go_quote(want[key])}, got none")
                elif key not in want:
                    lines.append(f"{part}.{key}: not expected, got {go_quote(have[key])}")
                elif not same(want[key], have[key]):
                    lines.append(
                        f"{part}.{key}: expected {go_quote(want[key])}, got {go_quote(have[key])}"
                    )
        return lines

    pairs = _closest_pairs(expected, got, lambda e, g: len(diff(e, g)))
    many = len(expected) > 1
    out: list[str] = []
    paired_got = set()
    for i, e in enumerate(expected):
        j = pairs.get(i)
        prefix = f"exp_alerts[{i}]: " if many else ""
        if j is None:
            out.append(f"{prefix}no such alert fired (expected labels {_labels(e[0])})")
            continue
        paired_got.add(j)
        out += [prefix + line for line in diff(e, got[j])]
    for j, g in enumerate(got):
        if j not in paired_got:
            out.append(f"unexpected alert: labels {_labels(g[0])}")
    return out


def _closest_pairs(
    expected: list[Alert], got: list[Alert], cost: Callable[[Alert, Alert], int]
) -> dict[int, int]:
    """expected index -> got index, cheapest pairs first (ties in file order)."""
    ranked = sorted((cost(e, g), i, j) for i, e in enumerate(expected) for j, g in enumerate(got))
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in ranked:
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    return pairs


def _labels(labels: Fields) -> str:
    return "{" + ", ".join(f"{k}={go_quote(v)}" for k, v in sorted(labels.items())) + "}"
