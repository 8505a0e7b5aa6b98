#!/usr/bin/env python3
"""Deliver 1,000 alerts to a local webhook receiver; print latency percentiles and throughput.

Usage: python benchmarks/bench_delivery.py [--count 1000] [--threads 4]

Three runs: in memory (no spool), with the on-disk spool (each notification
written with fsync before its attempt and removed after the 2xx: what a real
run does), and the spooled run from several threads sharing one channel. The
target is p99 < 200 ms from hand-off to the receiver's 2xx.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pytest_burnin.alerting import Alert, DeliveryResult, Notification, build_channel, deliver


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the channel's Session reuses connections
    connections = 0  # one handler per TCP connection: shows whether keep-alive held

    def setup(self) -> None:
        Handler.connections += 1
        super().setup()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def notifications(count: int) -> list[Notification]:
    t0 = datetime(2026, 11, 28, tzinfo=timezone.utc)
    return [
        Notification.of(
            Alert(
                labels={"alertname": "IntegrityRateHigh", "severity": "critical", "shard": str(i)},
                annotations={
                    "summary": "Integrity failure rate above 1%.",
                    "remediation": "Pause the scorer rollout.",
                    "runbook_url": "docs/runbooks/integrity.md",
                },
                starts_at=t0,
                value=0.018,
                threshold=0.01,
            )
        )
        for i in range(count)
    ]


def run(label: str, url: str, notes: list[Notification], spool: Path | None, threads: int) -> None:
    channel = build_channel(
        "bench",
        {"type": "webhook", "url": url, "timeout": "2s", "runbook_base_url": "https://git.example"},
    )
    Handler.connections = 0
    t0 = time.perf_counter()
    if threads == 1:
        results = [deliver(n, channel, spool_dir=spool) for n in notes]
    else:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda n: deliver(n, channel, spool_dir=spool), notes))
    elapsed = time.perf_counter() - t0
    channel.close()
    report(label, results, elapsed, Handler.connections)


def report(label: str, results: list[DeliveryResult], elapsed: float, connections: int) -> None:
    failed = [r for r in results if not r.delivered]
    ms = sorted(1000 * (r.latency or 0.0) for r in results if r.delivered)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    verdict = "ok" if q[98] < 200 and not failed else "MISSED"
    print(
        f"{label:<26} {len(ms):5d} delivered, {len(failed)} failed | "
        f"p50 {q[49]:6.2f} ms  p99 {q[98]:6.2f} ms  max {ms[-1]:6.2f} ms | "
        f"{len(results) / elapsed:5.0f} alerts/s, {connections} TCP connections "
        f"[{verdict}: p99 < 200 ms]"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    notes = notifications(args.count)
    try:
        run("webhook, no spool", url, notes, None, 1)
        with tempfile.TemporaryDirectory() as tmp:
            run("webhook, spool (fsync)", url, notes, Path(tmp), 1)
            run(f"webhook, spool, {args.threads} threads", url, notes, Path(tmp), args.threads)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
