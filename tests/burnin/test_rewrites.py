"""Recorded days cannot be rewritten silently (issue 12, item 5)."""

from __future__ import annotations

import shutil

import pytest

from pytest_burnin.cli import main
from tests.conftest import REPO


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    shutil.copytree(REPO / "slo_specs", pytester.path / "slo_specs")
    shutil.copytree(REPO / "docs", pytester.path / "docs")
    monkeypatch.chdir(pytester.path)
    return pytester


def set_integrity_objective(p: pytest.Pytester, old: str, new: str) -> None:
    slos = p.path / "slo_specs" / "slos.yaml"
    text = slos.read_text()
    assert f"objective: {{below: {old}}}" in text
    slos.write_text(text.replace(f"objective: {{below: {old}}}", f"objective: {{below: {new}}}"))


def burnin(p: pytest.Pytester, *argv: str) -> list[str]:
    return [
        argv[0],
        "--store",
        str(p.path / ".burnin" / "history.sqlite"),
        str(p.path / "slo_specs"),
        *argv[1:],
    ]


RANGE = ("--from", "2026-10-26", "--to", "2026-11-24")


def test_loosening_an_objective_and_rerecording_needs_an_explicit_logged_rewrite(
    project: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tight objective fails the 14-day integrity share on some days.
    set_integrity_objective(project, "0.01", "0.0045")
    assert main(burnin(project, "record", *RANGE, "--no-remediate")) == 0
    out = capsys.readouterr().out
    failed = sum(1 for line in out.splitlines() if "integrity" in line and " fail" in line)
    assert failed > 0
    # Loosen it and record the same days again: refused, nothing replaced.
    set_integrity_objective(project, "0.0045", "0.01")
    assert main(burnin(project, "record", *RANGE, "--no-remediate")) == 2
    err = capsys.readouterr().err
    assert "is already recorded and this run judges it differently" in err
    assert "--rewrite --reason TEXT" in err
    assert main(burnin(project, "status", "--as-of", "2026-11-24")) == 1
    assert f"{failed} day(s) missed the 14d objective" in capsys.readouterr().out
    # --rewrite alone is not enough: it needs a reason.
    assert main(burnin(project, "record", *RANGE, "--no-remediate", "--rewrite")) == 2
    assert "--rewrite needs --reason" in capsys.readouterr().err
    # With the override every replaced day is printed, audited and shown by the verdict.
    argv = burnin(
        project, "record", *RANGE, "--no-remediate", "--rewrite", "--reason", "SLO review"
    )
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count("REWROTE integrity: fail") == failed
    assert main(burnin(project, "status", "--as-of", "2026-11-24")) == 0
    out = capsys.readouterr().out
    # The objective's text changed on all 30 days; 13 of them changed verdict.
    assert f"30 recorded day(s) rewritten ({failed} with another verdict)" in out
    assert "integrity: fail 0.00" in out and "(below 0.0045) rewritten to pass" in out
    assert ": SLO review" in out


def test_the_pytest_item_shows_rewritten_days(
    project: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    set_integrity_objective(project, "0.01", "0.0045")
    assert main(burnin(project, "record", *RANGE, "--no-remediate")) == 0
    set_integrity_objective(project, "0.0045", "0.01")
    argv = burnin(project, "record", *RANGE, "--no-remediate", "--rewrite", "--reason", "review")
    assert main(argv) == 0
    result = project.runpytest("--burnin", "-rA", "-m", "burnin_burnin", "--junitxml=out.xml")
    result.stdout.fnmatch_lines(["*BurnIn ingest-ga*"])
    xml = (project.path / "out.xml").read_text()
    assert 'name="rewritten_days" value="2026-' in xml


def test_the_pytest_daily_job_does_not_rewrite_a_recorded_day(
    project: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(burnin(project, "record", "--date", "2026-11-05", "--no-remediate")) == 0
    set_integrity_objective(project, "0.01", "0.02")
    result = project.runpytest("--burnin", "--burnin-record=2026-11-05", "-m", "burnin_burnin")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    out = result.stdout.str() + result.stderr.str()
    assert "2026-11-05 is already recorded and this run judges it differently" in out
    assert "Traceback" not in out and "INTERNALERROR" not in out
