#!/usr/bin/env python3
"""Generate the example service's metrics: ``slo_specs/data/ingest.om``.

The activity-ingest service pulls workouts from a wearable vendor's API,
integrity-checks every record and remediates the bad ones. This script writes
30 days of its counters as OpenMetrics text with timestamps, the format
``promtool tsdb create-blocks-from openmetrics`` reads, so the same data feeds
our engine and a real Prometheus. Output is deterministic: same arguments,
same bytes.

Shape of the shipped data (defaults):

* one sample per 5 minutes per series. 5m keeps the file under 5 MB (about
  560 bytes a step for the seven series); a 2m-4m step would be 6-12 MB. Range
  selectors therefore need at least 10m to hold two samples.
* samples sit 7s past the step grid (``--phase``), as real scrapes do. A query
  evaluated on the minute grid then never meets a sample exactly on a window's
  edge, so Prometheus 2.x (windows closed on the left) and 3.x and our engine
  (open on the left) select the same samples and agree to the last digit.
* daily traffic cycle (about 200 records per 5 minutes at night, 2,000 at
  noon UTC, 15% less at weekends), integrity failure share around 0.4%,
  ingestion success around 99.7%, and one incident on day 18 (2026-11-12,
  09:00-13:00 UTC) with a failure share near 4% and a quarter of runs failing.
  The 14-day integrity failure share stays below 1% at every day end and the
  30-day ingestion success above 99% (tests/sources/test_example_data.py).
* ``--breach`` adds a sustained integrity breach (2.2% from day 23, 06:00 UTC
  to the end) that pushes the 14-day share above 1% in the last days.

Usage: python scripts/generate_example_data.py [-o slo_specs/data/ingest.om]
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from pytest_burnin.openmetrics import Metadata, dump_openmetrics
from pytest_burnin.promql.labels import labels_from
from pytest_burnin.promql.storage import Storage

SERVICE = "activity-ingest"
DAY_S = 86_400
SEED = 20261026

METADATA = {
    "ingest_records_checked": Metadata("counter", "Records integrity-checked."),
    "ingest_integrity_failures": Metadata("counter", "Records that failed integrity checks."),
    "ingest_runs": Metadata("counter", "Ingestion runs from the vendor API, by status."),
    "ingest_privacy_violations": Metadata("counter", "Privacy violations detected."),
    "ingest_remediation_actions": Metadata(
        "counter", "Remediation runs, by how they started (auto or manual)."
    ),
}

# (first offset in seconds, end, integrity failure share, run failure probability)
Window = tuple[float, float, float, float]
INCIDENT: Window = (17 * DAY_S + 9 * 3600, 17 * DAY_S + 13 * 3600, 0.04, 0.25)
BREACH: Window = (22 * DAY_S + 6 * 3600, math.inf, 0.022, 0.0015)


def parse_duration(text: str) -> int:
    """'5m', '30s', '1h' -> seconds."""
    m = re.fullmatch(r"(\d+)([smh])", text)
    if not m:
        raise argparse.ArgumentTypeError(f"bad duration {text!r} (use e.g. 30s, 5m, 1h)")
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]


def parse_time(text: str) -> int:
    """RFC 3339 (UTC) -> unix seconds."""
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"bad time {text!r}: {e}") from e
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp())


def generate(
    start_s: int,
    days: int,
    step_s: int,
    *,
    phase_s: int = 7,
    breach: bool = False,
    seed: int = SEED,
) -> Storage:
    """Build the series in a Storage (timestamps in ms, counters from 0)."""
    rng = random.Random(seed)
    per_step = step_s / 300  # the traffic figures below are per 5 minutes
    runs_per_step = max(1, step_s // 60)  # one ingestion run a minute
    names = [
        ("checked", {"__name__": "ingest_records_checked_total"}),
        ("failures", {"__name__": "ingest_integrity_failures_total"}),
        ("runs_ok", {"__name__": "ingest_runs_total", "status": "success"}),
        ("runs_failed", {"__name__": "ingest_runs_total", "status": "failure"}),
        ("privacy", {"__name__": "ingest_privacy_violations_total"}),
        ("auto", {"__name__": "ingest_remediation_actions_total", "mode": "auto"}),
        ("manual", {"__name__": "ingest_remediation_actions_total", "mode": "manual"}),
    ]
    storage = Storage()
    series = {
        key: storage.get_or_create(labels_from({**lab, "service": SERVICE})) for key, lab in names
    }
    totals = dict.fromkeys(series, 0)
    windows = [INCIDENT, BREACH] if breach else [INCIDENT]
    for i in range(days * DAY_S // step_s):
        offset = i * step_s + phase_s
        if i > 0:  # the first sample is every counter's 0
            _step(rng, totals, offset, start_s, per_step, runs_per_step, windows)
        t_ms = (start_s + offset) * 1000
        for key, s in series.items():
            s.ts.append(t_ms)
            s.vs.append(float(totals[key]))
    return storage


def _step(
    rng: random.Random,
    totals: dict[str, int],
    offset: int,
    start_s: int,
    per_step: float,
    runs_per_step: int,
    windows: list[Window],
) -> None:
    day_frac = (offset % DAY_S) / DAY_S
    weekday = datetime.fromtimestamp(start_s + offset, timezone.utc).weekday()
    shape = 0.5 - 0.5 * math.cos(2 * math.pi * day_frac)  # 0 at midnight, 1 at noon UTC
    volume = (200 + 1800 * shape) * (0.85 if weekday >= 5 else 1.0) * per_step
    records = max(0, round(volume * (1 + rng.gauss(0, 0.08))))
    share = max(0.0, 0.004 * (1 + rng.gauss(0, 0.2)))
    run_fail_p = 0.0015
    for lo, hi, w_share, w_run_fail in windows:
        if lo <= offset < hi:
            share = max(0.0, w_share * (1 + rng.gauss(0, 0.15)))
            run_fail_p = w_run_fail
    mean = records * share
    failures = min(records, max(0, round(mean + rng.gauss(0, math.sqrt(mean)))))
    runs_failed = sum(rng.random() < run_fail_p for _ in range(runs_per_step))
    totals["checked"] += records
    totals["failures"] += failures
    totals["runs_ok"] += runs_per_step - runs_failed
    totals["runs_failed"] += runs_failed
    # A remediation starts itself for about half of the steps with failures;
    # people start one by hand now and then, and often during an incident.
    if failures and rng.random() < 0.5 * min(1.0, per_step * 2):
        totals["auto"] += 1
    if rng.random() < (0.3 if share > 0.02 else 0.01) * min(1.0, per_step):
        totals["manual"] += 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--start", type=parse_time, default=parse_time("2026-10-26T00:00:00Z"))
    p.add_argument("--days", type=int, default=30)
    p.add_argument(
        "--step", type=parse_duration, default=300, help="5m (default); 1m for benchmarks"
    )
    p.add_argument("--phase", type=parse_duration, default=7, help="offset from the step grid")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--breach", action="store_true", help="add a sustained integrity breach")
    p.add_argument("-o", "--output", type=Path, default=Path("slo_specs/data/ingest.om"))
    args = p.parse_args(argv)
    if not 0 <= args.phase < args.step:
        p.error("--phase must be below --step")
    storage = generate(
        args.start, args.days, args.step, phase_s=args.phase, breach=args.breach, seed=args.seed
    )
    text = dump_openmetrics(storage, METADATA)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.output} ({len(text.encode())} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
