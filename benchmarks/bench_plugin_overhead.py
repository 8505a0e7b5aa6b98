"""What a plain ``pytest`` run pays for having pytest-burnin installed.

Generates a 500-test suite in a temporary folder and times ``pytest -q`` with
the plugin loaded and with ``-p no:burnin``, interleaved, several rounds each;
prints the medians and their ratio (target <= 1.03). Run:
``python benchmarks/bench_plugin_overhead.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_suite(root: Path, tests: int = 500, per_file: int = 25) -> None:
    for f in range(tests // per_file):
        body = "\n".join(
            f"def test_{f}_{i}():\n    assert {i} + 1 == {i + 1}\n" for i in range(per_file)
        )
        (root / f"test_gen_{f:03d}.py").write_text(body)
    (root / "pytest.ini").write_text("[pytest]\n")


def run_once(root: Path, extra: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one pytest process.

    CPU time is the figure to compare on a shared machine: other processes
    stretch wall time but not the CPU seconds pytest itself burns.
    """
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0 or "500 passed" not in proc.stdout:
        raise SystemExit(f"suite did not pass:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_suite(root)
        run_once(root, [])  # warm the file cache and bytecode
        with_plugin: list[tuple[float, float]] = []
        without: list[tuple[float, float]] = []
        for _ in range(args.rounds):
            with_plugin.append(run_once(root, []))
            without.append(run_once(root, ["-p", "no:burnin"]))
    print("plain pytest, 500 generated tests, median of", args.rounds, "interleaved rounds")
    for i, what in ((1, "CPU"), (0, "wall")):
        a = statistics.median(r[i] for r in with_plugin)
        b = statistics.median(r[i] for r in without)
        print(
            f"  {what:>4}: with pytest-burnin {a:.3f} s, with -p no:burnin {b:.3f} s, ratio {a / b:.3f}"
        )
    print("  target: CPU ratio <= 1.03")


if __name__ == "__main__":
    main()
