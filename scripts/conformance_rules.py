#!/usr/bin/env python3
"""Run every promtool test file of the peer-suites corpus through pytest-burnin's runner.

Usage: python scripts/conformance_rules.py [PEER_SUITES_DIR] [--folder NAME] [-v]

Prints one row per folder (groups, passed, failed, expected failures that did
fail, skipped, seconds), then every unexpected outcome with its message.
Expectations come from the corpus' MANIFEST.md and BASELINE.md: the folders
written for Prometheus 2.x run in compat 2, the others in compat 3; the files
and groups upstream fails on purpose must fail, naming their cause.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pytest_burnin.rules.promtool import GroupResult, RunOptions, run_group
from pytest_burnin.rules.testfile import TestFileError, find_test_files, load_test_file

COMPAT2 = {
    "prometheus-promtool-testdata-v2.42.0",
    "kubernetes-mixin-v0.13.0",
    "etcd-mixin",
    "thanos-mixin",
    "wikimedia-operations-alerts",
}
FOLDERS = [
    "etcd-mixin",
    "kubernetes-mixin-v0.13.0",
    "kubernetes-mixin",
    "prometheus-promtool-testdata-v2.42.0",
    "prometheus-promtool-testdata",
    "thanos-mixin",
    "wikimedia-operations-alerts",
]
# (file name, group name or "*") -> text the failure must contain (its cause).
EXPECTED_FAIL = {
    ("bad-input-series.yml", "*"): "unexpected character inside braces",
    ("bad-promql.yml", "*"): "found duplicate series for the match group",
    ("bad-rules-error-test.yml", "*"): "found duplicate series for the match group",
    (
        "bad-rules-syntax-test.yml",
        "*",
    ): "could not parse expression: 1:7: parse error: unexpected end of input",
    ("failing.yml", "*"): "exp:",
    ("rules_run.yml", "wrong test"): "exp:",
    ("rules_run_fuzzy.yml", "wrong fuzzy match"): "exp:",
    ("rules_run_no_fuzzy.yml", "*"): "exp:",
}
# Files upstream runs with --ignore-unknown-fields.
IGNORE_UNKNOWN = {"rules_run_extrafields.yml"}


def expectation(path: Path, group: str, folder: str) -> str | None:
    if not folder.startswith("prometheus-promtool-testdata"):
        return None
    return EXPECTED_FAIL.get((path.name, group)) or EXPECTED_FAIL.get((path.name, "*"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1].parent / "shared" / "peer-suites"
    ap.add_argument("root", nargs="?", type=Path, default=default)
    ap.add_argument("--folder", action="append", help="only these folders")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every group")
    ap.add_argument(
        "--all-rules", action="store_true", help="evaluate every rule, as promtool does"
    )
    args = ap.parse_args()
    if not args.root.is_dir():
        print(f"peer suites not found at {args.root}", file=sys.stderr)
        return 2

    problems: list[str] = []
    rows = []
    total_t = time.perf_counter()
    for folder in args.folder or FOLDERS:
        compat = 2 if folder in COMPAT2 else 3
        counts = {"groups": 0, "passed": 0, "failed": 0, "xfailed": 0, "skipped": 0}
        started = time.perf_counter()
        slow: list[tuple[float, str]] = []
        for path in find_test_files(args.root / folder):
            rel = path.relative_to(args.root)
            try:
                tf = load_test_file(path)
            except TestFileError as e:
                counts["groups"] += 1
                counts["failed"] += 1
                problems.append(f"[{folder}] {rel}: cannot load: {e}")
                continue
            opts = RunOptions(
                compat=compat,
                ignore_unknown_fields=path.name in IGNORE_UNKNOWN,
                evaluate_all_rules=args.all_rules,
            )
            file_t = time.perf_counter()
            for g in tf.groups:
                r: GroupResult = run_group(tf, g, opts)
                counts["groups"] += 1
                cause = expectation(path, g.name, folder)
                if args.verbose:
                    print(f"  {rel} {r.summary()} {r.duration_s:.2f}s")
                if r.status == "skipped":
                    counts["skipped"] += 1
                elif cause is not None:
                    if r.passed:
                        counts["passed"] += 1
                        problems.append(
                            f"[{folder}] {rel} :: {r.title}: expected to fail ({cause!r}) but passed"
                        )
                    elif cause in str(r):
                        counts["xfailed"] += 1
                    else:
                        counts["failed"] += 1
                        problems.append(
                            f"[{folder}] {rel} :: {r.title}: failed without naming {cause!r}:\n{r}"
                        )
                elif r.passed:
                    counts["passed"] += 1
                else:
                    counts["failed"] += 1
                    problems.append(f"[{folder}] {rel} :: {r}")
            slow.append((time.perf_counter() - file_t, str(rel)))
        secs = time.perf_counter() - started
        rows.append((folder, compat, counts, secs, sorted(slow, reverse=True)[:3]))

    print(
        f"{'folder':40} {'compat':>6} {'groups':>6} {'passed':>6} {'failed':>6} {'xfail':>6} {'skip':>5} {'seconds':>8}"
    )
    tot = {"groups": 0, "passed": 0, "failed": 0, "xfailed": 0, "skipped": 0}
    for folder, compat, c, secs, _ in rows:
        for k in tot:
            tot[k] += c[k]
        print(f"{folder:40} {compat:>6} {c['groups']:>6} {c['passed']:>6} {c['failed']:>6} "
              f"{c['xfailed']:>6} {c['skipped']:>5} {secs:>8.1f}")  # fmt: skip
    elapsed = time.perf_counter() - total_t
    print(f"{'total':40} {'':>6} {tot['groups']:>6} {tot['passed']:>6} {tot['failed']:>6} "
          f"{tot['xfailed']:>6} {tot['skipped']:>5} {elapsed:>8.1f}")  # fmt: skip
    print("\nslowest files:")
    for _folder, _, _, _, slow in rows:
        for secs, name in slow:
            print(f"  {secs:6.2f}s {name}")
    if problems:
        print(f"\n{len(problems)} unexpected outcome(s):")
        for p in problems:
            print("-" * 70)
            print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
