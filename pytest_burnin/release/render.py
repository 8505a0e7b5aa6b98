"""RELEASE_CHECKLIST.md, rendered from the Checklist specs and the sign-off records.

A pure function of committed files (specs, ``signoffs.yaml``, ``ga.yaml``):
no clock, no evaluation, no git. So a ``docs`` item can compare the committed
file byte for byte, and the file only changes when the checklist, a sign-off
or a GA declaration does. What a run measured is in the JUnit report.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .model import ChecklistItem, ChecklistOptions, load_checklists
from .settings import BOUNDS
from .signoffs import Record, read_records


def _rel(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def describe(item: ChecklistItem, doc_dir: Path) -> str:
    """What an item checks, in words (paths relative to the rendered document)."""
    c = item.check or {}
    kind = item.check_type

    def p(value: Any) -> str:
        return f"`{_rel(item.path(str(value)), doc_dir)}`"

    def many(one: str, several: str) -> str:
        values = c.get(several, c.get(one, []))
        return ", ".join(p(v) for v in (values if isinstance(values, list) else [values]))

    if item.role is not None:
        return f"sign-off by a **{item.role}**"
    if kind == "file":
        return f"file {many('path', 'paths')} exists"
    if kind == "link":
        return f"{p(c.get('document', 'README.md'))} links {many('target', 'targets')}"
    if kind == "command":
        timeout = c.get("timeout", "60s")
        return f"`{' '.join(map(str, c.get('argv', [])))}` exits 0 within {timeout}"
    if kind == "backup":
        parts = [f"backup {p(c['path'])}"]
        if c.get("path_env"):
            parts[0] += f" (or `${c['path_env']}`)"
        if "max_age" in c:
            parts.append(f"newer than {c['max_age']}")
        if "sha256_file" in c:
            parts.append(f"sha256 matches {p(c['sha256_file'])}")
        elif "sha256" in c:
            parts.append(f"sha256 is `{str(c['sha256'])[:12]}…`")
        return ", ".join(parts)
    if kind == "setting":
        bound = next((b for b in BOUNDS if b in c), "equals")
        where = f"`{c['query']}`" if "query" in c else f"{p(c.get('file', ''))} `{_key(c)}`"
        return f"{where} {BOUNDS[bound]} {c.get(bound)}"
    if kind == "gate":
        kinds = [str(k) for k in c.get("kinds", [])]
        what = (
            "burn-in item (every kind but Checklist)"
            if "*" in kinds
            else f"{', '.join(kinds)} item"
        )
        return f"every {what} passes in the same run"
    if kind == "burnin":
        return f"burn-in {c.get('name', '')} exit criteria hold".replace("  ", " ")
    if kind == "docs":
        return f"{p(c['path'])} is up to date with the specs"
    return f"`{kind}` check (from a plugin)"


def _key(c: dict[str, Any]) -> str:
    key = c.get("key", "")
    return key if isinstance(key, str) else ".".join(map(str, key))


def state(item: ChecklistItem, records: list[Record]) -> str:
    """Sign-off state from the records alone (a run also checks the commit and author)."""
    if item.role is None:
        note = " (pending outside `--burnin-release`)" if item.when == "release" else ""
        return f"checked by the run{note}"
    mine = sorted((r for r in records if r.item == item.qualified), key=lambda r: r.at)
    holding = [r for r in mine if r.role == item.role and r.item_hash == item.content_hash]
    if holding:
        r = holding[-1]
        return f"signed by {r.by} ({r.role}) on {r.at[:10]}, commit `{r.commit[:12]}`"
    if mine:
        return f"**pending**: the sign-off by {mine[-1].by} is stale (item changed)"
    return "**pending**"


def _section(options: ChecklistOptions, items: list[ChecklistItem], doc_dir: Path) -> list[str]:
    records = read_records(options.signoffs_file)
    out = [f"## {options.title}", ""]
    out.append(f"Checklist `{options.name}` in `{_rel(options.spec_file, doc_dir)}`.")
    if options.distinct_signers:
        out.append("Each role is signed by a different person.")
    out += ["", "| item | what is checked | state |", "|---|---|---|"]
    for item in items:
        cell = (
            f"`{item.qualified}`<br>{item.title}"
            if item.title != item.name
            else f"`{item.qualified}`"
        )
        out.append(f"| {cell} | {describe(item, doc_dir)} | {state(item, records)} |")
    out.append("")
    ga = _last_ga(options.ga_file)
    if ga:
        out += [ga, ""]
    return out


def _last_ga(path: Path) -> str:
    import yaml

    if not path.is_file():
        return ""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = data.get("declarations", []) if isinstance(data, dict) else []
    if not rows:
        return ""
    last = rows[-1]
    return (
        f"Last GA declaration: {last.get('at', '?')} for commit "
        f"`{str(last.get('commit', '?'))[:12]}` ({len(rows)} in `{path.name}`)."
    )


def render_release_checklist(spec_paths: list[Path], *, relative_to: Path | None = None) -> str:
    """The Markdown document for every Checklist in ``spec_paths``, one section each.

    ``relative_to`` is the folder the document is written to: paths in it are
    relative to that folder, so its links work where it is committed.
    """
    doc_dir = relative_to or Path.cwd()
    sources = ", ".join(f"`{_rel(p, doc_dir)}`" for p in spec_paths)
    out = [
        "# Release checklist",
        "",
        f"<!-- Generated by `burnin release-docs` from {sources}; do not edit by hand. -->",
        "",
        "The release is blocked while any item is incomplete: CI runs "
        "`pytest --burnin --burnin-release --junitxml=release.xml`, and the JUnit report "
        "holds each item's evidence, signer, role, time and commit. Sign with "
        "`burnin signoff ITEM --by NAME --role ROLE`; `burnin signoff --list` shows "
        "what is pending; `burnin ga` records the GA declaration once everything holds.",
        "",
    ]
    for options, items in load_checklists(spec_paths):
        out += _section(options, items, doc_dir)
    return "\n".join(out).rstrip("\n") + "\n"
