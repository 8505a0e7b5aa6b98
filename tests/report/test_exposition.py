"""The exporter's text: exact bytes, and every way of serving it gives those bytes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from pytest_burnin.report.exposition import ExportData, render
from pytest_burnin.report.history import History
from pytest_burnin.report.outputs import push, write_textfile
from pytest_burnin.report.serve import MetricsServer

EXPECTED = Path(__file__).with_name("expected_metrics.prom")


def test_render_exact_bytes(export_data: ExportData) -> None:
    assert render(export_data) == EXPECTED.read_bytes()


def test_render_parses_and_follows_conventions(export_data: ExportData) -> None:
    for family in text_string_to_metric_families(render(export_data).decode()):
        assert family.name.startswith("burnin_")
        if family.type == "counter":
            assert all(s.name.endswith("_total") for s in family.samples)


def test_empty_history_renders_no_samples_but_every_family() -> None:
    text = render(ExportData(History(), None)).decode()
    assert "# TYPE burnin_slo_indicator gauge" in text
    assert 'burnin_remediation_actions_total{mode="auto"} 0.0' in text
    assert "\nburnin_last_run_timestamp_seconds " not in text


def test_textfile_is_written_atomically(export_data: ExportData, tmp_path: Path) -> None:
    target = tmp_path / "textfile" / "burnin.prom"
    write_textfile(target, export_data)
    write_textfile(target, export_data)  # replaces, leaves no temp file behind
    assert target.read_bytes() == EXPECTED.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["burnin.prom"]


def test_metrics_server_serves_the_same_bytes(export_data: ExportData) -> None:
    server = MetricsServer(0, lambda: render(export_data), lambda: b"<html></html>").start()
    try:
        resp = requests.get(f"{server.url}/metrics", timeout=10)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert resp.content == EXPECTED.read_bytes()
        assert requests.get(f"{server.url}/", timeout=10).text == "<html></html>"
        assert requests.get(f"{server.url}/nope", timeout=10).status_code == 404
    finally:
        server.stop()


def test_a_failing_page_is_a_500_and_the_server_lives_on() -> None:
    def broken() -> bytes:
        raise RuntimeError("store unreadable")

    server = MetricsServer(0, broken).start()
    try:
        resp = requests.get(f"{server.url}/metrics", timeout=10)
        assert resp.status_code == 500
        assert "store unreadable" in resp.text
        assert requests.get(f"{server.url}/metrics", timeout=10).status_code == 500
    finally:
        server.stop()


class _Gateway(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(("PUT", self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    received: list[tuple[str, str, bytes]] = []
    handler = type("Handler", (_Gateway,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_push_to_gateway(
    export_data: ExportData, gateway: tuple[str, list[tuple[str, str, bytes]]]
) -> None:
    url, received = gateway
    push(url, export_data)
    assert [(m, p) for m, p, _ in received] == [("PUT", "/metrics/job/burnin")]
    assert received[0][2] == EXPECTED.read_bytes()


@pytest.mark.parametrize("tool", ["promtool", "promtool-3.5"])
@pytest.mark.parametrize("filled", [True, False], ids=["sample-history", "empty"])
def test_promtool_check_metrics_accepts_the_exposition(
    tool: str, filled: bool, export_data: ExportData
) -> None:
    """Every name in base units, counters with _total, help on every family: promtool's lint."""
    import subprocess

    from tests.binaries import require

    promtool = require(tool)
    data = export_data if filled else ExportData(History(), None)
    proc = subprocess.run(
        [promtool.path, "check", "metrics"],
        input=render(data),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (proc.returncode, proc.stdout + proc.stderr) == (0, b"")


def test_burnin_length_is_in_seconds_and_progress_a_ratio(export_data: ExportData) -> None:
    text = render(export_data).decode()
    assert 'burnin_burnin_length_seconds{burnin="ingest-ga"} 2.592e+06' in text  # 30 days
    assert 'burnin_burnin_progress_ratio{burnin="ingest-ga"} 0.466' in text  # day 14 of 30
    assert "_days" not in text
