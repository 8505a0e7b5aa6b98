"""How the run names its PromQL mode: in pytest's header and in every engine failure.

A file written for promtool 2.x can fail under the default Prometheus 3
semantics (left-open range windows, ``.`` matching newlines, no ``holt_winters``)
and the other way round; a user reading a failure must see which mode ran and
the one setting that switches it.
"""

from __future__ import annotations

INI_NAME = "burnin_promql_compat"

_SEMANTICS = {
    3: "Prometheus 3 semantics, promtool 3",
    2: "Prometheus 2.x semantics, promtool 2.42",
}


def describe(compat: int) -> str:
    """``PromQL compat 3 (Prometheus 3 semantics, promtool 3)``: the header's words."""
    return f"PromQL compat {compat} ({_SEMANTICS.get(compat, 'unknown')})"


def other(compat: int) -> int:
    return 2 if compat >= 3 else 3


def mode_line(compat: int) -> str:
    """Appended to an engine failure: the mode that ran and how to switch it."""
    return (
        f"ran under {describe(compat)}; the other mode is "
        f"{INI_NAME} = {other(compat)} in the ini file"
    )


def passes_suffix(compat: int) -> str:
    """`` (passes under compat 2)``: what a failure's headline ends with when the failing
    item passes in the other mode (``passes_in_other_mode`` is the detail line)."""
    return f" (passes under compat {other(compat)})"


def passes_in_other_mode(compat: int) -> str:
    """Appended when the failing group passes once re-run in the other mode."""
    alt = other(compat)
    return (
        f"passes under compat {alt}: set {INI_NAME} = {alt} in the ini file "
        f"if this file was written for {_SEMANTICS[alt].split(', ')[1]}"
    )
