"""The whole peer-suites rule-test corpus through the plugin and through promtool.

Runs every ``promtool test rules`` file of ../shared/peer-suites two ways in
the same run: ``pytest <files>`` with pytest-burnin (one process per corpus
folder, in the folder's PromQL mode), and ``promtool test rules <file>`` (one
process per file, as promtool's users run it). Prints wall time, the time
ratio (target < 1: the plugin is faster) and each side's peak memory (the
largest resident set of any one process). Run:
``python benchmarks/bench_promtool_corpus.py [--skip-promtool]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pytest_burnin.rules.testfile import find_test_files

REPO = Path(__file__).resolve().parents[1]
PEER = REPO.parent / "shared" / "peer-suites"
COMPAT_2 = {
    "prometheus-promtool-testdata-v2.42.0",
    "kubernetes-mixin-v0.13.0",
    "etcd-mixin",
    "thanos-mixin",
    "wikimedia-operations-alerts",
}


def run(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak resident set (KiB) and exit code of one process.

    ``os.wait4`` reaps the child with its own resource usage, so each
    process's peak is its own, not the running maximum of all children.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip-promtool", action="store_true")
    args = ap.parse_args()
    if not PEER.is_dir():
        raise SystemExit(f"{PEER} is absent")
    folders = sorted(p for p in PEER.iterdir() if p.is_dir() and find_test_files(p))
    plugin_s = promtool_s = 0.0
    plugin_rss = promtool_rss = 0
    print(f"{'folder':<40} {'files':>5} {'plugin s':>9} {'promtool s':>10}")
    for folder in folders:
        files = find_test_files(folder)
        compat = "2" if folder.name in COMPAT_2 else "3"
        cmd = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
            "-o", f"burnin_promql_compat={compat}", "--rootdir", str(folder),
            *[str(f.relative_to(folder)) for f in files],
        ]  # fmt: skip
        t, rss, _ = run(cmd, folder)
        plugin_s += t
        plugin_rss = max(plugin_rss, rss)
        p_time = 0.0
        if not args.skip_promtool and shutil.which("promtool"):
            for f in files:
                t2, rss2, _ = run(["promtool", "test", "rules", f.name], f.parent)
                p_time += t2
                promtool_rss = max(promtool_rss, rss2)
        promtool_s += p_time
        print(f"{folder.name:<40} {len(files):>5} {t:>9.1f} {p_time:>10.1f}")
    print(f"{'total':<40} {'':>5} {plugin_s:>9.1f} {promtool_s:>10.1f}")
    if promtool_s:
        print(f"time ratio plugin/promtool: {plugin_s / promtool_s:.3f} (target < 1)")
    print(
        f"peak memory: plugin {plugin_rss / 1024:.0f} MiB, promtool {promtool_rss / 1024:.0f} MiB (largest process)"
    )


if __name__ == "__main__":
    main()
