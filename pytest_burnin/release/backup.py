"""The ``backup`` evidence check: the artifact exists, is recent, matches its sha256."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ..errors import EvaluationError
from ..fileio import sha256_file
from .command import human, seconds
from .model import ChecklistItem, Evidence


def _rel(item: ChecklistItem, path: Path) -> str:
    try:
        return path.resolve().relative_to(item.options.base).as_posix()
    except ValueError:
        return str(path)


def check_backup(item: ChecklistItem, check: dict[str, Any], now: float | None = None) -> Evidence:
    env = check.get("path_env")
    raw = os.environ.get(str(env)) if env else None
    path = item.path(raw or str(check["path"]))
    name = _rel(item, path)
    props = [("evidence.backup", name)]
    if env:
        props.append(("evidence.path_from", f"${env}" if raw else "default path"))
    if not path.is_file():
        return Evidence(False, f"backup {name} does not exist", [], props)
    age = (time.time() if now is None else now) - path.stat().st_mtime
    props.append(("evidence.age_s", f"{age:.0f}"))
    if "max_age" in check:
        limit = seconds(check["max_age"], "max_age")
        props.append(("evidence.max_age", str(check["max_age"])))
        if age > limit:
            return Evidence(
                False,
                f"backup {name} is {human(age)} old, over max_age {check['max_age']}",
                [],
                props,
            )
    want = _expected_sha256(item, check, path)
    got = sha256_file(path)
    props += [("evidence.sha256", got), ("evidence.sha256_expected", want or "")]
    if want is not None and want.lower() != got:
        return Evidence(
            False,
            f"backup {name} checksum mismatch: sha256 {got[:12]}..., expected {want[:12]}...",
            [f"sha256 {got}", f"expected {want}"],
            props,
        )
    checked = "checksum matches" if want else "no checksum given"
    return Evidence(True, f"backup {name} is {human(age)} old, {checked}", [], props)


def _expected_sha256(item: ChecklistItem, check: dict[str, Any], backup: Path) -> str | None:
    if "sha256" in check:
        return str(check["sha256"]).strip()
    if "sha256_file" not in check:
        return None
    # Beside a backup given through the environment, its own .sha256 file wins.
    side = backup.with_name(backup.name + ".sha256")
    file = (
        side if check.get("path_env") and side.is_file() else item.path(str(check["sha256_file"]))
    )
    try:
        text = file.read_text(encoding="utf-8").split()
    except OSError as exc:
        raise EvaluationError(f"cannot read checksum file {file}: {exc.strerror}") from None
    if not text:
        raise EvaluationError(f"checksum file {file} is empty")
    return text[0]  # `sha256sum` format: "<hex>  <name>"
