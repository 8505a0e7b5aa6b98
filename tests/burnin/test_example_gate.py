"""The shipped burn-in, end to end through the CLI and the plugin."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest

from pytest_burnin.cli import main
from tests.conftest import REPO


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copytree(REPO / "slo_specs", pytester.path / "slo_specs")
    shutil.copytree(REPO / "docs", pytester.path / "docs")
    return pytester


def record(p: pytest.Pytester, *days: str) -> None:
    args = [
        "record",
        "--store",
        str(p.path / ".burnin" / "history.sqlite"),
        str(p.path / "slo_specs"),
    ]
    for d in days:
        args += ["--date", d]
    assert main(args) == 0


def days(first: str, n: int) -> list[str]:
    start = date.fromisoformat(first)
    return [(start + timedelta(i)).isoformat() for i in range(n)]


def test_thirty_recorded_days_give_a_green_verdict(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.path)
    record(project, *days("2026-10-26", 30))
    result = project.runpytest("--burnin", "-m", "burnin_burnin", "-v")
    assert result.parseoutcomes()["passed"] == 1
    result.stdout.fnmatch_lines(
        ["PASS  BurnIn ingest-ga: exit criteria met after 30 of 30 days: GA-ready"]
    )


def test_a_missing_day_is_named(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project.path)
    every = days("2026-10-26", 30)
    record(project, *(d for d in every if d != "2026-11-05"))
    result = project.runpytest("--burnin", "-m", "burnin_burnin")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*BurnIn ingest-ga: exit criteria not met: day 30 of 30, 1 day(s) missing: 2026-11-05*"]
    )


def test_no_store_is_an_error_not_a_pass(project: pytest.Pytester) -> None:
    result = project.runpytest("--burnin", "-m", "burnin_burnin")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no history store at *history.sqlite*burnin record*"])


def test_record_option_runs_the_daily_job_first(project: pytest.Pytester) -> None:
    result = project.runpytest("--burnin", "--burnin-record=2026-11-24", "-m", "burnin_burnin")
    result.stdout.fnmatch_lines(
        [
            "burnin record: ingest-ga 2026-11-24: integrity 0.0047395 pass, ingestion-success 0.995386 pass, privacy-violations 0 pass"
        ]
    )
    result.assert_outcomes(failed=1)  # one day of thirty: not yet GA-ready


def test_a_changed_frozen_file_without_incident_fails(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.path)
    record(project, *days("2026-10-26", 30))
    scoring = project.path / "slo_specs" / "config" / "scoring.yaml"
    scoring.write_text(scoring.read_text().replace("fail_below: 0.80", "fail_below: 0.70"))
    result = project.runpytest("--burnin", "-m", "burnin_burnin")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*config/scoring.yaml*"])


def test_a_failing_day_is_handed_to_the_channels(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import sqlite3

    monkeypatch.chdir(project.path)
    specs = project.path / "slo_specs"
    slos = specs / "slos.yaml"
    slos.write_text(
        slos.read_text().replace("objective: {below: 0.01}", "objective: {below: 0.001}")
    )
    (specs / "channel.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: log}\nspec: {type: file, path: alerts.jsonl}\n"
    )
    burnin = specs / "burnin.yaml"
    burnin.write_text(
        burnin.read_text().replace(
            "frozen: [config/scoring.yaml]", "frozen: [config/scoring.yaml]\n  notify: [log]"
        )
    )
    args = [
        "record",
        "--store",
        str(project.path / ".burnin" / "history.sqlite"),
        str(specs),
        "--date",
        "2026-11-24",
    ]
    assert main(args) == 0
    assert main(args) == 0  # the same day again: no second event
    lines = [json.loads(x) for x in (project.path / "alerts.jsonl").read_text().splitlines()]
    assert lines, "the failing check was not handed to the channel"
    assert lines[0]["alerts"][0]["labels"] == {
        "alertname": "BurnInCheckFailed",
        "burnin": "ingest-ga",
        "check": "integrity",
        "severity": "ticket",
    }
    with sqlite3.connect(project.path / ".burnin" / "history.sqlite") as db:
        events = db.execute("SELECT alertname, state, channel FROM alert_events").fetchall()
    assert events == [("BurnInCheckFailed", "fired", "log")]
