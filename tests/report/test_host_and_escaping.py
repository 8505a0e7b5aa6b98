"""Issue 12, item 14: serve-metrics answers only to its own Host names (no DNS
rebinding), and the weekly Markdown shows incident titles as text, not markup."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from pytest_burnin.burnin.incidents import Incident
from pytest_burnin.report import weekly
from pytest_burnin.report.serve import MetricsServer


def get(server: MetricsServer, host: str | None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    try:
        conn.putrequest("GET", "/metrics", skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.fixture
def server() -> Iterator[MetricsServer]:
    s = MetricsServer(0, lambda: b"up 1\n", allowed_hosts=["metrics.internal"]).start()
    yield s
    s.stop()


def test_local_names_on_the_right_port_are_answered(server: MetricsServer) -> None:
    port = server.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        assert get(server, host) == (200, b"up 1\n"), host
    assert get(server, f"metrics.internal:{port}")[0] == 200  # --allow-host


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example:{port}",
        "attacker.example",
        "127.0.0.1:1",
        "localhost",
        "127.0.0.1.nip.io:{port}",
    ],
)
def test_other_hosts_are_refused_with_421(server: MetricsServer, host: str) -> None:
    status, body = get(server, host.format(port=server.server_address[1]))
    assert status == 421
    assert b"--allow-host" in body and b"up 1" not in body


def test_a_request_without_a_host_is_refused(server: MetricsServer) -> None:
    assert get(server, None)[0] == 400


TITLE = '<img src=x onerror="fetch(1)"> **urgent** [click](http://evil.example) a|b `x`'


def test_incident_titles_are_text_in_the_weekly_markdown() -> None:
    opened = datetime(2026, 11, 24, tzinfo=timezone.utc)
    incident = Incident(7, TITLE, "major", opened, None, None)
    w = weekly.Weekly(
        week="2026-W48",
        monday=weekly.parse_week("2026-W48"),
        trend={},
        slos=[("s", "failed", "SLO s: <b>x</b>")],
        opened=[incident],
        resolved=[],
        alerts=[],
        remediation=weekly.Counter(),
    )
    md = weekly.markdown(w)
    assert "<img" not in md and "<b>" not in md
    assert '&lt;img src=x onerror="fetch(1)"&gt;' in md
    assert "\\*\\*urgent\\*\\* \\[click\\](http://evil.example) a\\|b \\`x\\`" in md
    row = next(line for line in md.splitlines() if line.startswith("| opened"))
    assert row.count(" | ") == 2  # the | in the title did not add a column
    assert "<img" not in weekly.html(replace(w))  # and the HTML escapes as before
