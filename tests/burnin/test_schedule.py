"""The daily job's definitions: exact text for the default job, and what each must contain."""

from __future__ import annotations

import pytest
import yaml

from pytest_burnin.burnin.schedule import Job, emit
from pytest_burnin.errors import BurninError


def test_github_workflow() -> None:
    text = emit("github")
    data = yaml.safe_load(text)
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert data[True] == {"schedule": [{"cron": "30 0 * * *"}], "workflow_dispatch": {}}
    assert data["concurrency"] == {"group": "burnin-history", "cancel-in-progress": False}
    steps = data["jobs"]["burnin"]["steps"]
    uses = [s.get("uses") for s in steps]
    assert "actions/cache/restore@v4" in uses and "actions/cache/save@v4" in uses
    assert "actions/upload-artifact@v4" in uses
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[-2:] == [
        "burnin record --store .burnin/history.sqlite slo_specs",
        "pytest --burnin --junitxml=.burnin/burnin.xml",
    ]
    restore = next(s for s in steps if s.get("uses") == "actions/cache/restore@v4")
    assert restore["with"] == {
        "path": ".burnin",
        "key": "burnin-history-${{ github.run_id }}",
        "restore-keys": "burnin-history-",
    }
    save = next(s for s in steps if s.get("uses") == "actions/cache/save@v4")
    assert save["if"] == "always()"


def test_systemd_units() -> None:
    text = emit("systemd", Job(at="01:05", workdir="/srv/ingest", burnin="/srv/venv/bin/burnin"))
    assert (
        "ExecStart=/srv/venv/bin/burnin record --store .burnin/history.sqlite slo_specs\n" in text
    )
    assert "ExecStart=pytest --burnin --junitxml=.burnin/burnin.xml\n" in text
    assert "OnCalendar=*-*-* 01:05:00 UTC\nPersistent=true\n" in text
    assert "Type=oneshot" in text and "WorkingDirectory=/srv/ingest" in text
    assert "[Install]\nWantedBy=timers.target" in text


def test_cron_line_exact() -> None:
    assert emit("cron", Job(workdir="/srv/my app")) == (
        "30 0 * * * cd '/srv/my app' && mkdir -p .burnin && burnin record --store .burnin/history.sqlite slo_specs"
        " >> .burnin/cron.log 2>&1 && pytest --burnin --junitxml=.burnin/burnin.xml"
        " >> .burnin/cron.log 2>&1\n"
    )


@pytest.mark.parametrize("at", ["24:00", "7", "12:60", "noon"])
def test_bad_time_refused(at: str) -> None:
    with pytest.raises(BurninError, match="HH:MM"):
        emit("cron", Job(at=at))


def test_unknown_kind_refused() -> None:
    with pytest.raises(BurninError, match="github, systemd, cron"):
        emit("launchd")
