"""Errors a user can cause, each naming ``file:line:col`` and what to do.

These are never shown with a Python traceback: the pytest layer turns a
``SpecError`` into a collection error that prints only ``str(err)``, and an
``EvaluationError`` into an error item (could not evaluate: never a pass).
"""

from __future__ import annotations

from pathlib import Path


def display_path(path: str | Path) -> str:
    """A path as the user typed it: relative to the working directory when under it."""
    p = Path(path)
    if p.is_absolute():
        try:
            return str(p.relative_to(Path.cwd()))
        except ValueError:
            return str(p)
    return str(p)


class BurninError(Exception):
    """Base of every error pytest-burnin reports to a user."""


class SpecError(BurninError):
    """A spec file that cannot be used as written.

    ``line`` and ``col`` are 1-based (what editors show). ``source_lines`` are
    quoted under the message with a caret, so the user sees the offending YAML.
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
        source_text: str | None = None,
    ) -> None:
        self.path = str(path)
        self.message = message
        self.line = line
        self.col = col
        self.hint = hint
        self.source_text = source_text
        super().__init__(self.render())

    @property
    def location(self) -> str:
        loc = display_path(self.path)
        if self.line is not None:
            loc += f":{self.line}"
            if self.col is not None:
                loc += f":{self.col}"
        return loc

    def render(self) -> str:
        out = [f"{self.location}: {self.message}"]
        out.extend(_quote(self.source_text, self.line, self.col))
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


def _quote(text: str | None, line: int | None, col: int | None, context: int = 2) -> list[str]:
    """The offending line with up to ``context`` lines around it and a caret under ``col``."""
    if not text or line is None:
        return []
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return []
    first = max(1, line - context)
    last = min(len(lines), line + 1)
    width = len(str(last))
    out = []
    for n in range(first, last + 1):
        marker = ">" if n == line else " "
        shown = lines[n - 1]
        if len(shown) > 160:
            shown = shown[:157] + "..."
        out.append(f"  {marker} {n:>{width}} | {shown}")
        if n == line and col is not None and col - 1 <= 160:
            out.append(f"    {' ' * width} | {' ' * (col - 1)}^")
    return out


class EvaluationError(BurninError):
    """An entry that could not be evaluated (no data, unreachable source, bad query).

    Reported as a pytest *error*, never as a pass.
    """


class ObjectiveMissed(BurninError):
    """An entry evaluated and its objective does not hold (a pytest *failure*).

    ``headline`` is the whole story on one line; ``details`` are indented below it.
    """

    def __init__(self, headline: str, details: list[str] | None = None) -> None:
        self.headline = headline
        self.details = details or []
        super().__init__(headline)
