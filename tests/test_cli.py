"""The ``burnin`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_burnin.cli import main
from tests.conftest import REPO


def test_validate_the_shipped_specs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["validate", "slo_specs"]) == 0
    out = capsys.readouterr().out
    assert "ok  slo_specs/slos.yaml:3  SLO:integrity" in out
    assert "0 with errors" in out


def test_validate_reports_errors_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: x}\nspec: {window: 1h}\n")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4:1: spec: 'indicator' is a required property" in err
    assert "1 file(s), 1 with errors" in err


def test_exported_schemas_are_the_committed_ones(tmp_path: Path) -> None:
    assert main(["schemas", "-o", str(tmp_path)]) == 0
    for exported in tmp_path.glob("*.json"):
        committed = REPO / "schemas" / exported.name
        assert json.loads(exported.read_text()) == json.loads(committed.read_text()), (
            f"{committed} is out of date: run `burnin schemas`"
        )


def test_flush_delivers_what_the_spool_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket
    from datetime import datetime, timezone

    from pytest_burnin.alerting import Alert, Notification, build_channel, deliver
    from tests.plugin.test_simulations import _Hook, _serving

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/hook"
    spool = tmp_path / "spool"
    alert = Alert(
        {"alertname": "X", "severity": "page"}, starts_at=datetime(2026, 11, 1, tzinfo=timezone.utc)
    )
    result = deliver(
        Notification.of(alert),
        build_channel("ops", {"type": "webhook", "url": dead, "retries": 0}),
        spool_dir=spool,
    )
    assert not result.delivered and result.spooled
    specs = tmp_path / "specs"
    specs.mkdir()
    with _serving() as url:
        (specs / "channel.yaml").write_text(
            f"apiVersion: burnin/v1\nkind: Channel\nmetadata: {{name: ops}}\nspec: {{type: webhook, url: '{url}'}}\n"
        )
        # An unrelated broken spec file is reported, and does not stop delivery.
        (specs / "broken.yaml").write_text("apiVersion: burnin/v1\nkind: SLO\nmetadata: {}\n")
        assert main(["flush", str(specs), "--spool", str(spool)]) == 0
    assert [h["key"] for h in _Hook.seen] == [alert.dedup_key]
    out, err = capsys.readouterr()
    assert "0 notification(s) still pending" in out
    assert "burnin flush: skipped a spec file: " in err and "broken.yaml:1:" in err
