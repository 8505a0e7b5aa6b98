"""`burnin_store = postgresql://...`: the daily job records into a database and the pytest
item judges from it, as with the SQLite file, and no output carries the password."""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta

import pytest

from pytest_burnin.cli import main
from tests.conftest import REPO


@pytest.fixture
def project(
    pytester: pytest.Pytester, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> pytest.Pytester:
    shutil.copytree(REPO / "slo_specs", pytester.path / "slo_specs")
    shutil.copytree(REPO / "docs", pytester.path / "docs")
    pytester.makeini(f"[pytest]\nburnin_store = {pg_url}\n")
    monkeypatch.chdir(pytester.path)
    return pytester


def days(first: str, n: int) -> list[str]:
    start = date.fromisoformat(first)
    return [(start + timedelta(i)).isoformat() for i in range(n)]


def test_days_recorded_into_the_database_give_the_verdict(
    project: pytest.Pytester, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    password = os.environ["BURNIN_STORE_PASSWORD"]
    every = days("2026-10-26", 30)
    argv = ["record", str(project.path / "slo_specs"), "--no-remediate"]
    for d in every:
        if d != "2026-11-05":
            argv += ["--date", d]
    assert main(argv) == 0
    recorded = capsys.readouterr()
    assert password not in recorded.out + recorded.err
    assert not (project.path / ".burnin" / "history.sqlite").exists()  # nothing went to a file
    result = project.runpytest("--burnin", "-m", "burnin_burnin")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"burnin: specs slo_specs; store {pg_url}; *",
            "*BurnIn ingest-ga: exit criteria not met: day 30 of 30, 1 day(s) missing: 2026-11-05*",
            f"  store: {pg_url}",
        ]
    )
    # The missing day recorded by the plugin's daily job, into the same database.
    result = project.runpytest(
        "--burnin", "--burnin-record=2026-11-05", "-m", "burnin_burnin", "-v"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["PASS  BurnIn ingest-ga: exit criteria met after 30 of 30 days: GA-ready"]
    )
    assert password not in result.stdout.str() + result.stderr.str()
    assert not (project.path / ".burnin" / "history.sqlite").exists()  # the ini's store, only
    assert main(["status", str(project.path / "slo_specs"), "--as-of", "2026-11-24"]) == 0


def test_an_unreachable_database_is_an_error_not_a_pass(
    project: pytest.Pytester, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BURNIN_STORE_PASSWORD", "not-the-password")
    result = project.runpytest("--burnin", "-m", "burnin_burnin")
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert f"history store {pg_url}: cannot connect" in out
    assert "password authentication failed" in out
    assert "not-the-password" not in out and "Traceback" not in out
