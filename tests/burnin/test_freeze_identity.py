"""The freeze is bound to the burn-in's identity and the frozen files' content, not its name
(issue 12, item 4)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_burnin.burnin.freeze import FreezeRefused, record_baseline
from pytest_burnin.burnin.incidents import open_incident
from pytest_burnin.cli import main
from pytest_burnin.store.sqlite import Store
from tests.conftest import REPO

from .test_example_gate import days, record


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    shutil.copytree(REPO / "slo_specs", pytester.path / "slo_specs")
    shutil.copytree(REPO / "docs", pytester.path / "docs")
    monkeypatch.chdir(pytester.path)
    return pytester


def change_scoring(p: pytest.Pytester) -> None:
    scoring = p.path / "slo_specs" / "config" / "scoring.yaml"
    scoring.write_text(scoring.read_text().replace("fail_below: 0.80", "fail_below: 0.70"))


def rename(p: pytest.Pytester, new: str, frozen: str | None = None) -> None:
    spec = p.path / "slo_specs" / "burnin.yaml"
    text = spec.read_text().replace("name: ingest-ga", f"name: {new}")
    if frozen is not None:
        text = text.replace("frozen: [config/scoring.yaml]", f"frozen: {frozen}")
    spec.write_text(text)


def status(p: pytest.Pytester, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(
        [
            "status",
            "--store",
            str(p.path / ".burnin" / "history.sqlite"),
            "--as-of",
            "2026-11-24",
            str(p.path / "slo_specs"),
        ]
    )
    return code, capsys.readouterr().out


def test_renaming_the_burnin_keeps_the_freeze_and_the_change_fails_it(
    project: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    # The report: change the frozen file, rename the BurnIn, record a day.
    record(project, *days("2026-10-26", 30))
    assert "frozen: baseline of 1 file(s) recorded" in capsys.readouterr().out
    change_scoring(project)
    rename(project, "ingest-ga-v2")
    record(project, "2026-11-24")
    out = capsys.readouterr().out
    assert "baseline" not in out  # no new baseline from the changed file
    code, out = status(project, capsys)
    assert code == 1
    assert "GA-ready" not in out.replace("not GA-ready", "")
    assert (
        "FAIL  BurnIn ingest-ga-v2: 1 frozen file(s) changed outside an open incident: "
        "config/scoring.yaml"
    ) in out
    assert "'burnin freeze --incident N --note WHY'" in out


def test_a_new_burnin_over_a_changed_frozen_file_gets_no_baseline(
    project: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    # Renaming and rewriting the globs too gives a new identity: the store still
    # knows the file's frozen content and refuses to take a new baseline from it.
    record(project, *days("2026-10-26", 30))
    change_scoring(project)
    rename(project, "ingest-ga-v2", frozen="[config/*.yaml]")
    capsys.readouterr()
    store = str(project.path / ".burnin" / "history.sqlite")
    specs = str(project.path / "slo_specs")
    assert main(["record", "--store", store, specs, "--date", "2026-11-24"]) == 2
    err = capsys.readouterr().err
    assert "config/scoring.yaml changed since it was frozen for burn-in 'ingest-ga'" in err
    assert "burnin incident open" in err and "burnin freeze --incident N" in err
    code, out = status(project, capsys)
    assert code == 1
    assert "no baseline of the frozen files recorded" in out


def test_under_an_open_incident_a_new_baseline_is_taken_and_names_it(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("a: 1\n")
    with Store(tmp_path / "h.sqlite") as store:
        assert record_baseline(store, "old", tmp_path, ["f.yaml"], identity="i1") == 1
        (tmp_path / "f.yaml").write_text("a: 2\n")
        with pytest.raises(FreezeRefused, match=r"f\.yaml changed since it was frozen"):
            record_baseline(store, "new", tmp_path, ["f.yaml"], identity="i2")
        n = open_incident(store, "formula fix")
        assert record_baseline(store, "new", tmp_path, ["f.yaml"], identity="i2") == 1
        row = store.query("SELECT incident_id FROM frozen_files WHERE identity = 'i2'")
        assert [r[0] for r in row] == [n]
        # Same identity under another name: the freeze it already has, nothing new.
        assert record_baseline(store, "renamed", tmp_path, ["f.yaml"], identity="i1") == 0
