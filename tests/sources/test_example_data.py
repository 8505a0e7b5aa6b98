"""The shipped example data (slo_specs/data/ingest.om) and its generator.

The properties are computed with a few lines of independent parsing, not with
our loader or the PromQL engine, so a bug there cannot hide a bad data set.
"""

from __future__ import annotations

import bisect
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from pytest_burnin.openmetrics import load_file
from pytest_burnin.promql.labels import format_labels
from pytest_burnin.promql.storage import Storage
from pytest_burnin.sources.file import FileSource, clear_cache

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "slo_specs" / "data" / "ingest.om"
SCRIPT = ROOT / "scripts" / "generate_example_data.py"
START = 1_792_972_800  # 2026-10-26T00:00:00Z
DAY = 86_400

SVC = 'service="activity-ingest"'
CHECKED = f"ingest_records_checked_total{{{SVC}}}"
FAILED = f"ingest_integrity_failures_total{{{SVC}}}"
RUNS_OK = f'ingest_runs_total{{{SVC},status="success"}}'
RUNS_BAD = f'ingest_runs_total{{{SVC},status="failure"}}'
PRIVACY = f"ingest_privacy_violations_total{{{SVC}}}"
AUTO = f'ingest_remediation_actions_total{{mode="auto",{SVC}}}'
MANUAL = f'ingest_remediation_actions_total{{mode="manual",{SVC}}}'

Series = dict[str, tuple[list[int], list[float]]]


def read(path: Path) -> Series:
    """Series text -> (seconds, values); good enough for files our writer made."""
    out: defaultdict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        key, value, ts = line.rsplit(" ", 2)
        out[key][0].append(int(ts))
        out[key][1].append(float(value))
    return dict(out)


def at(series: Series, key: str, t: float) -> float:
    """The counter's last value at or before t (0 before the first sample)."""
    ts, vs = series[key]
    i = bisect.bisect_right(ts, t) - 1
    return vs[i] if i >= 0 else 0.0


def share(
    series: Series, bad: str, good_or_total: str, lo: float, hi: float, *, total: bool
) -> float:
    b = at(series, bad, hi) - at(series, bad, lo)
    o = at(series, good_or_total, hi) - at(series, good_or_total, lo)
    return b / o if total else b / (b + o)


def rolling_14d(series: Series, day_end: float) -> float:
    lo = max(START, day_end - 14 * DAY)
    return share(series, FAILED, CHECKED, lo, day_end, total=True)


@pytest.fixture(scope="module")
def shipped() -> Series:
    return read(DATA)


def test_shape(shipped: Series) -> None:
    assert DATA.stat().st_size < 5_000_000
    assert set(shipped) == {CHECKED, FAILED, RUNS_OK, RUNS_BAD, PRIVACY, AUTO, MANUAL}
    for key, (ts, vs) in shipped.items():
        assert ts[0] == START + 7, key  # 7 s past the 5-minute grid
        assert ts[-1] == START + 30 * DAY - 300 + 7, key
        assert all(b - a == 300 for a, b in pairwise(ts)), key
        assert vs[0] == 0, key
        assert all(b >= a for a, b in pairwise(vs)), f"{key} is not monotonic"
    text = DATA.read_text(encoding="utf-8")
    assert text.endswith("\n# EOF\n")
    assert "# TYPE ingest_runs counter\n" in text


def test_integrity_failures_stay_below_one_percent_over_14_days(shipped: Series) -> None:
    worst = max(rolling_14d(shipped, START + d * DAY) for d in range(1, 31))
    assert 0.003 < worst < 0.01
    overall = share(shipped, FAILED, CHECKED, 0, 1e12, total=True)
    assert 0.003 <= overall <= 0.005


def test_ingestion_success_above_99_percent_over_30_days(shipped: Series) -> None:
    failed_share = share(shipped, RUNS_BAD, RUNS_OK, 0, 1e12, total=False)
    assert 0.002 < failed_share < 0.005  # success around 99.7%
    assert at(shipped, PRIVACY, 1e12) == 0


