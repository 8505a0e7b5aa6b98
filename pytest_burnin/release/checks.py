"""The built-in evidence checks: file, link, command, backup, setting, docs.

Each takes the item (its ``check`` mapping) and returns ``Evidence``; it raises
``EvaluationError`` only when it cannot look at all (an unreadable spec, a
program that does not exist), never for evidence that is merely missing.
``gate`` and ``burnin`` need the run's results and live in ``gate.py``.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError
from .model import ChecklistItem, Evidence
from .settings import BOUNDS, SettingError, compare, lookup, read_file

if TYPE_CHECKING:
    from ..context import RunContext

MAX_OUTPUT = 2000  # characters of a command's output kept as evidence


def _rel(item: ChecklistItem, path: Path) -> str:
    try:
        return path.resolve().relative_to(item.options.base).as_posix()
    except ValueError:
        return str(path)


def _matches(item: ChecklistItem, pattern: str) -> list[Path]:
    full = item.path(pattern)
    if glob.has_magic(pattern):
        return sorted(Path(p) for p in glob.glob(str(full), recursive=True))
    return [full] if full.exists() else []


def _patterns(check: dict[str, Any], one: str, many: str) -> list[str]:
    value = check.get(many, check.get(one))
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def check_file(item: ChecklistItem, check: dict[str, Any]) -> Evidence:
    patterns = _patterns(check, "path", "paths")
    found: list[Path] = []
    missing = []
    for pattern in patterns:
        hits = [p for p in _matches(item, pattern) if p.is_file()]
        if check.get("non_empty"):
            hits = [p for p in hits if p.stat().st_size > 0]
        if not hits:
            missing.append(pattern)
        found.extend(hits)
    names = [_rel(item, p) for p in found]
    props = [("evidence.files", ", ".join(names))]
    if missing:
        return Evidence(False, f"no file matches {', '.join(missing)}", [], props)
    return Evidence(True, f"{len(names)} file(s) present: {', '.join(names)}", [], props)


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_REF_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)", re.MULTILINE)


def linked_paths(document: Path) -> set[Path]:
    """Repository files a Markdown document links to (inline and reference links)."""
    text = document.read_text(encoding="utf-8")
    out = set()
    for target in [*_MD_LINK.findall(text), *(m[0] for m in _REF_LINK.findall(text))]:
        if "://" in target or target.startswith(("#", "mailto:")):
            continue
        out.add((document.parent / target.split("#", 1)[0]).resolve())
    return out


def check_link(item: ChecklistItem, check: dict[str, Any]) -> Evidence:
    document = item.path(str(check.get("document", "README.md")))
    if not document.is_file():
        return Evidence(False, f"document {_rel(item, document)} does not exist")
    links = linked_paths(document)
    targets: list[Path] = []
    absent = []
    for pattern in _patterns(check, "target", "targets"):
        hits = _matches(item, pattern)
        if not hits:
            absent.append(pattern)
        targets.extend(hits)
    unlinked = [_rel(item, t) for t in targets if t.resolve() not in links]
    doc = _rel(item, document)
    props = [
        ("evidence.document", doc),
        ("evidence.linked", ", ".join(_rel(item, t) for t in targets)),
    ]
    if absent:
        return Evidence(False, f"{', '.join(absent)}: no such file to link from {doc}", [], props)
    if unlinked:
        more = f" (+{len(unlinked) - 1} more)" if len(unlinked) > 1 else ""
        return Evidence(False, f"{doc} does not link {unlinked[0]}{more}", unlinked, props)
    return Evidence(True, f"{doc} links all {len(targets)} target(s)", [], props)


def seconds(text: Any, what: str) -> float:
    from ..promql.lexer import parse_duration

    try:
        return parse_duration(str(text), allow_seconds=True) / 1000
    except ValueError as exc:
        raise EvaluationError(f"{what}: invalid duration {text!r}: {exc}") from None


def human(seconds_: float) -> str:
    if seconds_ >= 172_800:
        return f"{seconds_ / 86_400:.0f}d" if seconds_ % 86_400 == 0 else f"{seconds_ / 3600:.0f}h"
    if seconds_ >= 3600:
        return f"{seconds_ / 3600:.0f}h"
    return f"{seconds_ / 60:.0f}m" if seconds_ >= 60 else f"{seconds_:.0f}s"


def truncate(text: str, limit: int = MAX_OUTPUT) -> str:
    if len(text) <= limit:
        return text
    return (
        text[: limit // 2]
        + f"\n... [{len(text) - limit} characters cut] ...\n"
        + text[-limit // 2 :]
    )


def check_command(item: ChecklistItem, check: dict[str, Any]) -> Evidence:
    argv = [str(a) for a in check.get("argv", [])]
    timeout = seconds(check.get("timeout", "60s"), "timeout")
    cwd = item.path(str(check.get("cwd", ".")))
    shown = " ".join(argv)
    started = time.monotonic()
    try:
        # A new session, so a timeout kills the whole process group, not only argv[0].
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as exc:
        raise EvaluationError(f"cannot run `{shown}`: {exc.strerror or exc}") from None
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        output, _ = proc.communicate()
        kept = truncate(output or "")
        props = [("evidence.command", shown), ("evidence.output", kept)]
        return Evidence(
            False, f"command `{shown}` timed out after {human(timeout)}", kept.splitlines(), props
        )
    took = time.monotonic() - started
    kept = truncate(output or "", int(check.get("max_output", MAX_OUTPUT)))
    props = [
        ("evidence.command", shown),
        ("evidence.exit_code", str(proc.returncode)),
        ("evidence.duration_s", f"{took:.3f}"),
        ("evidence.output", kept),
    ]
    if proc.returncode != 0:
        last = next((ln for ln in reversed(kept.splitlines()) if ln.strip()), "")
        tail = f": {last.strip()}" if last else ""
        return Evidence(
            False, f"command `{shown}` exited {proc.returncode}{tail}", kept.splitlines(), props
        )
    return Evidence(True, f"command `{shown}` exited 0 in {took:.1f}s", [], props)


def _kill(proc: subprocess.Popen[str]) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    except ProcessLookupError:
        pass


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
    got = sha256_of(path)
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


def check_setting(item: ChecklistItem, check: dict[str, Any], ctx: RunContext | None) -> Evidence:
    bound = next((b for b in BOUNDS if b in check), None)
    if bound is None:
        raise EvaluationError(f"{item.where()}: a setting check needs equals, at_most or at_least")
    limit = check[bound]
    if "query" in check:
        value, what = _query_value(item, check, ctx), f"query {check['query']}"
    else:
        path = item.path(str(check["file"]))
        key = check["key"]
        shown_key = key if isinstance(key, str) else ".".join(map(str, key))
        try:
            value = lookup(read_file(path, check.get("format")), key)
        except SettingError as exc:
            raise EvaluationError(f"{_rel(item, path)}: {exc}") from None
        what = f"{_rel(item, path)}: {shown_key}"
    props = [
        ("evidence.setting", what),
        ("evidence.value", str(value)),
        ("evidence.bound", f"{BOUNDS[bound]} {limit}"),
    ]
    try:
        ok = compare(value, bound, limit)
    except SettingError as exc:
        raise EvaluationError(f"{what}: {exc}") from None
    verb = "holds" if ok else "violates"
    return Evidence(ok, f"{what} = {value} {verb} {BOUNDS[bound]} {limit}", [], props)


def _query_value(item: ChecklistItem, check: dict[str, Any], ctx: RunContext | None) -> float:
    from ..promql.values import Scalar, Vector

    if ctx is None or item.entry is None:
        raise EvaluationError("a setting query needs a test run (its metric source)")
    source = ctx.source(check.get("source"), item.entry)
    result = source.query(str(check["query"]), source.default_time())
    if isinstance(result, Scalar):
        return result.v
    if isinstance(result, Vector) and len(result) == 1:
        return result[0].v
    count = len(result) if isinstance(result, list) else 0
    raise EvaluationError(
        f"query {check['query']!r} must give one number, got {count} series (aggregate it with sum or max)"
    )


def check_docs(item: ChecklistItem, check: dict[str, Any]) -> Evidence:
    from .render import render_release_checklist

    target = item.path(str(check["path"]))
    sources = [item.path(str(s)) for s in check.get("from", [])] or [item.options.spec_file]
    want = render_release_checklist(sources, relative_to=target.parent)
    name = _rel(item, target)
    props = [("evidence.document", name)]
    if not target.is_file():
        return Evidence(
            False, f"{name} does not exist; write it with `burnin release-docs`", [], props
        )
    if target.read_text(encoding="utf-8") != want:
        return Evidence(
            False, f"{name} is out of date; regenerate it with `burnin release-docs`", [], props
        )
    return Evidence(True, f"{name} is up to date", [], props)


def builtin_check(item: ChecklistItem, ctx: RunContext | None) -> Evidence | None:
    """The built-in types (except gate and burnin); None for a type this does not know."""
    check = item.check or {}
    kind = check.get("type")
    if kind == "file":
        return check_file(item, check)
    if kind == "link":
        return check_link(item, check)
    if kind == "command":
        return check_command(item, check)
    if kind == "backup":
        return check_backup(item, check)
    if kind == "setting":
        return check_setting(item, check, ctx)
    if kind == "docs":
        return check_docs(item, check)
    return None
