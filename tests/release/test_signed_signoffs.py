"""``signed_signoffs: true``: the commit adding a sign-off carries the signer's good signature."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pytest_burnin.release.commands import record_signoff
from pytest_burnin.release.kind import load_items
from pytest_burnin.release.signoffs import judge_all, read_records

from .helpers import as_person, commit_all, email_of, git, identity_env, init_repo

pytestmark = pytest.mark.skipif(shutil.which("gpg") is None, reason="needs gpg (GnuPG)")

CHECKLIST = """\
apiVersion: burnin/v1
kind: Checklist
metadata: {name: ga}
spec:
  signed_signoffs: true
  items:
    - {name: rm, signoff: {role: release-manager}}
"""


@pytest.fixture
def gnupg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A keyring of its own holding Ada's signing key (ultimately trusted: she made it)."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    new_key(f"Ada Lovelace <{email_of('Ada Lovelace')}>")
    return home


def new_key(uid: str) -> None:
    """A signing key without a passphrase in the current GNUPGHOME (ultimately trusted)."""
    gen = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    subprocess.run(
        [*gen, "--quick-gen-key", uid, "ed25519", "sign", "never"], check=True, capture_output=True
    )


@pytest.fixture
def repo(tmp_path: Path, gnupg: Path) -> Path:
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "checklist.yaml").write_text(CHECKLIST)
    (root / "app.py").write_text("VERSION = 1\n")
    init_repo(root)
    return root


def judge(repo: Path) -> Any:
    items = load_items([repo / "specs" / "checklist.yaml"])
    got = judge_all(items, read_records(repo / "specs" / "signoffs.yaml"), repo / "specs")
    return got["ga/rm"]


def sign_as_ada(repo: Path) -> tuple[str, str]:
    item = load_items([repo / "specs" / "checklist.yaml"])[0]
    with as_person("Ada Lovelace") as who:
        assert record_signoff(item, "", "release-manager") == 0
    return who


def test_an_unsigned_commit_does_not_carry_a_signoff(repo: Path) -> None:
    who = sign_as_ada(repo)
    commit_all(repo, "sign", who=who)
    j = judge(repo)
    assert j.record is None
    assert j.why.startswith("Ada Lovelace's sign-off was committed in ")
    assert "without the signer's good signature (unsigned" in j.why


def test_a_commit_signed_by_the_signer_carries_it(repo: Path, gnupg: Path) -> None:
    who = sign_as_ada(repo)
    env = identity_env(*who) | {"GNUPGHOME": str(gnupg)}
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(
        ["git", "-c", f"user.signingkey={who[1]}", "commit", "-q", "-S", "-m", "sign"],
        cwd=repo,
        check=True,
        env=env,
        capture_output=True,
    )
    j = judge(repo)
    assert j.record is not None and j.record.by == "Ada Lovelace", j.why
    assert j.proof.endswith("(good signature)")


def test_a_commit_signed_by_someone_else_does_not(repo: Path, gnupg: Path) -> None:
    new_key("Mallory <mallory@example.com>")
    who = sign_as_ada(repo)
    env = identity_env(*who) | {"GNUPGHOME": str(gnupg)}
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(
        ["git", "-c", "user.signingkey=mallory@example.com", "commit", "-q", "-S", "-m", "x"],
        cwd=repo,
        check=True,
        env=env,
        capture_output=True,
    )
    j = judge(repo)
    assert j.record is None
    assert "(good signature by Mallory <mallory@example.com>)" in j.why
    assert git(repo, "log", "-1", "--format=%G?") == "G"
