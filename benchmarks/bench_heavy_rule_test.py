#!/usr/bin/env python3
"""A heavy promtool test file through the plugin and through ``promtool test rules`` (issue 15).

1,000 input series (``x_total``, 10 jobs x 100 instances) over 1,440 steps at
a 1-minute interval, two recording rules (one output per job, one per series)
and an alert that fires for every job; the test checks the alert and the
recording rules' output at 1440m. Both runs must pass. Each side runs as a
child process (``os.wait4`` gives its own CPU time and peak resident set):

  plugin:   python -m pytest -o burnin_promql_compat=2 test.yml   (2.42 semantics)
  promtool: promtool test rules test.yml                          (Debian's 2.42)

Target: the plugin's CPU time and peak memory at or under promtool's.
Usage: python benchmarks/bench_heavy_rule_test.py [--series N] [--steps N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

JOBS = 10

RULES = """\
groups:
  - name: heavy
    interval: 1m
    rules:
      - record: job:x_total:rate5m
        expr: sum by (job) (rate(x_total[5m]))
      - record: instance:x_total:increase1h
        expr: increase(x_total[1h])
      - alert: XFast
        expr: job:x_total:rate5m > 0
        for: 10m
        labels:
          severity: page
"""


def test_file(series: int, steps: int) -> str:
    lines = [
        "rule_files: [rules.yml]",
        "evaluation_interval: 1m",
        "tests:",
        "  - interval: 1m",
        "    input_series:",
    ]
    for i in range(series):
        labels = f'job="j{i % JOBS}",instance="i{i // JOBS:03d}"'
        lines.append(f"      - series: 'x_total{{{labels}}}'")
        lines.append(f"        values: '{i}+{1 + i % 7}x{steps}'")
    end = f"{steps}m"
    lines += [
        "    alert_rule_test:",
        f"      - eval_time: {end}",
        "        alertname: XFast",
        "        exp_alerts:",
    ]
    for j in range(min(JOBS, series)):
        lines.append(f"          - exp_labels: {{severity: page, job: j{j}}}")
    lines += [
        "    promql_expr_test:",
        "      - expr: count(instance:x_total:increase1h)",
        f"        eval_time: {end}",
        "        exp_samples:",
        "          - labels: '{}'",
        f"            value: {series}",
        "      - expr: count(job:x_total:rate5m)",
        f"        eval_time: {end}",
        "        exp_samples:",
        "          - labels: '{}'",
        f"            value: {min(JOBS, series)}",
    ]
    return "\n".join(lines) + "\n"


def run(cmd: list[str], cwd: Path) -> tuple[float, int, int, str]:
    """CPU seconds (user + system), peak resident set (KiB), exit code and output tail."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        out.seek(0)
        tail = out.read().decode(errors="replace")[-2000:]
    code = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code, tail


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=1440)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-heavy-") as tmp:
        folder = Path(tmp)
        (folder / "rules.yml").write_text(RULES)
        (folder / "test.yml").write_text(test_file(args.series, args.steps))
        plugin = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
            "-o", "burnin_promql_compat=2", "--rootdir", str(folder), "test.yml",
        ]  # fmt: skip
        sides = {"plugin": plugin}
        if shutil.which("promtool"):
            sides["promtool"] = ["promtool", "test", "rules", "test.yml"]
        else:
            print("promtool skipped: not installed (Debian package 'prometheus')")
        print(f"{args.series} series x {args.steps} steps")
        results = {}
        ok = True
        for name, cmd in sides.items():
            cpu, rss, code, tail = run(cmd, folder)
            results[name] = (cpu, rss)
            verdict = "passed" if code == 0 else f"FAILED (exit {code})"
            print(f"{name:9} CPU {cpu:7.2f} s   peak RSS {rss / 1024:7.1f} MiB   {verdict}")
            if code != 0:
                ok = False
                print(tail)
        if "promtool" in results:
            (c1, r1), (c2, r2) = results["plugin"], results["promtool"]
            print(f"plugin/promtool: CPU {c1 / c2:.2f}, memory {r1 / r2:.2f} (target <= 1 each)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
