"""``burnin signoff``, ``burnin release-docs`` and ``burnin ga`` refusals and outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.cli import main
from pytest_burnin.release.ga import Case, missing

from .helpers import as_person, commit_all, init_repo

SPEC = """\
apiVersion: burnin/v1
kind: Checklist
metadata: {name: ga}
spec:
  base: ..
  items:
    - {name: readme, check: {type: file, path: README.md}}
    - {name: doc, check: {type: docs, path: RELEASE.md}}
    - {name: owner, signoff: {role: owner}}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "slo_specs").mkdir()
    (tmp_path / "slo_specs" / "checklist.yaml").write_text(SPEC)
    (tmp_path / "README.md").write_text("# x\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_release_docs_writes_then_checks(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release-docs", "--check"]) == 1
    assert "RELEASE.md: out of date" in capsys.readouterr().out
    assert main(["release-docs"]) == 0
    text = (project / "RELEASE.md").read_text()
    assert "| `ga/owner` | sign-off by a **owner** | **pending** |" in text
    assert "`slo_specs/checklist.yaml`" in text  # paths relative to the document
    assert main(["release-docs", "--check"]) == 0
    assert main(["release-docs", "-o", "ALL.md"]) == 0
    assert (project / "ALL.md").read_text() == text


def test_signoff_refusals(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signoff", "ga/nope", "--by", "A", "--role", "owner"]) == 2
    assert "no checklist item 'ga/nope'; sign-off items: ga/owner" in capsys.readouterr().err
    assert main(["signoff", "ga/readme", "--by", "A", "--role", "owner"]) == 2
    assert "is an evidence item (file): it is checked, not signed" in capsys.readouterr().err
    assert main(["signoff", "Checklist:ga/owner", "--by", "A", "--role", "owner"]) == 2
    assert "is not in a git checkout with a commit" in capsys.readouterr().err
    assert main(["signoff", "ga/owner"]) == 2
    assert "burnin signoff ITEM --role ROLE" in capsys.readouterr().err


def test_signoff_list(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    init_repo(project)
    assert main(["signoff", "--list"]) == 0
    out = capsys.readouterr().out
    assert "pending  ga/owner  needs a owner: no sign-off recorded" in out
    with as_person("Olga") as olga:
        assert main(["signoff", "owner", "--by", "Olga", "--role", "owner", "--note", "ok"]) == 0
    capsys.readouterr()
    assert main(["signoff", "--list"]) == 0  # recorded, not yet committed by Olga
    assert "is not committed" in capsys.readouterr().out
    commit_all(project, "sign", who=olga)
    assert main(["signoff", "--list"]) == 0
    out = capsys.readouterr().out
    assert "signed   ga/owner  by Olga as owner" in out and "0 sign-off(s) pending" in out


def test_ga_refuses_outside_git(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ga", "--junit", "none.xml"]) == 2
    assert "cannot declare GA" in capsys.readouterr().err


def test_missing_lists_every_gap() -> None:
    cases = [
        Case("Checklist:ga/a", "passed", "", {"burnin.kind": "Checklist", "commit": "abc"}),
        Case(
            "Checklist:ga/b",
            "skipped",
            "pending sign-off",
            {"burnin.kind": "Checklist", "burnin.name": "ga/b"},
        ),
        Case("SLO:x", "failed", "SLO x: 2% bad\nmore", {"burnin.kind": "SLO", "burnin.name": "x"}),
    ]
    assert missing(cases, "abc") == [
        "Checklist ga/b: skipped: pending sign-off",
        "SLO x: 2% bad",
    ]
    assert missing(cases[:1], "def")[-1].startswith("the report is for commit abc")
    assert missing([], "abc") == [
        "no checklist item in the report (is there a kind: Checklist spec?)"
    ]
