"""The compact burn-in section at the end of a run, in pytest's reporting conventions.

By default: counts per kind, then every item that is not passing (failed,
error, pending, warning), so a green run of hundreds of items stays a few
lines and a red one shows only what needs a look. Every item with ``-v`` or
``-rA`` (``-rp``/``-rP``). With several services (or owners, from the specs'
metadata) the items are listed under their service.
"""

from __future__ import annotations

from collections import Counter

import pytest

from .state import Result, State

_ORDER = {"failed": 0, "error": 1, "skipped": 2, "passed": 3}
_MARK = {"passed": "PASS ", "failed": "FAIL ", "error": "ERROR", "skipped": "SKIP "}
_OUTCOMES = ("passed", "failed", "error", "skipped")


def write_summary(tr: pytest.TerminalReporter, config: pytest.Config, state: State) -> None:
    if config.getoption("collectonly", False):
        return  # nothing ran: pytest's own "N tests collected" says it all
    results = state.results
    tr.write_sep("=", "burn-in summary")
    if not results and not state.collect_errors:
        tr.write_line("no burn-in items ran (no specs found under the burnin_specs paths?)")
        return
    for line in kind_counts(results):
        tr.write_line(line)
    shown = results if _show_all(config) else [r for r in results if not _green(r)]
    by = _grouping(results)
    if by:
        _write_grouped(tr, results, shown, by)
    else:
        for r in sorted(shown, key=_order):
            _write_result(tr, r, "")
    for err in state.collect_errors:
        tr.write_line(f"SPEC ERROR {err}", red=True)
    bad = sum(1 for r in results if r.outcome in ("failed", "error")) + len(state.collect_errors)
    xml = config.getoption("xmlpath", None)
    where = (
        f"; JUnit report: {xml}" if xml else "; add --junitxml=FILE for the evidence as properties"
    )
    hidden = len(results) - len(shown)
    more = f"; -rA or -v lists the {hidden} passing" if hidden else ""
    verdict = "gate: BLOCKED" if bad else "gate: green"
    tr.write_line(f"{verdict} ({len(results)} items, {bad} not passing){more}{where}", bold=True)


def kind_counts(results: list[Result]) -> list[str]:
    """One line per kind: ``SLO            198 passed, 2 failed``."""
    by_kind: dict[str, Counter[str]] = {}
    warned: Counter[str] = Counter()
    for r in results:
        by_kind.setdefault(r.kind, Counter())[r.outcome] += 1
        if r.warning and r.outcome == "passed":
            warned[r.kind] += 1
    return [f"{kind:<14} {_counts(by_kind[kind], warned[kind])}" for kind in sorted(by_kind)]


def _counts(counts: Counter[str], warned: int = 0) -> str:
    parts = [f"{counts[o]} {o}" for o in _OUTCOMES if counts[o]]
    if warned:
        parts.append(f"{warned} warning")
    return ", ".join(parts)


def _grouping(results: list[Result]) -> str:
    """ "service" when the items name several services, else "owner" when several owners."""
    if len({r.service for r in results if r.service}) > 1:
        return "service"
    if len({r.owner for r in results if r.owner}) > 1:
        return "owner"
    return ""


def _write_grouped(
    tr: pytest.TerminalReporter, results: list[Result], shown: list[Result], by: str
) -> None:
    """Under each service's (or owner's) heading with its counts: the items shown;
    the all-green ones with nothing shown are folded into one line."""
    none = f"(no {by})"
    everything: dict[str, list[Result]] = {}
    listed: dict[str, list[Result]] = {}
    for r in results:
        everything.setdefault(getattr(r, by) or none, []).append(r)
    for r in shown:
        listed.setdefault(getattr(r, by) or none, []).append(r)
    quiet = [g for g in everything if g not in listed]
    for group in sorted(listed, key=lambda g: (g == none, g)):
        counts = Counter(r.outcome for r in everything[group])
        warned = sum(1 for r in everything[group] if r.warning and r.outcome == "passed")
        tr.write_line(f"{group}: {_counts(counts, warned)}", bold=True)
        for r in sorted(listed[group], key=_order):
            _write_result(tr, r, "  ")
    named = sorted(g for g in quiet if g != none)
    if named:
        names = ", ".join(named[:5]) + (", ..." if len(named) > 5 else "")
        items = sum(len(everything[g]) for g in named)
        more = "more " if listed else ""
        kind = f"{by}s" if len(named) > 1 else by
        tr.write_line(f"{len(named)} {more}{kind} all green ({items} items): {names}")
    if none in quiet:
        count = len(everything[none])
        tr.write_line(f"{count} item{'s' if count > 1 else ''} with no {by}: all green")


def _write_result(tr: pytest.TerminalReporter, r: Result, indent: str) -> None:
    mark = _MARK[r.outcome]
    colour = {"passed": {"green": True}, "failed": {"red": True}, "error": {"red": True}}.get(
        r.outcome, {}
    )
    if r.warning and r.outcome == "passed":
        mark, colour = "WARN ", {"yellow": True}
    tr.write_line(f"{indent}{mark} {r.headline or r.nodeid}", **colour)
    if r.outcome in ("failed", "error"):
        tr.write_line(f"{indent}      at {r.location}")


def _green(r: Result) -> bool:
    return r.outcome == "passed" and not r.warning


def _order(r: Result) -> tuple[int, int, str, str]:
    warn_first = 0 if r.warning else 1
    return (_ORDER.get(r.outcome, 9), warn_first, r.kind, r.name)


def _show_all(config: pytest.Config) -> bool:
    """pytest's conventions: -v lists every test, -rA (or -rp/-rP) every outcome."""
    chars = str(config.getoption("reportchars", "") or "")
    return int(config.getoption("verbose", 0) or 0) > 0 or any(c in chars for c in "ApP")
