#!/usr/bin/env python3
"""Time loading the example data: the shipped 5m file and a 1m-step variant.

Usage: python benchmarks/bench_load_example.py   (prints best-of-5 wall times)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pytest_burnin.openmetrics import load_file
from pytest_burnin.promql.storage import Storage

ROOT = Path(__file__).resolve().parents[1]


def best_of(path: Path, runs: int = 5) -> tuple[float, int]:
    best, samples = float("inf"), 0
    for _ in range(runs):
        t0 = time.perf_counter()
        samples = load_file(path, Storage()).samples
        best = min(best, time.perf_counter() - t0)
    return best, samples


def main() -> int:
    shipped = ROOT / "slo_specs" / "data" / "ingest.om"
    with tempfile.TemporaryDirectory() as tmp:
        minute = Path(tmp) / "ingest-1m.om"
        script = ROOT / "scripts" / "generate_example_data.py"
        subprocess.run([sys.executable, str(script), "--step", "1m", "-o", str(minute)], check=True)
        for path in (shipped, minute):
            seconds, samples = best_of(path)
            size = path.stat().st_size
            print(
                f"{path.name}: {size / 1e6:.1f} MB, {samples} samples, {seconds:.3f} s "
                f"({samples / seconds / 1e6:.2f} M samples/s)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
