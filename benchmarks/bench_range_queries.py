#!/usr/bin/env python3
"""Time five range queries on the embedded engine and on a real Prometheus 2.42 (issue 15).

1,000 series (``x``, 10 jobs x 100 instances) sampled every 15 s for 3 hours;
each query runs over the last 2 hours at a 1-minute step (121 steps), so the
1-hour windows of the first steps are full. The same OpenMetrics file is
backfilled with ``promtool tsdb create-blocks-from openmetrics`` and served by
``prometheus`` on 127.0.0.1 (free port), queried through /api/v1/query_range.

Printed per query: engine time (``Engine.range``), Prometheus time (the HTTP
round trip and JSON decoding included, as a client pays it), their ratio, and whether the results are identical (same
series, same timestamps, same values as Prometheus formats them). The engine
runs in compat=2 mode, Prometheus 2.42's float semantics. Exit status 1 when
any result differs; the 3x target is reported, not enforced (a shared machine).

Usage: python benchmarks/bench_range_queries.py [--repeat N] [--engine-only]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.integration.prom: the same server helpers as the tests

from pytest_burnin.promql.engine import Engine  # noqa: E402
from pytest_burnin.promql.gomath import format_float  # noqa: E402
from pytest_burnin.promql.storage import Storage  # noqa: E402
from pytest_burnin.promql.values import Matrix  # noqa: E402
from tests.integration.prom import PrometheusServer, backfill, missing_tools  # noqa: E402

QUERIES = (
    "predict_linear(x[1h], 600)",
    "stddev_over_time(x[1h])",
    "deriv(x[30m])",
    "topk(5, increase(x[1h]))",
    "sum by (job) (rate(x[5m]))",
)
SERIES = 1000
JOBS = 10
SCRAPE_S = 15
T0_S = 1_790_000_000  # 2026-09-21, on the minute
HOURS = 3
STEP_S = 60
START_S = T0_S + 3600  # the last 2 hours: every 1h window is full
END_S = T0_S + HOURS * 3600

Points = dict[tuple[tuple[str, str], ...], list[tuple[int, str]]]


def generate(seed: int = 15) -> list[tuple[dict[str, str], list[tuple[int, float]]]]:
    """Counters with irregular increments, an occasional reset, and a little jitter."""
    rnd = random.Random(seed)
    out = []
    for i in range(SERIES):
        labels = {"job": f"job{i % JOBS}", "instance": f"host{i // JOBS:03d}"}
        v = rnd.uniform(0, 1000)
        pts = []
        for k in range(HOURS * 3600 // SCRAPE_S):
            t_ms = (T0_S + k * SCRAPE_S) * 1000 + rnd.randint(0, 999)
            if rnd.random() < 0.002:
                v = 0.0  # a counter reset
            v += rnd.uniform(0, 5) * (1 + i % 7)
            pts.append((t_ms, v))
        out.append((labels, pts))
    return out


def write_openmetrics(
    data: list[tuple[dict[str, str], list[tuple[int, float]]]], path: Path
) -> None:
    lines = ["# TYPE x gauge"]
    for labels, pts in data:
        lab = ",".join(f'{k}="{v}"' for k, v in labels.items())
        for t_ms, v in pts:
            lines.append(f"x{{{lab}}} {v!r} {t_ms / 1000:.3f}")
    lines.append("# EOF")
    path.write_text("\n".join(lines) + "\n")


def load_engine(data: list[tuple[dict[str, str], list[tuple[int, float]]]]) -> Engine:
    storage = Storage()
    for labels, pts in data:
        storage.extend(tuple(sorted({"__name__": "x", **labels}.items())), pts)
    return Engine(storage, compat=2)


def engine_query(engine: Engine, query: str) -> Matrix:
    return engine.range(query, START_S * 1000, END_S * 1000, STEP_S * 1000)


def engine_points(result: Matrix) -> Points:
    """The engine's matrix as Prometheus' API would print it (not timed)."""
    return {tuple(sp.labels): [(t // 1000, format_float(v)) for t, v in sp.points] for sp in result}


def prometheus_points(url: str, query: str) -> Points:
    resp = requests.get(
        f"{url}/api/v1/query_range",
        params={"query": query, "start": START_S, "end": END_S, "step": STEP_S},
        timeout=120,
    )
    resp.raise_for_status()
    body: dict[str, Any] = resp.json()
    out: Points = {}
    for series in body["data"]["result"]:
        key = tuple(sorted(series["metric"].items()))
        out[key] = [(int(t), v) for t, v in series["values"]]
    return out


def best_of(repeat: int, fn: Any, *args: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, result


def first_difference(ours: Points, theirs: Points) -> str:
    if ours.keys() != theirs.keys():
        extra, missing = ours.keys() - theirs.keys(), theirs.keys() - ours.keys()
        return (
            f"series differ: only ours {sorted(extra)[:2]}, only Prometheus {sorted(missing)[:2]}"
        )
    for key in sorted(ours):
        if ours[key] != theirs[key]:
            for a, b in zip(ours[key], theirs[key], strict=False):
                if a != b:
                    return f"{dict(key)}: ours {a}, Prometheus {b}"
            return f"{dict(key)}: {len(ours[key])} points vs {len(theirs[key])}"
    return ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs each (default 3)")
    ap.add_argument("--engine-only", action="store_true", help="skip Prometheus")
    args = ap.parse_args()
    data = generate()
    t0 = time.perf_counter()
    engine = load_engine(data)
    print(f"loaded {SERIES} series x {len(data[0][1])} samples in {time.perf_counter() - t0:.2f} s")
    why = None if not args.engine_only else "--engine-only"
    why = why or missing_tools()
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-range-") as tmp:
        server = None
        if why is None:
            om = Path(tmp) / "data.om"
            write_openmetrics(data, om)
            backfill(om, Path(tmp) / "tsdb")
            server = PrometheusServer(Path(tmp) / "tsdb", Path(tmp)).start()
        else:
            print(f"Prometheus skipped: {why}")
        try:
            print(f"{'query':32} {'engine':>9} {'prometheus':>11} {'ratio':>7}  result")
            for q in QUERIES:
                t_eng, matrix = best_of(args.repeat, engine_query, engine, q)
                ours = engine_points(matrix)
                if server is None:
                    print(f"{q:32} {t_eng:8.3f}s")
                    continue
                t_prom, theirs = best_of(args.repeat, prometheus_points, server.url, q)
                diff = first_difference(ours, theirs)
                ok = ok and not diff
                verdict = "identical" if not diff else f"DIFFERENT: {diff}"
                print(f"{q:32} {t_eng:8.3f}s {t_prom:10.3f}s {t_eng / t_prom:6.1f}x  {verdict}")
        finally:
            if server is not None:
                server.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
