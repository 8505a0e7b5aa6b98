"""Run one promtool test group through a real ``promtool`` (``--burnin-engine=promtool``).

The same items, names and outcomes as the embedded engine, answered by the
Go implementation: a cross-check for anyone who doubts ours. promtool has no
flag to run one group (2.42 has no ``--run``), so the group is written alone
into a temporary test file whose ``rule_files`` are made absolute.
"""

from __future__ import annotations

import glob
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import EvaluationError

TIMEOUT_S = 600


@dataclass
class PromtoolResult:
    passed: bool
    output: str
    version: str


def promtool_path() -> str:
    path = shutil.which("promtool")
    if path is None:
        raise EvaluationError(
            "--burnin-engine=promtool needs promtool on PATH (Debian: apt-get install prometheus)"
        )
    return path


def run_group_with_promtool(test_file: Path, index: int, exe: str | None = None) -> PromtoolResult:
    """``exe``: a promtool other than the one on PATH (the differential tests' 3.5.3)."""
    exe = exe or promtool_path()
    data: Any = yaml.safe_load(test_file.read_text(encoding="utf-8"))
    base = test_file.parent
    rule_files: list[str] = []
    for pattern in data.get("rule_files") or []:
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        hits = sorted(glob.glob(full)) if glob.has_magic(full) else [full]
        rule_files.extend(str(Path(h).resolve()) for h in hits)
    data["rule_files"] = rule_files
    data["tests"] = [data["tests"][index]]
    with tempfile.TemporaryDirectory(prefix="burnin-promtool-") as tmp:
        single = Path(tmp) / f"{test_file.stem}.group{index}.yaml"
        single.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        try:
            proc = subprocess.run(
                [exe, "test", "rules", str(single)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
                cwd=base,
            )
        except subprocess.TimeoutExpired:
            raise EvaluationError(f"promtool did not finish within {TIMEOUT_S} s") from None
        output = (proc.stdout + proc.stderr).replace(str(single), str(test_file))
    about = subprocess.run(
        [exe, "--version"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    found = re.search(r"version (\S+)", about)
    version = f"promtool {found.group(1)}" if found else "promtool"
    return PromtoolResult(proc.returncode == 0, output, version)
