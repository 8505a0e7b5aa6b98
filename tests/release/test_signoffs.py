"""Sign-off records: bound to the item's content and to a commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_burnin.release.commands import record_signoff
from pytest_burnin.release.kind import load_items
from pytest_burnin.release.model import ChecklistItem
from pytest_burnin.release.signoffs import Record, append_record, judge_all, read_records

from .helpers import AUTHOR, commit_all, git, init_repo

CHECKLIST = """\
apiVersion: burnin/v1
kind: Checklist
metadata: {{name: ga}}
spec:
  distinct_signers: {distinct}
  items:
    - {{name: rm, signoff: {{role: release-manager}}}}
    - {{name: owner, signoff: {{role: service-owner}}}}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "checklist.yaml").write_text(CHECKLIST.format(distinct="true"))
    (tmp_path / "app.py").write_text("VERSION = 1\n")
    init_repo(tmp_path)
    return tmp_path


def items(repo: Path) -> list[ChecklistItem]:
    return load_items([repo / "specs" / "checklist.yaml"])


def judge(repo: Path) -> dict[str, Any]:
    its = items(repo)
    got = judge_all(its, read_records(repo / "specs" / "signoffs.yaml"), repo / "specs")
    return {k: (v.record.by if v.record else v.why) for k, v in got.items()}


def sign(repo: Path, name: str, by: str, role: str, **kw: str) -> int:
    item = next(i for i in items(repo) if i.name == name)
    return record_signoff(item, by, role, **kw)


def test_a_recorded_signoff_holds_and_survives_committing_it(repo: Path) -> None:
    assert sign(repo, "rm", "Ada Lovelace", "release-manager", note="go") == 0
    assert judge(repo)["ga/rm"] == "Ada Lovelace"
    commit_all(repo, "record the sign-off")  # only the record file changed
    assert judge(repo)["ga/rm"] == "Ada Lovelace"
    assert judge(repo)["ga/owner"].startswith("no sign-off recorded")
    data = yaml.safe_load((repo / "specs" / "signoffs.yaml").read_text())
    row = data["signoffs"][0]
    assert row["item"] == "ga/rm" and row["note"] == "go" and row["item_hash"].startswith("sha256:")


def test_changing_the_item_makes_it_stale(repo: Path) -> None:
    sign(repo, "rm", "Ada Lovelace", "release-manager")
    spec = repo / "specs" / "checklist.yaml"
    spec.write_text(
        spec.read_text().replace("{name: rm, signoff:", "{name: rm, title: New, signoff:")
    )
    assert judge(repo)["ga/rm"].startswith("stale: the item changed since Ada Lovelace signed it")


def test_a_later_code_change_invalidates(repo: Path) -> None:
    sign(repo, "rm", "Ada Lovelace", "release-manager")
    (repo / "app.py").write_text("VERSION = 2\n")
    commit_all(repo, "another change")
    assert judge(repo)["ga/rm"].startswith("stale: Ada Lovelace signed commit ")
    assert judge(repo)["ga/rm"].endswith("app.py changed")


def test_a_signoff_for_another_commit_does_not_hold(repo: Path) -> None:
    other = Record(
        item="ga/rm",
        by="Ada Lovelace",
        role="release-manager",
        at="2026-11-28T10:00:00Z",
        commit="0123456789abcdef0123456789abcdef01234567",
        item_hash=next(i for i in items(repo) if i.name == "rm").content_hash,
    )
    append_record(repo / "specs" / "signoffs.yaml", other)
    assert "signed for commit 0123456789ab, which is not an ancestor" in judge(repo)["ga/rm"]


def test_a_signoff_in_the_wrong_role_does_not_count(repo: Path) -> None:
    item = next(i for i in items(repo) if i.name == "rm")
    append_record(
        repo / "specs" / "signoffs.yaml",
        Record("ga/rm", "Bob", "service-owner", "2026-11-28T10:00:00Z", "HEAD", item.content_hash),
    )
    assert (
        judge(repo)["ga/rm"] == "Bob signed as service-owner, but this item needs a release-manager"
    )


def test_the_command_refuses_a_wrong_role(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sign(repo, "rm", "Ada", "service-owner") == 2
    assert "ga/rm needs a sign-off as release-manager, not service-owner" in capsys.readouterr().err
    assert not (repo / "specs" / "signoffs.yaml").exists()


def test_the_author_of_the_change_cannot_sign(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sign(repo, "rm", AUTHOR[0], "release-manager") == 2
    assert "wrote the change being released" in capsys.readouterr().err
    # Nor does a record written by hand hold.
    head = git(repo, "rev-parse", "HEAD")
    item = next(i for i in items(repo) if i.name == "rm")
    append_record(
        repo / "specs" / "signoffs.yaml",
        Record(
            "ga/rm",
            "someone",
            "release-manager",
            "2026-11-28T10:00:00Z",
            str(head),
            item.content_hash,
            email=AUTHOR[1],
        ),
    )
    assert "wrote the change being released" in judge(repo)["ga/rm"]


def test_distinct_signers(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sign(repo, "rm", "Ada", "release-manager") == 0
    assert sign(repo, "owner", "ada", "service-owner") == 2
    assert "already signed ga/rm as release-manager" in capsys.readouterr().err
    item = next(i for i in items(repo) if i.name == "owner")
    first = read_records(repo / "specs" / "signoffs.yaml")[0]
    append_record(
        repo / "specs" / "signoffs.yaml",
        Record(
            "ga/owner",
            "Ada",
            "service-owner",
            "2026-12-01T00:00:00Z",
            first.commit,
            item.content_hash,
        ),
    )
    assert judge(repo)["ga/owner"].startswith("Ada already signed ga/rm as release-manager")
    assert judge(repo)["ga/rm"] == "Ada"


def test_records_are_kept_and_the_latest_holding_one_wins(repo: Path) -> None:
    sign(repo, "rm", "Ada", "release-manager")
    sign(repo, "rm", "Grace", "release-manager")
    assert [r.by for r in read_records(repo / "specs" / "signoffs.yaml")] == ["Ada", "Grace"]
    assert judge(repo)["ga/rm"] in ("Ada", "Grace")  # same second: either holds
    assert not list((repo / "specs").glob(".signoffs.yaml.*"))  # no temp file left


def test_uncommitted_spec_changes_refuse(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = repo / "specs" / "checklist.yaml"
    spec.write_text(spec.read_text() + "# edited\n")
    assert sign(repo, "rm", "Ada", "release-manager") == 2
    assert "uncommitted changes" in capsys.readouterr().err


def test_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "checklist.yaml").write_text(CHECKLIST.format(distinct="false"))
    its = load_items([tmp_path / "checklist.yaml"])
    assert record_signoff(its[0], "Ada", "release-manager") == 2
    assert "a sign-off is bound to a commit" in capsys.readouterr().err
    got = judge_all(its, [], tmp_path)
    assert got["ga/rm"].why.startswith("not a git checkout")
