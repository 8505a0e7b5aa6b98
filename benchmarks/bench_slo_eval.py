#!/usr/bin/env python3
"""Time evaluating 50 SLOs over 30 days of 1-minute data: embedded engine vs a real Prometheus.

The data comes from ``scripts/generate_example_data.py --step 1m`` (7 series,
43,200 samples each). The 50 SLOs are 5 indicators (ratio and threshold) x 10
windows from 1h to 28d; each evaluation is the full verdict (coverage, the
indicator, 4 burn-rate windows for ratio SLOs). Target: under 2 s through the
embedded engine. The same 50 are then evaluated through the ``prometheus``
source against a real Prometheus over the same data, backfilled with promtool
(skipped when it is not installed), and the two are compared.

Both evaluate at 2026-11-24T23:59:00Z, on the minute grid: samples sit 7s past
it, so Prometheus 2's closed windows and our open ones select the same samples.

Usage: python benchmarks/bench_slo_eval.py   (prints best-of-3 wall times)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.integration.prom: the same server helpers as the tests

from pytest_burnin.promql.parser import parse_duration  # noqa: E402
from pytest_burnin.slo.verdict import evaluate_slo  # noqa: E402
from pytest_burnin.sources import MetricSource  # noqa: E402
from pytest_burnin.sources.engine_source import EngineSource  # noqa: E402
from pytest_burnin.sources.file import FileSource  # noqa: E402
from pytest_burnin.sources.prometheus import PrometheusSource  # noqa: E402
from pytest_burnin.spec.model import Entry, load_spec_file  # noqa: E402
from tests.integration.prom import PrometheusServer, backfill, missing_tools  # noqa: E402

WHEN = "2026-11-24T23:59:00Z"
WINDOWS = ("1h", "2h", "6h", "12h", "1d", "3d", "7d", "14d", "21d", "28d")
R = "ingest_runs_total"
A = "ingest_remediation_actions_total"
INDICATORS = {
    "integrity": (
        "ratio: {bad: 'sum(increase(ingest_integrity_failures_total[{{window}}]))', "
        "total: 'sum(increase(ingest_records_checked_total[{{window}}]))'}",
        "{below: 0.01}",
    ),
    "ingestion": (
        f"ratio: {{good: 'sum(increase({R}{{status=\"success\"}}[{{{{window}}}}]))', "
        f"total: 'sum(increase({R}[{{{{window}}}}]))'}}",
        "{above: 0.99}",
    ),
    "privacy": (
        "threshold: {query: 'sum(increase(ingest_privacy_violations_total[{{window}}]))'}",
        "{at_most: 0}",
    ),
    "auto-remediation": (
        f"ratio: {{good: 'sum(increase({A}{{mode=\"auto\"}}[{{{{window}}}}]))', "
        f"total: 'sum(increase({A}[{{{{window}}}}]))'}}",
        "{above: 0.5}",
    ),
    "run-failures": (
        f"threshold: {{query: 'sum(rate({R}{{status=\"failure\"}}[{{{{window}}}}])) * 60'}}",
        "{at_most: 0.05}",
    ),
}


def slo_entries(folder: Path) -> list[Entry]:
    docs = []
    for name, (indicator, objective) in INDICATORS.items():
        for window in WINDOWS:
            docs.append(
                f"apiVersion: burnin/v1\nkind: SLO\nmetadata: {{name: {name}-{window}}}\n"
                f"spec:\n  indicator: {{{indicator}}}\n  objective: {objective}\n"
                f"  window: {window}\n  min_coverage: 0.5\n"
            )
    path = folder / "slos.yaml"
    path.write_text("---\n".join(docs))
    entries = [Entry("SLO", d.data["metadata"]["name"], d) for d in load_spec_file(path)]
    assert len(entries) == 50
    return entries


QUERIES = {"count": 0}


def counted(source: MetricSource) -> MetricSource:
    """Count the instant queries a source answers (coverage, indicator, burn rates)."""
    query = source.query

    def wrapper(expr: str, t_ms: int) -> Any:
        QUERIES["count"] += 1
        return query(expr, t_ms)

    setattr(source, "query", wrapper)  # noqa: B010 (mypy refuses assigning a method)
    return source


def evaluate_all(entries: list[Entry], source: MetricSource) -> dict[str, float]:
    QUERIES["count"] = 0
    out = {}
    for entry in entries:
        evaluation = evaluate_slo(entry, source, parse_duration(entry.spec["window"]))
        out[entry.name] = float(dict(evaluation.properties)["measured"])
    return out


def best_of(run: Callable[[], dict[str, float]], runs: int = 3) -> tuple[float, dict[str, float]]:
    best, values = float("inf"), {}
    for _ in range(runs):
        t0 = time.perf_counter()
        values = run()
        best = min(best, time.perf_counter() - t0)
    return best, values


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "ingest-1m.om"
        script = ROOT / "scripts" / "generate_example_data.py"
        subprocess.run([sys.executable, str(script), "--step", "1m", "-o", str(data)], check=True)
        entries = slo_entries(tmp)
        files = FileSource.from_spec({"type": "file", "path": str(data)}, base_dir=tmp)
        t0 = time.perf_counter()
        storage = files.storage()
        load_s = time.perf_counter() - t0
        samples = sum(len(s.ts) for s in storage)
        print(
            f"data: {len(storage)} series, {samples} samples (1m step, 30 days); "
            f"load {load_s:.2f} s (not counted below)"
        )

        def local() -> dict[str, float]:
            source = EngineSource("local", lambda: storage, "bench", evaluation_time=WHEN)
            return evaluate_all(entries, counted(source))

        local_s, ours = best_of(local)
        verdict = "under" if local_s < 2 else "OVER"
        print(
            f"embedded engine: 50 SLOs ({QUERIES['count']} queries) in {local_s:.3f} s "
            f"({verdict} the 2 s target)"
        )

        reason = missing_tools()
        if reason is not None:
            print(f"real Prometheus: skipped, {reason}")
            return 0
        backfill(data, tmp / "tsdb")
        with PrometheusServer(tmp / "tsdb", tmp) as server:
            remote = counted(PrometheusSource("prom", server.url, evaluation_time=WHEN))
            prom_s, theirs = best_of(lambda: evaluate_all(entries, remote))
        agree = sum(
            1
            for k in ours
            if ours[k] == theirs[k] or abs(ours[k] - theirs[k]) <= 1e-9 * abs(theirs[k])
        )
        print(
            f"real Prometheus (HTTP API, 127.0.0.1): 50 SLOs ({QUERIES['count']} queries) "
            f"in {prom_s:.3f} s; "
            f"Prometheus/embedded time ratio {prom_s / local_s:.1f}"
        )
        print(f"agreement: {agree}/50 measured values within 1e-9 relative")
        for k in sorted(ours):
            if k not in theirs or not (
                ours[k] == theirs[k] or abs(ours[k] - theirs[k]) <= 1e-9 * abs(theirs[k])
            ):
                print(f"  differs: {k}: ours {ours[k]!r} prometheus {theirs.get(k)!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
