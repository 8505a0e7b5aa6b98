#!/usr/bin/env python3
"""Alert proofs of SLIs with a subquery per window: Sloth's Wi-Fi examples (issue 14).

``home-wifi.yml`` measures ``sum_over_time((count(g < 0.75))[{{.window}}:])`` over
every window of its tiers (5m to 3d); a proof simulates up to six days at
one-minute steps. Prints the CPU time and headline of each proof with the
engine's subquery memo (``promql/subquery_memo.py``, as the plugin runs them),
and with ``--compare TIER`` the same proof evaluating every window afresh.

Reads ../shared/slo-formats (skips with a message where it is absent).
Usage: python benchmarks/bench_subquery_proofs.py [--compare ticket-1d]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_burnin.promql import subquery_memo  # noqa: E402
from pytest_burnin.slo.behaviour import check_names, run_check  # noqa: E402
from pytest_burnin.slo.proof_cache import ProofCache  # noqa: E402
from pytest_burnin.slo.rules_gen import SLORules, slo_rules  # noqa: E402
from pytest_burnin.slo.sloth import SlothKind  # noqa: E402
from pytest_burnin.spec.model import load_spec_file  # noqa: E402

EXAMPLE = ROOT.parent / "shared" / "slo-formats" / "sloth" / "examples" / "home-wifi.yml"


def slos() -> list[SLORules]:
    kind = SlothKind()
    out = []
    for doc in load_spec_file(EXAMPLE):
        for entry in kind.expand(doc):
            kind.check(entry)
            out.append(slo_rules(entry))
    return out


def timed(rules: SLORules, check: str) -> tuple[float, str]:
    t0 = time.process_time()
    result = run_check(rules, check, ProofCache())  # a cache of its own: nothing shared
    verdict = "SKIP" if result.skipped else "PASS" if result.passed else "FAIL"
    return time.process_time() - t0, f"{verdict} {result.headline}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", metavar="TIER", help="also run TIER without the memo (minutes)")
    args = ap.parse_args()
    if not EXAMPLE.is_file():
        print(f"skipped: {EXAMPLE} is absent")
        return 0
    total = 0.0
    for rules in slos():
        for check in check_names(rules):
            took, line = timed(rules, check)
            total += took
            print(f"{took:6.2f} s  {line}")
    print(f"{total:6.2f} s CPU for every proof of {EXAMPLE.name}")
    if args.compare:
        rules = slos()[0]
        with_memo, line = timed(rules, args.compare)
        window = subquery_memo.SubqueryMemo.window
        subquery_memo.SubqueryMemo.window = lambda self, *a, **k: None  # type: ignore[method-assign]
        try:
            without, line_without = timed(rules, args.compare)
        finally:
            subquery_memo.SubqueryMemo.window = window  # type: ignore[method-assign]
        same = "same headline" if line == line_without else f"DIFFERENT: {line_without}"
        print(f"{args.compare}: {with_memo:.2f} s with the memo, {without:.2f} s without; {same}")
        if line != line_without:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