def test_one_incident_on_day_18(shipped: Series) -> None:
    hourly = {
        h: share(shipped, FAILED, CHECKED, START + h * 3600, START + (h + 1) * 3600, total=True)
        for h in range(30 * 24 - 1)
    }
    bad_hours = sorted(h for h, v in hourly.items() if v > 0.01)
    assert bad_hours == [17 * 24 + h for h in (9, 10, 11, 12)]  # 2026-11-12 09:00-13:00 UTC
    assert all(0.03 <= hourly[h] <= 0.05 for h in bad_hours)
    incident = (START + 17 * DAY + 9 * 3600, START + 17 * DAY + 13 * 3600)
    runs_failed_in_incident = at(shipped, RUNS_BAD, incident[1]) - at(
        shipped, RUNS_BAD, incident[0]
    )
    assert runs_failed_in_incident >= 30


def test_daily_cycle_and_auto_runs(shipped: Series) -> None:
    per_step = [b - a for a, b in pairwise(shipped[CHECKED][1])]
    night, noon = per_step[0:12], per_step[138:150]  # 00:00-01:00 and 11:30-12:30
    assert 150 < sum(night) / 12 < 300
    assert 1600 < sum(noon) / 12 < 2400
    auto, manual = at(shipped, AUTO, 1e12), at(shipped, MANUAL, 1e12)
    assert 0.9 < auto / (auto + manual) < 0.99


def test_generator_reproduces_the_shipped_file(tmp_path: Path) -> None:
    out = tmp_path / "ingest.om"
    subprocess.run([sys.executable, str(SCRIPT), "-o", str(out)], check=True, cwd=ROOT)
    assert out.read_bytes() == DATA.read_bytes(), "regenerate with scripts/generate_example_data.py"


def test_breach_option_breaks_the_14_day_objective(tmp_path: Path) -> None:
    out = tmp_path / "breach.om"
    subprocess.run([sys.executable, str(SCRIPT), "--breach", "-o", str(out)], check=True, cwd=ROOT)
    data = read(out)
    by_day = [rolling_14d(data, START + d * DAY) for d in range(1, 31)]
    assert max(by_day[:22]) < 0.01
    assert by_day[-1] > 0.01


def test_generator_options(tmp_path: Path) -> None:
    out = tmp_path / "small.om"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--days", "1", "--step", "1m", "--start",
         "2026-01-01T00:00:00Z", "--phase", "0s", "-o", str(out)],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    data = read(out)
    ts = data[CHECKED][0]
    assert (len(ts), ts[0], ts[1] - ts[0]) == (1440, 1_767_225_600, 60)
    bad = subprocess.run(
        [sys.executable, str(SCRIPT), "--step", "5x", "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2
    assert "bad duration '5x'" in bad.stderr


def test_shipped_file_loads_fast() -> None:
    best = min(_timed_load() for _ in range(3))
    assert best < 1.0, f"loading {DATA.name} took {best:.2f}s"


def _timed_load() -> float:
    t0 = time.perf_counter()
    stats = load_file(DATA, Storage())
    elapsed = time.perf_counter() - t0
    assert (stats.samples, stats.series) == (60_480, 7)
    return elapsed


def test_loader_agrees_with_the_plain_reading(shipped: Series) -> None:
    storage = Storage()
    load_file(DATA, storage)
    loaded = {format_labels(s.labels).replace(", ", ","): s for s in storage}
    assert set(loaded) == set(shipped)
    for key, (ts, vs) in shipped.items():
        assert loaded[key].ts == [t * 1000 for t in ts]
        assert loaded[key].vs == vs


def test_file_source_serves_the_shipped_data() -> None:
    clear_cache()
    src = FileSource.from_spec({"type": "file", "path": "data/ingest.om"}, base_dir=DATA.parents[1])
    assert src.time_bounds() == ((START + 7) * 1000, (START + 30 * DAY - 293) * 1000)
    assert len(src.storage()) == 7
    assert "7 series, 60480 samples, 2026-10-26T00:00:07Z .. 2026-11-24T23:55:07Z" in (
        src.describe()
    )
    clear_cache()


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_backfills_the_shipped_file(tmp_path: Path) -> None:
    out = tmp_path / "blocks"
    run = subprocess.run(
        ["promtool", "tsdb", "create-blocks-from", "openmetrics", str(DATA), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    blocks = [p for p in out.iterdir() if (p / "meta.json").is_file()]
    assert blocks
    # promtool lists each block: ULID, min time, max time, duration, samples, chunks, series, size
    rows = re.findall(r"^\w{26}\s+(\d+)\s+(\d+)\s+\S+\s+(\d+)\s", run.stdout, re.MULTILINE)
    assert len(rows) == len(blocks)
    assert sum(int(r[2]) for r in rows) == 60_480
    assert min(int(r[0]) for r in rows) == (START + 7) * 1000
