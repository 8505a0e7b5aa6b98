"""The built-in remediation: run a configured command for a failing check.

No shell: the argv is run as given, so a check name or day can never be
interpreted as shell syntax. ``{check}``, ``{day}`` and ``{value}`` in an
argument are replaced. Output is captured (the tail is stored with the
action) and the run is bounded by a timeout.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .records import CheckOutcome, Mode, RemediationResult
from .spec import BurnInSpec

OUTPUT_LIMIT = 4000  # characters kept: the tail, where errors usually are


@dataclass
class CommandRemediation:
    """A remediation callback for ``record_day`` that runs ``argv`` once per failing check."""

    argv: Sequence[str]
    timeout_s: float = 300.0
    mode: Mode = "auto"
    cwd: Path | None = None
    env: Mapping[str, str] | None = None
    only: frozenset[str] = field(default_factory=frozenset)  # check names; empty: all

    def __call__(self, day: date, outcome: CheckOutcome) -> RemediationResult | None:
        if self.only and outcome.name not in self.only:
            return None
        values = {
            "check": outcome.name,
            "day": day.isoformat(),
            "value": "" if outcome.value is None else repr(outcome.value),
        }
        argv = [_fill(a, values) for a in self.argv]
        command = " ".join(argv)
        try:
            proc = subprocess.run(
                argv,
                cwd=self.cwd,
                env=dict(self.env) if self.env is not None else None,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=self.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            out = _text(exc.output)
            note = f"\n[timed out after {self.timeout_s:g} s]"
            return RemediationResult(self.mode, command, None, out[-OUTPUT_LIMIT:] + note)
        except OSError as exc:
            return RemediationResult(self.mode, command, None, f"cannot run: {exc}")
        return RemediationResult(
            self.mode, command, proc.returncode, _text(proc.stdout)[-OUTPUT_LIMIT:]
        )


def _fill(arg: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        arg = arg.replace("{" + key + "}", value)
    return arg


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data


def from_spec(spec: BurnInSpec) -> CommandRemediation | None:
    """The built-in remediation a BurnIn spec configures (run in the spec's folder), or None."""
    r = spec.remediation
    if r is None:
        return None
    return CommandRemediation(
        r.command,
        timeout_s=r.timeout_s,
        mode="manual" if r.mode == "manual" else "auto",
        only=frozenset(r.checks),
        cwd=spec.root,
    )
