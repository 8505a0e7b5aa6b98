"""Shared helpers of the release-gate tests: checklist items and git repositories."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pytest_burnin.release.model import ChecklistItem, items_from, options_from

AUTHOR = ("Cody Author", "cody@example.com")


def make_items(folder: Path, spec: dict[str, Any], name: str = "ga") -> list[ChecklistItem]:
    spec_file = folder / "checklist.yaml"
    if not spec_file.exists():
        spec_file.write_text("# test checklist\n")
    return items_from(options_from(name, spec, spec_file), spec)


def make_item(folder: Path, check: dict[str, Any], **extra: Any) -> ChecklistItem:
    return make_items(folder, {"items": [{"name": "x", "check": check, **extra}]})[0]


def email_of(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum()) + "@example.com"


def identity_env(name: str, email: str) -> dict[str, str]:
    """An environment in which git's identity is exactly ``name <email>``.

    Set explicitly (never read from the machine's git config), so the tests pass
    on a machine with no git user configured as on one with another user.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    return env


def git(cwd: Path, *args: str, who: tuple[str, str] = AUTHOR) -> str:
    res = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=identity_env(*who),
    )
    return res.stdout.strip()


def init_repo(path: Path) -> str:
    """``git init`` + commit everything; returns HEAD."""
    git(path, "init", "-q", "-b", "main")
    return commit_all(path, "initial")


def commit_all(path: Path, message: str, who: tuple[str, str] = AUTHOR) -> str:
    git(path, "add", "-A", who=who)
    git(path, "commit", "-q", "--allow-empty", "-m", message, who=who)
    return git(path, "rev-parse", "HEAD")


@contextlib.contextmanager
def as_person(name: str, email: str | None = None) -> Iterator[tuple[str, str]]:
    """Run the block (a ``burnin signoff``) with git's identity set to this person."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(identity_env(name, email or email_of(name)))
    try:
        yield (name, email or email_of(name))
    finally:
        os.environ.clear()
        os.environ.update(saved)
