"""Sign-off records: bound to the item's content, to a commit and to the signer's git identity."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_burnin.release.commands import record_signoff
from pytest_burnin.release.identity import record_digest
from pytest_burnin.release.kind import load_items
from pytest_burnin.release.model import ChecklistItem
from pytest_burnin.release.signoffs import Record, append_record, judge_all, read_records

from .helpers import AUTHOR, as_person, commit_all, email_of, git, init_repo

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


def sign(repo: Path, name: str, by: str, role: str, *, commit: bool = True, **kw: str) -> int:
    """``burnin signoff`` run by ``by`` (as their git identity), who then commits the record."""
    item = next(i for i in items(repo) if i.name == name)
    with as_person(by) as who:
        code = record_signoff(item, by, role, **kw)
    if code == 0 and commit:
        commit_all(repo, f"sign {name}", who=who)
    return code


def test_a_recorded_signoff_holds_once_its_signer_commits_it(repo: Path) -> None:
    assert sign(repo, "rm", "Ada Lovelace", "release-manager", note="go", commit=False) == 0
    assert judge(repo)["ga/rm"].startswith("Ada Lovelace's sign-off is not committed")
    commit_all(repo, "record the sign-off", who=("Ada Lovelace", email_of("Ada Lovelace")))
    assert judge(repo)["ga/rm"] == "Ada Lovelace"
    assert judge(repo)["ga/owner"].startswith("no sign-off recorded")
    data = yaml.safe_load((repo / "specs" / "signoffs.yaml").read_text())
    row = data["signoffs"][0]
    assert row["item"] == "ga/rm" and row["note"] == "go" and row["item_hash"].startswith("sha256:")
    assert row["by"] == "Ada Lovelace" and row["email"] == "adalovelace@example.com"
    assert row["digest"].startswith("sha256:")


def test_changing_the_item_makes_it_stale(repo: Path) -> None:
    sign(repo, "rm", "Ada Lovelace", "release-manager")
    spec = repo / "specs" / "checklist.yaml"
    spec.write_text(
        spec.read_text().replace("{name: rm, signoff:", "{name: rm, title: New, signoff:")
    )
    assert judge(repo)["ga/rm"].startswith(
        "the checkout has uncommitted changes (specs/checklist.yaml)"
    )
    commit_all(repo, "retitle the item")
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


def hand_record(repo: Path, name: str, by: str, role: str, email: str = "") -> Record:
    """A record with a correct digest, as someone could write it without ``burnin signoff``."""
    item = next(i for i in items(repo) if i.name == name)
    head = git(repo, "rev-parse", "HEAD")
    fields = {
        "item": item.qualified,
        "by": by,
        "email": email,
        "role": role,
        "commit": head,
        "item_hash": item.content_hash,
        # Later than any sign-off made by the test: distinct_signers keeps the earliest.
        "at": (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    digest = record_digest(tree=git(repo, "rev-parse", f"{head}^{{tree}}"), **fields)
    record = Record(**fields, digest=digest)
    append_record(repo / "specs" / "signoffs.yaml", record)
    return record


def test_distinct_signers(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Identities are set explicitly (tests/release/helpers.py): this holds on a
    # machine with no git user configured, as on one with any other.
    assert sign(repo, "rm", "Ada", "release-manager") == 0
    assert sign(repo, "owner", "ada", "service-owner") == 2
    assert "already signed ga/rm as release-manager" in capsys.readouterr().err
    # The same person, written by hand and committed by her: still one person.
    hand_record(repo, "owner", "ADA", "service-owner", email=email_of("Ada"))
    commit_all(repo, "second role", who=("ADA", email_of("Ada")))
    assert judge(repo)["ga/owner"].startswith("ADA already signed ga/rm as release-manager")
    assert judge(repo)["ga/rm"] == "Ada"


def test_distinct_signers_normalises_names(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sign(repo, "rm", "Grace Hopper", "release-manager") == 0
    # Two spaces, another case, another e-mail: the same name is the same person.
    with as_person("Grace  HOPPER", "grace@elsewhere.example") as who:
        assert (
            record_signoff(next(i for i in items(repo) if i.name == "owner"), "", "service-owner")
            == 2
        )
    assert "already signed ga/rm as release-manager" in capsys.readouterr().err
    hand_record(repo, "owner", "Grace  HOPPER", "service-owner", email=who[1])
    commit_all(repo, "second role", who=who)
    assert judge(repo)["ga/owner"].startswith("Grace  HOPPER already signed ga/rm")
    assert judge(repo)["ga/rm"] == "Grace Hopper"


def test_by_must_be_the_signers_git_identity(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    item = next(i for i in items(repo) if i.name == "rm")
    with as_person("Ada Lovelace"):
        assert record_signoff(item, "Grace Hopper", "release-manager") == 2
    err = capsys.readouterr().err
    assert (
        "--by Grace Hopper is not you: git says you are Ada Lovelace <adalovelace@example.com>"
        in err
    )
    # Whitespace and case in --by are not a different person.
    with as_person("Ada Lovelace"):
        assert record_signoff(item, " ada   lovelace ", "release-manager") == 0
    assert read_records(repo / "specs" / "signoffs.yaml")[0].by == "Ada Lovelace"


def test_no_git_identity_cannot_sign(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    item = next(i for i in items(repo) if i.name == "rm")
    with as_person("x"):
        for key in (
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
        ):
            os.environ.pop(key)
        os.environ["HOME"] = str(repo / "no-home")
        os.environ.pop("EMAIL", None)
        assert record_signoff(item, "Ada", "release-manager") == 2
    assert "git has no identity for you" in capsys.readouterr().err


def test_a_forged_record_fails_the_gate(repo: Path) -> None:
    # Written into signoffs.yaml by someone else, with a correct digest even:
    # the commit that added it is not Grace's.
    hand_record(repo, "rm", "Grace Hopper", "release-manager", email="grace@example.com")
    commit_all(repo, "sign-offs", who=("Mallory", "mallory@example.com"))
    assert judge(repo)["ga/rm"].startswith(
        "the record naming Grace Hopper was committed by Mallory <mallory@example.com>"
    )


def test_a_record_edited_by_hand_fails_the_gate(repo: Path) -> None:
    assert sign(repo, "rm", "Ada Lovelace", "release-manager", commit=False) == 0
    path = repo / "specs" / "signoffs.yaml"
    path.write_text(path.read_text().replace("Ada Lovelace", "Grace Hopper"))
    commit_all(repo, "sign-offs", who=("Grace Hopper", "grace@example.com"))
    assert judge(repo)["ga/rm"].startswith("the record of Grace Hopper does not match its digest")


def test_uncommitted_code_or_frozen_changes_invalidate_signoffs(repo: Path) -> None:
    assert sign(repo, "rm", "Ada Lovelace", "release-manager") == 0
    assert judge(repo)["ga/rm"] == "Ada Lovelace"
    (repo / "app.py").write_text("VERSION = 2\n")
    assert judge(repo)["ga/rm"].startswith("the checkout has uncommitted changes (app.py)")
    git(repo, "checkout", "--", "app.py")
    assert judge(repo)["ga/rm"] == "Ada Lovelace"
    # Nor can one sign over them.
    (repo / "app.py").write_text("VERSION = 3\n")
    assert sign(repo, "owner", "Grace Hopper", "service-owner") == 2


def _append_many(path: str, who: str, rounds: int) -> None:
    for n in range(rounds):
        append_record(
            Path(path),
            Record(f"ga/x{n}", who, "r", "2026-12-01T00:00:00Z", "c" * 40, "sha256:0"),
        )


def test_concurrent_signoffs_lose_no_record(tmp_path: Path) -> None:
    import multiprocessing

    path = tmp_path / "signoffs.yaml"
    ctx = multiprocessing.get_context("spawn")
    rounds = 60
    procs = [ctx.Process(target=_append_many, args=(str(path), who, rounds)) for who in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    records = read_records(path)
    assert len(records) == 2 * rounds
    assert {(r.by, r.item) for r in records} == {
        (who, f"ga/x{n}") for who in ("a", "b") for n in range(rounds)
    }


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
