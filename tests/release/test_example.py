"""The shipped release checklist, end to end on a git copy of the repository's example.

``pytest --burnin --burnin-release`` fails while the sign-offs are missing and
passes once ``burnin signoff`` recorded each; ``burnin ga`` then records GA.
The copy is a fresh ``git init`` in a temporary folder: the real repository is
never touched.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from pytest_burnin.cli import main
from tests.conftest import REPO

from .helpers import as_person, commit_all, init_repo

SIGNERS = [
    ("ga/release-manager", "Rita Release", "release-manager"),
    ("ga/service-owner", "Sam Owner", "service-owner"),
    ("pytest-burnin/maintainer", "Max Maintainer", "maintainer"),
]


def sign_all() -> None:
    """Each signer signs as themselves (their git identity) and commits their record."""
    for item, by, role in SIGNERS:
        with as_person(by) as who:
            assert main(["signoff", item, "--by", by, "--role", role]) == 0
        commit_all(Path.cwd(), f"sign {item}", who=who)


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    root = pytester.path
    ignore = shutil.ignore_patterns("signoffs.yaml", "ga.yaml")
    for folder in ("slo_specs", "docs", "schemas"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    for name in ("README.md", "RELEASE_CHECKLIST.md"):
        shutil.copy(REPO / name, root / name)
    # A fresh clone's files are as new as the checkout: so is this copy's backup sample.
    now = time.time()
    os.utime(root / "slo_specs" / "evidence" / "ingest-db.sample.dump", (now, now))
    monkeypatch.chdir(root)
    monkeypatch.delenv("INGEST_BACKUP_PATH", raising=False)
    start = date(2026, 10, 26)
    record = ["record", "--store", str(root / ".burnin" / "history.sqlite"), "slo_specs"]
    for i in range(30):
        record += ["--date", (start + timedelta(i)).isoformat()]
    assert main(record) == 0
    # The history store is not part of the release record (CI restores it from a cache).
    (root / ".gitignore").write_text(".burnin/\n*.xml\n")
    init_repo(root)
    return pytester


def test_release_gate_blocks_until_every_signoff_is_recorded(
    project: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    daily = project.runpytest("--burnin")
    assert daily.ret == 0, "pytest --burnin must stay green while sign-offs are pending"
    daily.stdout.fnmatch_lines(["*SKIP  Checklist ga/release-manager: pending sign-off*"])

    blocked = project.runpytest("--burnin", "--burnin-release", "--junitxml=blocked.xml")
    assert blocked.parseoutcomes()["failed"] == 3
    blocked.stdout.fnmatch_lines(["*gate: BLOCKED*"])
    failed = {ln.split(" - ")[0] for ln in blocked.stdout.lines if ln.startswith("FAILED ")}
    assert failed == {
        f"FAILED slo_specs/checklist.yaml::Checklist:{item}" for item, _, _ in SIGNERS
    }
    capsys.readouterr()
    assert main(["ga", "--junit", "blocked.xml"]) == 1
    assert "not GA: 3 thing(s) missing" in capsys.readouterr().err

    assert main(["signoff", "--list"]) == 0
    assert "3 sign-off(s) pending" in capsys.readouterr().out
    sign_all()
    assert main(["release-docs"]) == 0
    assert "Rita Release (release-manager)" in (project.path / "RELEASE_CHECKLIST.md").read_text()
    commit_all(project.path, "sign the release")

    green = project.runpytest("--burnin", "--burnin-release", "--junitxml=release.xml")
    assert green.ret == 0, "\n".join(green.stdout.lines[-30:])
    capsys.readouterr()
    assert main(["ga", "--dry-run"]) == 0  # runs the gate itself, in a subprocess
    assert "GA holds for commit" in capsys.readouterr().out
    assert not (project.path / "slo_specs" / "ga.yaml").exists()
    assert main(["ga", "--junit", "release.xml"]) == 0
    declared = yaml.safe_load((project.path / "slo_specs" / "ga.yaml").read_text())
    decl = declared["declarations"][-1]
    assert {s["by"] for s in decl["signers"]} == {by for _, by, _ in SIGNERS}
    assert decl["burnin_window"]["start"] == "2026-10-26"
    assert decl["checklists"] == ["ga", "pytest-burnin"]


def test_changing_an_item_after_signing_blocks_again(project: pytest.Pytester) -> None:
    sign_all()
    spec = project.path / "slo_specs" / "checklist.yaml"
    spec.write_text(
        spec.read_text().replace(
            "signoff: {role: service-owner}", "signoff: {role: service-owner, description: now}"
        )
    )
    assert main(["release-docs"]) == 0
    commit_all(project.path, "sign, then change an item")
    result = project.runpytest("--burnin", "--burnin-release")
    failed = [ln.split(" - ")[0] for ln in result.stdout.lines if ln.startswith("FAILED ")]
    # The changed item names why; the others are bound to a commit whose specs changed since.
    assert len(failed) == 3
    result.stdout.fnmatch_lines(
        [
            "*FAIL  Checklist ga/release-manager: *stale: Rita Release signed commit *; "
            "since then slo_specs/checklist.yaml changed",
            "*FAIL  Checklist ga/service-owner: *stale: the item changed since Sam Owner signed it*",
        ]
    )
