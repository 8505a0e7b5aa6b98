"""The ``command`` evidence check: argv (no shell), a timeout, the output kept."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Any

from ..errors import EvaluationError
from .model import ChecklistItem, Evidence

MAX_OUTPUT = 2000  # characters of a command's output kept as evidence


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
