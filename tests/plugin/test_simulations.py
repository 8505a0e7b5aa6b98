"""Simulated breaches: who fires when, delivery over real HTTP, latency as evidence."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from junitparser import JUnitXml

from tests.plugin.test_outcomes import properties

RULES = """\
groups:
  - name: g
    rules:
      - alert: HighErrors
        expr: errors > 5
        for: 1m
        labels: {severity: page, team: a}
        annotations:
          summary: "errors at {{ $value }}"
          remediation: restart the thing
          runbook_url: https://runbooks.example.test/high-errors
"""


def simulation(expect: str, series: str = "errors: 0x10 10x20", extra: str = "") -> str:
    return f"""\
apiVersion: burnin/v1
kind: Simulation
metadata: {{name: sim}}
spec:
  rules: rules.yaml
  series:
    {series}
{extra}  expect:
{expect}
"""


@pytest.fixture
def sim_dir(pytester: pytest.Pytester) -> pytest.Pytester:
    specs = pytester.mkdir("slo_specs")
    (specs / "rules.yaml").write_text(RULES)
    return pytester


def write(p: pytest.Pytester, text: str) -> None:
    (p.path / "slo_specs" / "sim.yaml").write_text(text)


def test_fires_in_time_and_is_delivered_over_http(sim_dir: pytest.Pytester) -> None:
    write(
        sim_dir,
        simulation(
            "    - alert: HighErrors\n      firing_by: 13m\n      labels: {severity: page}\n"
            "      delivered_within: 2m\n      payload_has: [runbook_url, remediation]\n"
        ),
    )
    result = sim_dir.runpytest("--burnin", "-rA", "--junitxml=r.xml", "-m", "burnin_simulation")
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(
        [
            "PASS  Simulation sim: HighErrors fired at 12m and was delivered 6*s after the breach (1m simulated + * ms delivery)"
        ]
    )
    (case,) = [
        c
        for s in JUnitXml.fromfile(str(sim_dir.path / "r.xml"))
        for c in s
        if c.name == "Simulation:sim"
    ]
    props = properties(case)
    assert props["HighErrors.fired_at"] == "12m"
    assert props["HighErrors.breach_at"] == "11m"
    assert props["HighErrors.latency_simulated_s"] == "60"
    assert 60 <= float(props["HighErrors.latency_total_s"]) < 61
    assert props["HighErrors.dedup_key"]


def test_late_alert_fails_saying_by_how_much(sim_dir: pytest.Pytester) -> None:
    write(sim_dir, simulation("    - alert: HighErrors\n      firing_by: 10m\n"))
    result = sim_dir.runpytest("--burnin", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*Simulation sim: HighErrors fired at 12m, 2m after firing_by 10m"]
    )


def test_alert_that_never_fires_fails(sim_dir: pytest.Pytester) -> None:
    write(sim_dir, simulation("    - alert: HighErrors\n", series="errors: 0x60"))
    result = sim_dir.runpytest("--burnin", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*HighErrors did not fire within 1h (its condition never held)"])


def test_alert_that_must_stay_quiet(sim_dir: pytest.Pytester) -> None:
    write(sim_dir, simulation("    - {alert: HighErrors, fires: false}\n"))
    result = sim_dir.runpytest("--burnin", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*HighErrors fired at 12m, expected it not to fire"])


def test_delivery_slower_than_allowed_fails(sim_dir: pytest.Pytester) -> None:
    rules = RULES.replace("for: 1m", "for: 5m")
    (sim_dir.path / "slo_specs" / "rules.yaml").write_text(rules)
    write(sim_dir, simulation("    - alert: HighErrors\n      delivered_within: 2m\n"))
    result = sim_dir.runpytest("--burnin", "-rf")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*HighErrors reached its channel 300.0s after the breach, over delivered_within 2m (breach 11m, fired 16m)"
        ]
    )


def test_labels_and_payload_mismatch(sim_dir: pytest.Pytester) -> None:
    write(
        sim_dir,
        simulation(
            "    - alert: HighErrors\n      labels_regex: {team: 'b|c'}\n"
            "    - alert: HighErrors\n      payload_has: [dashboard_url]\n"
        ),
    )
    result = sim_dir.runpytest("--burnin", "-rf")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*HighErrors fired at 12m but team='a' (want /b|c/) (+1 more)",
            "*HighErrors: the delivered payload lacks dashboard_url*",
        ]
    )


def test_bad_series_notation_names_the_line(sim_dir: pytest.Pytester) -> None:
    write(sim_dir, simulation("    - alert: HighErrors\n", series="errors: 0x10 10y20"))
    result = sim_dir.runpytest("--burnin")
    result.stdout.fnmatch_lines(["*sim.yaml:7:5: series 'errors': 1:*"])


class _Hook(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.seen.append(
            {
                "path": self.path,
                "body": json.loads(body),
                "key": self.headers.get("Idempotency-Key"),
            }
        )
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@contextlib.contextmanager
def _serving() -> Iterator[str]:
    _Hook.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def webhook() -> Iterator[str]:
    with _serving() as url:
        yield url


def test_real_delivery_goes_to_the_channel(
    sim_dir: pytest.Pytester, webhook: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    (sim_dir.path / "slo_specs" / "channel.yaml").write_text(
        f"apiVersion: burnin/v1\nkind: Channel\nmetadata: {{name: staging}}\nspec: {{type: webhook, url: '{webhook}'}}\n"
    )
    write(sim_dir, simulation("    - alert: HighErrors\n", extra="  channel: staging\n"))
    result = sim_dir.runpytest("--burnin", "--burnin-deliver=real")
    result.assert_outcomes(passed=3)
    # The series ends at 30m, so the alert also resolves: firing, then resolved.
    assert [h["body"]["status"] for h in _Hook.seen] == ["firing", "resolved"]
    sent = _Hook.seen[0]["body"]
    assert sent["version"] == "4"
    assert sent["alerts"][0]["labels"]["alertname"] == "HighErrors"
    assert sent["alerts"][0]["threshold"] == 5
    assert _Hook.seen[0]["key"] != _Hook.seen[1]["key"]


def test_undeliverable_alert_waits_in_the_spool_for_the_next_run(
    sim_dir: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    monkeypatch.delenv("CI", raising=False)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/hook"
    channel = "apiVersion: burnin/v1\nkind: Channel\nmetadata: {{name: staging}}\nspec: {{type: webhook, url: '{url}', retries: 0}}\n"
    (sim_dir.path / "slo_specs" / "channel.yaml").write_text(channel.format(url=dead))
    write(
        sim_dir,
        simulation(
            "    - alert: HighErrors\n", series="errors: 0x10 10x60", extra="  channel: staging\n"
        ),
    )
    result = sim_dir.runpytest("--burnin", "--burnin-deliver=real", "-rf")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*HighErrors: delivery failed after 1 attempt(s): *kept in the spool*"]
    )
    assert len(list((sim_dir.path / ".burnin" / "spool").glob("*.json"))) == 1
    with _serving() as url:
        (sim_dir.path / "slo_specs" / "channel.yaml").write_text(channel.format(url=url))
        result = sim_dir.runpytest("--burnin", "--burnin-deliver=real")
        result.assert_outcomes(passed=3)
        result.stdout.fnmatch_lines(["burnin: spooled alert * to staging: delivered"])
    keys = [h["key"] for h in _Hook.seen]
    assert len(keys) == 2 and keys[0] == keys[1]  # the spooled one, then this run's: same alert
    assert list((sim_dir.path / ".burnin" / "spool").glob("*.json")) == []


def test_real_delivery_is_refused_under_ci(
    sim_dir: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    write(sim_dir, simulation("    - alert: HighErrors\n", extra="  channel: staging\n"))
    result = sim_dir.runpytest("--burnin", "--burnin-deliver=real")
    result.stderr.fnmatch_lines(["*--burnin-deliver=real would page real people from CI*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_breach_injected_into_recorded_data(spec_dir: pytest.Pytester) -> None:
    specs = spec_dir.path / "slo_specs"
    (specs / "rules.yaml").write_text(
        RULES.replace(
            "errors > 5", "sum(rate(failed_total[10m])) / sum(rate(checked_total[10m])) > 0.05"
        )
    )
    sim = """\
apiVersion: burnin/v1
kind: Simulation
metadata: {name: injected}
spec:
  rules: rules.yaml
  duration: 90m
  data:
    from: "2023-11-14T22:13:20Z"
    inject:
      failed_total{job="x"}: 0x30 0+50x60
  expect:
    - alert: HighErrors
      firing_by: 45m
"""
    (specs / "sim.yaml").write_text(sim)
    result = spec_dir.runpytest("--burnin", "-rA", "-m", "burnin_simulation")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(
        ["PASS  Simulation injected: HighErrors fired at 3?m and was delivered*"]
    )
    (specs / "sim.yaml").write_text(sim.replace("failed_total{job=", "failed_total{jobs="))
    result = spec_dir.runpytest("--burnin", "-m", "burnin_simulation")
    result.assert_outcomes(errors=1, deselected=2)
    result.stdout.fnmatch_lines(
        ['*inject names a series the data does not have: failed_total{jobs="x"}*']
    )
