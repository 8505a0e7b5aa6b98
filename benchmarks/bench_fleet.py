"""A fleet: 50 services, 200 SLOs, through ``pytest --burnin`` (issue 15).

Generates, in a temporary folder, a repository of ``--services`` services, each
with 4 SLOs (2 ratio, 2 threshold; windows 7d to 30d), a rule file of 20
alerts, a promtool test file of 5 groups, 2 simulations, a burn-in, a
checklist, and 30 days of 5-minute data (an OpenMetrics file read by a file
Source), in the spec formats of the shipped example. Then runs, as
subprocesses: ``pytest --burnin --collect-only`` (collection), ``pytest
--burnin`` and ``pytest --burnin -n 2``, each with an empty proof cache,
and ``-n 2`` once more with the cache the previous run left. Prints wall
time, CPU time and peak RSS of each run (``os.wait4``: the process and every
worker it waited for), item outcomes, and terminal output lines.

Targets (issue 15): ``-n 2`` under 60 s wall, collection under 3 s, peak RSS
under 1.5 GB. Run: ``python benchmarks/bench_fleet.py [--services N] [--keep]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAY_S = 86_400
STEP_S = 300  # the shipped example's scrape interval
DAYS = 30
END_S = 1_795_564_800  # 2026-11-25T00:00:00Z: the data's last day, fixed so runs compare
ALERTS_PER_SERVICE = 20


def slos(svc: str, i: int) -> str:
    # Two availability objectives across the fleet, as real fleets have tiers of service.
    bad_budget = "0.001" if i % 2 else "0.005"
    window = "30d" if i % 2 else "28d"
    return f"""\
apiVersion: burnin/v1
kind: SLO
metadata:
  name: {svc}-availability
  owner: team-{i % 7}
  runbook: docs/runbooks/{svc}.md
  labels: {{service: {svc}}}
spec:
  description: Share of {svc} requests answered with a 5xx.
  source: {svc}-data
  indicator:
    ratio:
      bad: sum(increase(http_requests_total{{service="{svc}",code=~"5.."}}[{{{{window}}}}]))
      total: sum(increase(http_requests_total{{service="{svc}"}}[{{{{window}}}}]))
  objective: {{below: {bad_budget}}}
  window: {window}
---
apiVersion: burnin/v1
kind: SLO
metadata:
  name: {svc}-latency
  owner: team-{i % 7}
  labels: {{service: {svc}}}
spec:
  description: Share of {svc} requests answered within 300 ms.
  source: {svc}-data
  indicator:
    ratio:
      good: sum(increase(http_request_duration_seconds_bucket{{service="{svc}",le="0.3"}}[{{{{window}}}}]))
      total: sum(increase(http_request_duration_seconds_count{{service="{svc}"}}[{{{{window}}}}]))
  objective: {{above: 0.99}}
  window: 7d
---
apiVersion: burnin/v1
kind: SLO
metadata:
  name: {svc}-dropped-jobs
  owner: team-{i % 7}
  labels: {{service: {svc}}}
spec:
  description: Jobs {svc} dropped.
  source: {svc}-data
  indicator:
    threshold:
      query: sum(increase(jobs_dropped_total{{service="{svc}"}}[{{{{window}}}}]))
  objective: {{at_most: 50}}
  window: 14d
---
apiVersion: burnin/v1
kind: SLO
metadata:
  name: {svc}-restarts
  owner: team-{i % 7}
  labels: {{service: {svc}}}
spec:
  description: Process restarts of {svc}.
  source: {svc}-data
  indicator:
    threshold:
      query: sum(increase(process_restarts_total{{service="{svc}"}}[{{{{window}}}}]))
  objective: {{at_most: 20}}
  window: 7d
"""


def alert_rules(svc: str) -> str:
    rules = []
    for k in range(ALERTS_PER_SERVICE):
        threshold = f"0.0{k % 9 + 1}"
        rules.append(f"""\
      - alert: {svc.capitalize()}ErrorRate{k}
        expr: |
          sum(rate(http_requests_total{{service="{svc}",code=~"5.."}}[{5 + k}m]))
            /
          sum(rate(http_requests_total{{service="{svc}"}}[{5 + k}m])) > {threshold}
        for: 1m
        labels: {{severity: {"page" if k % 2 else "ticket"}, service: {svc}}}
        annotations:
          summary: "{svc} errors at {{{{ $value | humanizePercentage }}}}"
          remediation: Roll back the last deploy of {svc}.
          runbook_url: docs/runbooks/{svc}.md
