"""The compact burn-in section at the end of a run."""

from __future__ import annotations

from collections import Counter

import pytest

from .state import State

_ORDER = {"failed": 0, "error": 1, "passed": 2, "skipped": 3}


def write_summary(tr: pytest.TerminalReporter, config: pytest.Config, state: State) -> None:
    results = state.results
    tr.write_sep("=", "burn-in summary")
    if not results and not state.collect_errors:
        tr.write_line("no burn-in items ran (no specs found under the burnin_specs paths?)")
        return
    by_kind: dict[str, Counter[str]] = {}
    for r in results:
        by_kind.setdefault(r.kind, Counter())[r.outcome] += 1
    for kind in sorted(by_kind):
        counts = by_kind[kind]
        parts = [f"{counts[o]} {o}" for o in ("passed", "failed", "error", "skipped") if counts[o]]
        warned = sum(1 for r in results if r.kind == kind and r.warning and r.outcome == "passed")
        if warned:
            parts.append(f"{warned} warning")
        tr.write_line(f"{kind:<14} {', '.join(parts)}")
    for r in sorted(results, key=lambda r: (_ORDER.get(r.outcome, 9), r.kind, r.name)):
        mark = {"passed": "PASS ", "failed": "FAIL ", "error": "ERROR", "skipped": "SKIP "}[
            r.outcome
        ]
        colour = {"passed": {"green": True}, "failed": {"red": True}, "error": {"red": True}}.get(
            r.outcome, {}
        )
        if r.warning and r.outcome == "passed":
            mark, colour = "WARN ", {"yellow": True}
        tr.write_line(f"{mark} {r.headline or r.nodeid}", **colour)
        if r.outcome in ("failed", "error"):
            tr.write_line(f"      at {r.location}")
    for err in state.collect_errors:
        tr.write_line(f"SPEC ERROR {err}", red=True)
    bad = sum(1 for r in results if r.outcome in ("failed", "error")) + len(state.collect_errors)
    xml = config.getoption("xmlpath", None)
    where = (
        f"; JUnit report: {xml}" if xml else "; add --junitxml=FILE for the evidence as properties"
    )
    verdict = "gate: BLOCKED" if bad else "gate: green"
    tr.write_line(f"{verdict} ({len(results)} items, {bad} not passing){where}", bold=True)
