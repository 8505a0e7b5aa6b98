"""A damaged store or an unwritable .burnin: a clear error naming the file, never a traceback
(issue 12, item 16)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pytest_burnin.burnin.storecheck import check_file
from pytest_burnin.cli import main
from pytest_burnin.store.sqlite import Store, StoreCorrupt
from tests.conftest import REPO

from .test_example_gate import days, record


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copytree(REPO / "slo_specs", pytester.path / "slo_specs")
    shutil.copytree(REPO / "docs", pytester.path / "docs")
    return pytester


def corrupt(path: Path) -> None:
    """Overwrite every page after the first (the schema) with garbage, as a bad disk would."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = 4096
    data = bytearray(path.read_bytes())
    assert len(data) > 2 * page, "the store is too small to damage a data page"
    data[page:] = b"\xa5" * (len(data) - page)
    path.write_bytes(bytes(data))


def store_of(p: pytest.Pytester) -> Path:
    return p.path / ".burnin" / "history.sqlite"


def test_a_damaged_page_is_named_with_what_to_do_in_status_and_record(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project.path)
    record(project, *days("2026-10-26", 10))
    store = store_of(project)
    corrupt(store)
    capsys.readouterr()
    specs = str(project.path / "slo_specs")
    for argv in (
        ["status", "--store", str(store), specs],
        ["record", "--store", str(store), specs, "--date", "2026-11-10"],
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"history store {store} is damaged" in err
        assert "burnin store check" in err and "restore it from a backup" in err
        assert "Traceback" not in err


def test_a_damaged_store_is_a_pytest_error_not_a_traceback(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.path)
    record(project, *days("2026-10-26", 10))
    corrupt(store_of(project))
    result = project.runpytest("--burnin", "-m", "burnin_burnin")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*history store *history.sqlite is damaged*burnin store check*"])
    assert "Traceback" not in result.stdout.str()
    assert "sqlite3.DatabaseError" not in result.stdout.str()


def test_store_check_says_ok_or_lists_the_damage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "h.sqlite"
    with Store(path) as s:
        s.executemany(
            "INSERT INTO incidents (title, severity, opened_at) VALUES (?, 'sev3', 'x')",
            [(f"incident {i} " + "x" * 200,) for i in range(200)],
        )
    assert check_file(path) == []
    assert main(["store", "--store", str(path), "check"]) == 0
    assert capsys.readouterr().out == f"{path}: ok\n"
    backup = tmp_path / "copy.sqlite"
    assert main(["store", "--store", str(path), "backup", str(backup)]) == 0
    assert check_file(backup) == []
    capsys.readouterr()
    corrupt(path)
    assert main(["store", "--store", str(path), "check"]) == 1
    out = capsys.readouterr()
    assert out.out.startswith(f"{path}: ") and "ok\n" not in out.out
    assert "restore it from a backup" in out.err
    with pytest.raises(StoreCorrupt, match="is damaged"), Store(path) as s:
        s.query("SELECT count(*) FROM incidents")


def test_an_unwritable_burnin_folder_keeps_the_summary(project: pytest.Pytester) -> None:
    # .burnin as a plain file: nothing can be written under it (as read-only or
    # full would; a chmod does not stop root, who runs CI containers).
    (project.path / ".burnin").write_text("not a folder\n")
    result = project.runpytest("--burnin", "-rA", "-m", "burnin_slo")
    out = result.stdout.str()
    assert "INTERNALERROR" not in out and "Traceback" not in out
    result.stdout.fnmatch_lines(
        [
            "*burn-in last run NOT written to *last_run.json*make .burnin writable*",
            "*burn-in summary*",
            "PASS  SLO integrity*",
        ]
    )
    assert result.ret == 0


def test_an_unwritable_store_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the folder should be\n")
    with pytest.raises(Exception, match="cannot create the folder of the history store"):
        Store(tmp_path / "blocked" / "history.sqlite")


def test_recording_into_a_damaged_store_from_pytest_is_a_clear_error(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.path)
    record(project, *days("2026-10-26", 10))
    corrupt(store_of(project))
    result = project.runpytest("--burnin", "--burnin-record=2026-11-05", "-m", "burnin_burnin")
    assert result.ret != 0
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out and "INTERNALERROR" not in out
    assert "is damaged" in out and "burnin store check" in out
