#!/usr/bin/env python3
"""Differential fuzzing of the embedded PromQL engine against a real Prometheus.

    python scripts/fuzz_promql.py --version 3.5 --seed 1 --count 20000 --budget 3600

Random data and expressions go to a real Prometheus on 127.0.0.1 (2.42 from
the system, compared with compat 2; 3.5.3 from BURNIN_PROMETHEUS_35 or the sid
cache of .ci/fetch-sid-binaries, compared with the default mode) and to the
engine. Each distinct mismatch is printed shrunk, as a promql .test case;
the summary counts mismatches per cause. Exit status 1 when any was found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.binaries import BinaryMissing
from tests.fuzz import server
from tests.fuzz.known import explain_name
from tests.fuzz.runner import Fuzzer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", choices=sorted(server.VERSIONS), default="3.5")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=1000, help="expressions to try")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds at most")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="burnin-fuzz-") as tmp:
        try:
            prom, target = server.start(args.version, Path(tmp))
        except BinaryMissing as exc:
            print(f"fuzz_promql: {exc}", file=sys.stderr)
            return 2
        try:
            print(f"# {target.name}, compat {target.compat}, seed {args.seed}", flush=True)
            fuzzer = Fuzzer(
                target, args.seed, log=lambda s: print(s + "\n", flush=True), explain=explain_name
            )
            report = fuzzer.run(args.count, args.budget)
        finally:
            prom.stop()
    agreeing = report.expressions - sum(report.causes.values())
    print(
        f"# {report.expressions} expressions, {report.queries} queries in {report.seconds:.0f}s: "
        f"{agreeing} agree ({100 * agreeing / max(report.expressions, 1):.1f}%)"
    )
    for cause, n in sorted(report.causes.items(), key=lambda kv: -kv[1]):
        print(f"#   {n:5d}  {cause}")
    unexplained = sum(n for c, n in report.causes.items() if c.startswith("UNEXPLAINED"))
    print(f"# unexplained: {unexplained}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
