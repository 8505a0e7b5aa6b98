"""The built-in evidence checks: file, link, setting, docs (command and backup
live in ``command.py`` and ``backup.py``).

Each takes the item (its ``check`` mapping) and returns ``Evidence``; it raises
``EvaluationError`` only when it cannot look at all (an unreadable spec, a
program that does not exist), never for evidence that is merely missing.
``gate`` and ``burnin`` need the run's results and live in ``gate.py``.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError
from .backup import check_backup
from .command import check_command
from .model import ChecklistItem, Evidence
from .settings import BOUNDS, SettingError, compare, lookup, read_file

if TYPE_CHECKING:
    from ..context import RunContext


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