""")
    return f"groups:\n  - name: {svc}\n    interval: 1m\n    rules:\n" + "".join(rules)


def promtool_tests(svc: str) -> str:
    groups = []
    for g in range(5):
        k = g * 4  # alert k reads a (5 + k)-minute window
        groups.append(f"""\
  - name: {svc} error burst {g}
    interval: 1m
    input_series:
      - series: 'http_requests_total{{service="{svc}",code="200"}}'
        values: '0+900x60'
      - series: 'http_requests_total{{service="{svc}",code="500"}}'
        values: '0x20 0+100x40'
    alert_rule_test:
      - eval_time: 15m
        alertname: {svc.capitalize()}ErrorRate{k}
        exp_alerts: []
      - eval_time: 55m
        alertname: {svc.capitalize()}ErrorRate{k}
        exp_alerts:
          - exp_labels: {{severity: {"page" if k % 2 else "ticket"}, service: {svc}}}
            exp_annotations:
              summary: "{svc} errors at 10% of"
              remediation: Roll back the last deploy of {svc}.
              runbook_url: docs/runbooks/{svc}.md
""")
    return (
        "rule_files:\n  - alerts.yaml\nevaluation_interval: 1m\ntests:\n" + "".join(groups)
    ).replace("10% of", "10%")


def simulations(svc: str) -> str:
    name = svc.capitalize()
    return f"""\
apiVersion: burnin/v1
kind: Simulation
metadata: {{name: {svc}-errors-page, owner: team}}
spec:
  rules: alerts.yaml
  series:
    http_requests_total{{service="{svc}",code="200"}}: 0+900x60
    http_requests_total{{service="{svc}",code="500"}}: 0x20 0+100x40
  expect:
    - {{alert: {name}ErrorRate1, firing_by: 30m}}
---
apiVersion: burnin/v1
kind: Simulation
metadata: {{name: {svc}-quiet, owner: team}}
spec:
  rules: alerts.yaml
  duration: 1h
  series:
    http_requests_total{{service="{svc}",code="200"}}: 0+1000x60
    http_requests_total{{service="{svc}",code="500"}}: 0+1x60
  expect:
    - {{alert: {name}ErrorRate1, fires: false}}
    - {{alert: {name}ErrorRate8, fires: false}}
"""


def burnin(svc: str) -> str:
    return f"""\
apiVersion: burnin/v1
kind: BurnIn
metadata: {{name: {svc}-ga, owner: team}}
spec:
  start: "2026-10-26"
  length: 30d
  window: 7d
  slos: [{svc}-availability, {svc}-latency]
  alerts: [{svc.capitalize()}ErrorRate1]
"""


def checklist(svc: str) -> str:
    return f"""\
apiVersion: burnin/v1
kind: Checklist
metadata: {{name: {svc}-ga, owner: team}}
spec:
  title: {svc} general availability
  base: ../..
  items:
    - name: retention
      check: {{type: setting, file: config/{svc}.yaml, key: raw.retention_days, at_most: 30}}
    - name: backups
      check: {{type: setting, file: config/{svc}.yaml, key: backups.keep_daily, at_least: 14}}
    - name: runbook
      check: {{type: file, paths: [docs/runbooks/{svc}.md]}}
"""


def source(svc: str) -> str:
    return f"""\
