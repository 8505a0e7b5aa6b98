"""``burnin serve-metrics`` as a process: /metrics and / from the store, rendered per request."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests

from pytest_burnin.burnin.incidents import open_incident
from pytest_burnin.report.snapshot import SNAPSHOT_FILE, save
from pytest_burnin.store.sqlite import Store
from tests.integration.prom import free_port
from tests.report.sample import fill_store, snapshot

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 30.0


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, "serve-metrics exited early"
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise AssertionError(f"serve-metrics not ready after {READY_TIMEOUT_S}s")


def start(root: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_burnin.cli",
            "serve-metrics",
            "--port",
            str(port),
            "--specs",
            str(ROOT / "slo_specs"),
        ],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def test_serves_metrics_and_report_fresh_from_the_store(tmp_path: Path) -> None:
    store = fill_store(tmp_path / ".burnin" / "history.sqlite")
    save(snapshot(), tmp_path / SNAPSHOT_FILE)
    port = free_port()
    proc = start(tmp_path, port)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(f"{url}/metrics", proc)
        text = requests.get(f"{url}/metrics", timeout=10).text
        assert "burnin_incidents_open 1.0" in text
        with Store(store) as s:
            open_incident(s, "another one")
        assert "burnin_incidents_open 2.0" in requests.get(f"{url}/metrics", timeout=10).text
        page = requests.get(f"{url}/", timeout=60)
        assert page.headers["Content-Type"].startswith("text/html")
        assert "integrity: indicator vs objective" in page.text
        assert "another one" in page.text
    finally:
        stop(proc)
