"""Shared helpers of the release-gate tests: checklist items and git repositories."""

from __future__ import annotations

import subprocess
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


def git(cwd: Path, *args: str) -> str:
    res = subprocess.run(
        ["git", "-c", f"user.name={AUTHOR[0]}", "-c", f"user.email={AUTHOR[1]}", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return res.stdout.strip()


def init_repo(path: Path) -> str:
    """``git init`` + commit everything; returns HEAD."""
    git(path, "init", "-q", "-b", "main")
    return commit_all(path, "initial")


def commit_all(path: Path, message: str) -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "--allow-empty", "-m", message)
    return git(path, "rev-parse", "HEAD")