apiVersion: burnin/v1
kind: Source
metadata: {{name: {svc}-data, owner: team}}
spec: {{type: file, path: data.om}}
"""


def data(svc: str, i: int) -> str:
    """30 days of 5-minute counters: a steady 0.05% errors, 99.6% of requests under 300 ms."""
    steps = DAYS * DAY_S // STEP_S
    start = END_S - steps * STEP_S
    lines: list[str] = []

    def counter(name: str, series: list[tuple[str, float]]) -> None:
        lines.append(f"# TYPE {name} counter")
        for labels, per_step in series:
            for n in range(steps + 1):
                lines.append(f"{name}_total{{{labels}}} {round(n * per_step)} {start + n * STEP_S}")

    rps = 300 + 17 * i
    base = f'service="{svc}"'
    ok, errors = rps * STEP_S * 0.9995, rps * STEP_S * 0.0005
    counter("http_requests", [(f'{base},code="200"', ok), (f'{base},code="500"', errors)])
    lines.append("# TYPE http_request_duration_seconds histogram")
    for le, share in (("0.3", 0.996), ("+Inf", 1.0)):
        for n in range(steps + 1):
            count = round(n * rps * STEP_S * share)
            t = start + n * STEP_S
            lines.append(f'http_request_duration_seconds_bucket{{{base},le="{le}"}} {count} {t}')
    for n in range(steps + 1):
        t = start + n * STEP_S
        lines.append(f"http_request_duration_seconds_count{{{base}}} {round(n * rps * STEP_S)} {t}")
    counter("jobs_dropped", [(base, 0.001)])
    counter("process_restarts", [(base, 0.0)])
    return "\n".join(lines) + "\n# EOF\n"


def generate(root: Path, services: int) -> None:
    (root / "pytest.ini").write_text(
        "[pytest]\nburnin_specs = slo_specs\nburnin_store = .burnin/history.sqlite\n"
    )
    for i in range(services):
        svc = f"svc{i:02d}"
        folder = root / "slo_specs" / svc
        folder.mkdir(parents=True)
        files = {
            "slos.yaml": slos(svc, i),
            "alerts.yaml": alert_rules(svc),
            "alerts_test.yaml": promtool_tests(svc),
            "simulations.yaml": simulations(svc),
            "burnin.yaml": burnin(svc),
            "checklist.yaml": checklist(svc),
            "sources.yaml": source(svc),
            "data.om": data(svc, i),
        }
        for name, text in files.items():
            (folder / name).write_text(text)
        (root / "config").mkdir(exist_ok=True)
        (root / "config" / f"{svc}.yaml").write_text(
            "raw: {retention_days: 30}\nbackups: {keep_daily: 14}\n"
        )
        (root / "docs" / "runbooks").mkdir(parents=True, exist_ok=True)
        (root / "docs" / "runbooks" / f"{svc}.md").write_text(f"# {svc}\n")


def record(root: Path, services: int) -> None:
    """Each service's burn-in history (``burnin record`` over the 30 days of data)."""
    for i in range(services):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest_burnin.cli",
                "record",
                "--name",
                f"svc{i:02d}-ga",
                "--from",
                "2026-10-26",
                "--to",
                "2026-11-24",
                "--no-remediate",
                f"slo_specs/svc{i:02d}",  # this service's specs only: its data alone is loaded
            ],
            cwd=root,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def run(root: Path, args: list[str]) -> dict[str, object]:
    """One pytest run: wall, CPU (it and its workers), peak RSS, outcomes, output lines."""
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "--burnin",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        *args,
    ]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    last = text.splitlines()[-1] if text else ""
    counts = {
        word: int(n)
        for n, word in re.findall(r"(\d+) (passed|failed|skipped|errors?|deselected|tests?)", last)
    }
    collected = re.search(r"(\d+) (?:items?|tests?) collected|collected (\d+) items?", text)
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit": proc.returncode,
        "outcomes": counts,
        "collected": next((g for g in collected.groups() if g), "?") if collected else "?",
        "lines": len(text.splitlines()),
        "tail": text.splitlines()[-3:],
        "text": text,
    }


def collection_seconds(text: str) -> float | None:
    found = re.search(r"in ([0-9.]+)s", text.splitlines()[-1] if text else "")
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    parser.add_argument("--only", choices=["collect", "serial", "xdist"], action="append")
    opts = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="burnin-fleet-"))
    try:
        t0 = time.perf_counter()
        generate(root, opts.services)
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        print(
            f"generated {opts.services} services in {time.perf_counter() - t0:.1f} s "
            f"({size / 1e6:.1f} MB) under {root}"
        )
        if opts.only != ["collect"]:  # collection alone does not read the store
            t0 = time.perf_counter()
            record(root, opts.services)
            took = time.perf_counter() - t0
            print(f"recorded the burn-ins' 30 days in {took:.1f} s (setup, not timed)")
        runs = [
            ("collect", ["--collect-only", "-q"]),
            ("serial", []),
            ("xdist", ["-n", "2"]),
            ("xdist, warm proof cache", ["-n", "2"]),
        ]
        for name, args in runs:
            if opts.only and name.split(",")[0] not in opts.only:
                continue
            if "warm" not in name:
                shutil.rmtree(root / ".burnin" / "cache", ignore_errors=True)
            r = run(root, args)
            print(
                f"{name:24} wall {r['wall_s']:6.1f} s  cpu {r['cpu_s']:6.1f} s  "
                f"peak RSS {r['peak_rss_mb']:6.0f} MB  exit {r['exit']}  "
                f"output {r['lines']} lines  collected {r['collected']}  {r['outcomes']}"
            )
            if name == "collect":
                print(
                    f"{'':24} collection (pytest's own figure): {collection_seconds(str(r['text']))} s"
                )
            if os.environ.get("BENCH_FLEET_SHOW"):
                print(r["text"])
            elif r["exit"] not in (0, 1):
                print("\n".join(str(line) for line in r["tail"]))
    finally:
        if opts.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
