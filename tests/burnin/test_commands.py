"""The command bodies that do not need the shipped data: ingest, schedule, incidents, loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.burnin.loading import load_project
from pytest_burnin.errors import BurninError
from pytest_burnin.store.sqlite import Store

from .conftest import burnin_yaml
from .test_example import run

TEXT = "# TYPE up gauge\nup 1 1700000000\nup 1 1700000060\n# EOF\n"


def test_ingest_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "m.om"
    data.write_text(TEXT)
    store = str(tmp_path / "h.sqlite")
    assert run("ingest", "--store", store, str(data)) == 0
    assert capsys.readouterr().out == (
        f"ingested {data}: 1 series, 2 samples, 2023-11-14T22:13:20.000Z .. 2023-11-14T22:14:20.000Z\n"
    )
    data.write_text("up{ 1\n")
    assert run("ingest", "--store", store, str(data)) == 2
    assert ":1:" in capsys.readouterr().err
    data.write_text("up 0\n")  # a scrape: no timestamps
    assert run("ingest", "--store", store, str(data)) == 2
    assert "timestamp" in capsys.readouterr().err
    assert run("ingest", "--store", store, "--timestamp", "2026-11-28T00:00:00Z", str(data)) == 0
    assert run("ingest", "--store", store, "--timestamp", "2026-11-28T00:00:00", str(data)) == 2
    with Store(store) as s:
        assert s.query("SELECT count(*) FROM samples")[0][0] == 3
        assert s.query("SELECT max(ts) FROM samples")[0][0] == 1_795_824_000_000


def test_schedule_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("schedule", "cron", "--at", "02:15", "--workdir", "/srv/x") == 0
    assert capsys.readouterr().out.startswith(
        "15 2 * * * cd /srv/x && mkdir -p .burnin && burnin record"
    )
    assert run("schedule", "cron", "--at", "25:00") == 2


def test_incident_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "h.sqlite")
    assert run("incident", "--store", store, "open", "vendor outage", "--severity", "sev1") == 0
    assert run("incident", "--store", store, "open", "  ") == 2
    assert run("incident", "--store", store, "resolve", "1") == 0
    capsys.readouterr()
    assert run("incident", "--store", store, "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("#1  resolved  sev1  ") and out[0].endswith("vendor outage")
    assert out[1].startswith("1 incident(s), 0 open, MTTR ")


def test_loading_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(burnin_yaml())
    with pytest.raises(BurninError, match="lists SLO 'integrity', which no spec file defines"):
        load_project([tmp_path]).slo("integrity")
    (tmp_path / "b.yaml").write_text(burnin_yaml().replace("name: ga", "name: beta"))
    with pytest.raises(BurninError, match=r"name the BurnIn entry with --name \(found: beta, ga\)"):
        load_project([tmp_path]).burnin()
    # The one named, checked as validate checks it: its SLOs must exist.
    with pytest.raises(BurninError, match=r"b\.yaml:\d+: the burn-in lists SLO 'integrity'"):
        load_project([tmp_path]).burnin("beta")
    (tmp_path / "c.yaml").write_text(burnin_yaml())
    with pytest.raises(BurninError, match="duplicate BurnIn 'ga'"):
        load_project([tmp_path])
    with pytest.raises(BurninError, match="no such file or folder"):
        load_project([tmp_path / "absent"])
