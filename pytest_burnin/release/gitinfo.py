"""The few git facts a sign-off needs, through the ``git`` command (no library)."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path


class NotARepository(Exception):
    """The folder is not in a git checkout (or git is not installed)."""


def run_git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``git ARGS`` in ``cwd``; NotARepository when git is not installed."""
    return _git(cwd, *args)


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except FileNotFoundError:
        raise NotARepository("git is not installed") from None


def head(cwd: Path) -> str:
    """The commit checked out (``git rev-parse HEAD``)."""
    res = _git(cwd, "rev-parse", "HEAD")
    if res.returncode != 0:
        from ..errors import display_path

        raise NotARepository(f"{display_path(cwd)} is not in a git checkout with a commit")
    return res.stdout.strip()


def author(cwd: Path, commit: str) -> tuple[str, str] | None:
    """(name, email) of a commit's author, or None when git does not know it."""
    res = _git(cwd, "log", "-1", "--format=%an%n%ae", commit)
    lines = res.stdout.splitlines()
    if res.returncode != 0 or len(lines) < 2:
        return None
    return lines[0].strip(), lines[1].strip()


def change_author(cwd: Path, commit: str, records: set[str]) -> tuple[str, str] | None:
    """(name, email) of the author of the last commit up to ``commit`` that changed more than
    the release records (``records``: top-level-relative paths). Committing a sign-off
    does not make its signer the author of the change being released."""
    excludes = [f":(top,exclude){p}" for p in sorted(records)]
    res = _git(cwd, "log", "-1", "--format=%an%n%ae", commit, "--", ":(top)", *excludes)
    lines = res.stdout.splitlines()
    if res.returncode != 0 or len(lines) < 2:
        return author(cwd, commit)
    return lines[0].strip(), lines[1].strip()


def changed_since(cwd: Path, commit: str, now: str) -> list[str] | None:
    """Repository paths changed from ``commit`` to ``now``; None when ``commit`` is not an
    ancestor of ``now`` (another branch, or a commit git does not have)."""
    return _changed_since(str(cwd), commit, now)


@lru_cache(maxsize=256)
def _changed_since(cwd: str, commit: str, now: str) -> list[str] | None:
    if commit == now:
        return []
    if _git(Path(cwd), "merge-base", "--is-ancestor", commit, now).returncode != 0:
        return None
    res = _git(Path(cwd), "diff", "--name-only", commit, now)
    return res.stdout.split() if res.returncode == 0 else None


def toplevel(cwd: Path) -> Path:
    res = _git(cwd, "rev-parse", "--show-toplevel")
    if res.returncode != 0:
        raise NotARepository(f"{cwd} is not in a git checkout")
    return Path(res.stdout.strip())


def modified(cwd: Path) -> list[str]:
    """Tracked paths (relative to the top level) with uncommitted changes, staged or not.

    Untracked files are not counted: they are in no commit, so not in what is released.
    """
    res = _git(cwd, "status", "--porcelain", "-z", "--untracked-files=no")
    if res.returncode != 0:
        return []
    out = []
    entries = res.stdout.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        out.append(entry[3:])
        if entry[0] in "RC":  # a rename or copy is followed by its source path
            i += 1
    return out


def dirty(cwd: Path, path: Path) -> bool:
    """Has ``path`` uncommitted changes (or is it untracked)?"""
    res = _git(cwd, "status", "--porcelain", "--", str(path))
    return bool(res.stdout.strip())
