"""``burnin ga``: a GA declaration, recorded only when the release gate is green.

The evidence is a JUnit report of ``pytest --burnin --burnin-release`` (run
here, or given with ``--junit``): the same release record CI keeps. Read with
the standard library, so the command needs no test extra.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..fileio import atomic_write

HEADER = "# GA declarations, written by `burnin ga` when every release-checklist item held.\n"


@dataclass
class Case:
    name: str
    outcome: str  # passed, failed, error, skipped
    message: str
    props: dict[str, str] = field(default_factory=dict)


def read_report(path: Path) -> list[Case]:
    out = []
    for tc in ET.parse(path).getroot().iter("testcase"):
        props = {p.get("name", ""): p.get("value", "") for p in tc.iter("property")}
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = tc.find(tag)
            if node is not None:
                outcome = {"failure": "failed"}.get(tag, tag)
                message = node.get("message", "") or (node.text or "").strip()
                break
        out.append(Case(tc.get("name", ""), outcome, message, props))
    return out


def run_gate(cwd: Path, extra: list[str]) -> tuple[int, Path]:
    """Run the release gate into a fresh JUnit report; (exit code, report path)."""
    report = Path(tempfile.mkdtemp(prefix="burnin-ga-")) / "release.xml"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "--burnin",
        "--burnin-release",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={report}",
        *extra,
    ]
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    return res.returncode, report


def missing(cases: list[Case], head: str) -> list[str]:
    """What stands between this report and GA, one line each (empty: GA-ready)."""
    out = []
    checklist = [c for c in cases if c.props.get("burnin.kind") == "Checklist"]
    if not checklist:
        out.append("no checklist item in the report (is there a kind: Checklist spec?)")
    for c in cases:
        if c.outcome == "passed" or (c.outcome == "skipped" and c not in checklist):
            continue
        name = c.props.get("burnin.name", c.name)
        first = (c.message or c.outcome).splitlines()[0]
        title = f"{c.props.get('burnin.kind', 'test')} {name}"
        # Our headlines already start with the item's title; other tests' messages do not.
        out.append(first if first.startswith(title) else f"{title}: {c.outcome}: {first}")
    commits = {c.props.get("commit") for c in checklist} - {None, "unknown"}
    if commits and commits != {head}:
        out.append(
            f"the report is for commit {', '.join(sorted(map(str, commits)))[:12]}, "
            f"but {head[:12]} is checked out"
        )
    return out


def declaration(cases: list[Case], head: str, report: str, now: datetime) -> dict[str, Any]:
    signers = [
        {
            "item": c.props.get("burnin.name", c.name),
            "by": c.props["signer"],
            "role": c.props.get("role", ""),
            "at": c.props.get("signed_at", ""),
        }
        for c in cases
        if "signer" in c.props
    ]
    decl: dict[str, Any] = {
        "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": head,
        "checklists": sorted({c.props["checklist"] for c in cases if "checklist" in c.props}),
        "items": sum(1 for c in cases if c.props.get("burnin.kind") == "Checklist"),
        "signers": signers,
        "report": report,
    }
    window = _burnin_window(cases)
    if window:
        decl["burnin_window"] = window
    return decl


def _burnin_window(cases: list[Case]) -> dict[str, str]:
    for c in cases:
        p = c.props
        if p.get("burnin.kind") == "BurnIn" and p.get("burnin.start"):
            return {
                "name": p.get("burnin.name", ""),
                "start": p["burnin.start"],
                "length": p.get("burnin.length", ""),
            }
        if p.get("evidence.burnin"):
            return {
                "name": p["evidence.burnin"],
                **{
                    k.removeprefix("evidence.burnin."): v
                    for k, v in p.items()
                    if k.startswith("evidence.burnin.")
                },
            }
    return {}


def append_declaration(path: Path, decl: dict[str, Any]) -> None:
    import yaml

    rows: list[Any] = []
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rows = list(data.get("declarations", []) if isinstance(data, dict) else [])
    rows.append(decl)
    atomic_write(path, HEADER + yaml.safe_dump({"declarations": rows}, sort_keys=False))


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
