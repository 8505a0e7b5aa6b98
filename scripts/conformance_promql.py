#!/usr/bin/env python3
"""Print the PromQL engine's conformance against Prometheus' test scripts.

Usage: python scripts/conformance_promql.py [--peer DIR] [--failures]

For each script: eval commands, passed, failed, skipped (native histogram)
and the pass share (passed / (passed + failed)); the v2.42 scripts run in
compat=2, the current ones in the default compat=3. ``--failures`` lists each
failing command with its reason.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The script runner is test tooling (tests/promql/scripttest.py), not part of the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.promql.scripttest import CaseResult, run_file, share

DEFAULT_PEER = Path(__file__).resolve().parents[1].parent / "shared" / "peer-suites"
SUITES = (("promql-testdata-v2.42.0", 2), ("promql-testdata", 3))


def _row(name: str, results: list[CaseResult]) -> str:
    passed = sum(r.status == "passed" for r in results)
    failed = sum(r.status == "failed" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    return (
        f"{name:<34} {len(results):>8} {passed:>7} {failed:>7} {skipped:>8} {share(results):>7.1%}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", type=Path, default=DEFAULT_PEER, help="the peer-suites folder")
    ap.add_argument("--failures", action="store_true", help="list every failing command")
    args = ap.parse_args(argv)
    if not args.peer.is_dir():
        print(f"peer suites not found: {args.peer}", file=sys.stderr)
        return 2
    header = (
        f"{'script':<34} {'commands':>8} {'passed':>7} {'failed':>7} {'skipped':>8} {'share':>7}"
    )
    for folder, compat in SUITES:
        print(f"\n== {folder} (compat={compat})")
        print(header)
        total: list[CaseResult] = []
        failures: list[tuple[str, CaseResult]] = []
        for script in sorted((args.peer / folder).glob("*.test")):
            results = run_file(script, compat=compat)
            total += results
            failures += [(script.name, r) for r in results if r.status == "failed"]
            print(_row(script.name, results))
        print(_row("TOTAL", total))
        if args.failures and failures:
            print("\nfailures:")
            for name, r in failures:
                print(f"  {name}:{r.line}: {r.expr}\n      {r.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
