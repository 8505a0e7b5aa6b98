"""Files a spec entry names (data files, frozen files, rule files), checked
the same way by ``burnin validate`` and the run.

Kinds call ``require_files`` from their ``check_references`` (the
``Referring`` protocol), so a missing file is one located error, in the same
words, before anything is evaluated.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EvaluationError, display_path

if TYPE_CHECKING:
    from .model import Entry


def matches(base: Path, pattern: str) -> bool:
    """Does ``pattern`` (a path or a glob, relative to ``base``) name at least one file?"""
    full = Path(pattern) if Path(pattern).is_absolute() else base / pattern
    if glob.has_magic(str(full)):
        return any(Path(h).is_file() for h in glob.glob(str(full), recursive=True))
    return full.is_file()


def require_files(
    entry: Entry, what: str, patterns: object, *path: str | int, base: Path | None = None
) -> None:
    """EvaluationError at the line of ``path`` (or of its i-th item) for a pattern matching no file.

    ``patterns`` is one string or a list of them, as the spec wrote it;
    ``base`` defaults to the spec file's folder.
    """
    folder = base if base is not None else entry.path.parent
    listed = isinstance(patterns, list)
    for i, pattern in enumerate(patterns if isinstance(patterns, list) else [patterns]):
        if not isinstance(pattern, str) or matches(folder, pattern):
            continue
        where = entry.where(*path, i) if listed else entry.where(*path)
        raise EvaluationError(
            f"{where}: {what} {pattern!r} matches no file (relative to {display_path(folder)}/)"
        )
