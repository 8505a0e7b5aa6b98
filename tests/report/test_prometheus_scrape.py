"""A real Prometheus on 127.0.0.1 scrapes ``burnin serve-metrics``; the series come back
through Prometheus' HTTP API with the values the exporter rendered.

Skipped, with the reason, where prometheus or promtool is not installed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from pytest_burnin.report.snapshot import SNAPSHOT_FILE, save
from tests.integration import prom
from tests.report.sample import fill_store, snapshot
from tests.report.test_serve_command import start, stop, wait_ready

pytestmark = pytest.mark.skipif(prom.missing_tools() is not None, reason=str(prom.missing_tools()))
SCRAPED_TIMEOUT_S = 60.0


def query(server: prom.PrometheusServer, expr: str) -> dict[str, float]:
    resp = requests.get(f"{server.url}/api/v1/query", params={"query": expr}, timeout=10)
    resp.raise_for_status()
    result = resp.json()["data"]["result"]
    return {
        ",".join(
            f"{k}={v}" for k, v in sorted(r["metric"].items()) if k not in ("job", "instance")
        ): float(r["value"][1])
        for r in result
    }


def test_prometheus_scrapes_the_exporter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_store(tmp_path / ".burnin" / "history.sqlite")
    save(snapshot(), tmp_path / SNAPSHOT_FILE)
    port = prom.free_port()
    exporter = start(tmp_path, port)
    try:
        wait_ready(f"http://127.0.0.1:{port}/metrics", exporter)
        monkeypatch.setattr(
            prom,
            "CONFIG",
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "scrape_configs:\n  - job_name: burnin\n    static_configs:\n"
            f"      - targets: ['127.0.0.1:{port}']\n",
        )
        work = tmp_path / "prometheus"
        work.mkdir()
        with prom.PrometheusServer(work / "data", work) as server:
            deadline = time.monotonic() + SCRAPED_TIMEOUT_S
            while not query(server, 'up{job="burnin"} == 1') and time.monotonic() < deadline:
                time.sleep(0.5)
            assert query(server, 'up{job="burnin"}') == {"__name__=up": 1.0}, server.tail()
            assert query(server, "burnin_remediation_auto_run_ratio") == {
                "__name__=burnin_remediation_auto_run_ratio": 0.75
            }
            assert query(server, "burnin_remediation_actions_total") == {
                "__name__=burnin_remediation_actions_total,mode=auto": 3.0,
                "__name__=burnin_remediation_actions_total,mode=manual": 1.0,
            }
            assert query(server, "burnin_slo_error_budget_remaining_ratio") == {
                "__name__=burnin_slo_error_budget_remaining_ratio,slo=integrity": 0.53
            }
            assert query(server, "burnin_incident_mttr_seconds") == {
                "__name__=burnin_incident_mttr_seconds": 9000.0
            }
            assert query(server, 'burnin_alerts_fired_total{alertname="IntegrityRateHigh"}') == {
                "__name__=burnin_alerts_fired_total,alertname=IntegrityRateHigh": 1.0
            }
    finally:
        stop(exporter)
