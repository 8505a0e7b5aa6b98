"""A one-line progress counter for long commands (``burnin record`` over many days).

On a terminal it rewrites one line on stderr; when stderr is not a TTY or a CI
variable is set it stays silent, so logs and captured output are not cluttered
with carriage returns.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import TextIO

CI_VARS = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD")


def interactive(stream: TextIO) -> bool:
    if any(os.environ.get(v) for v in CI_VARS):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """``with Progress("recording", total=30) as p: ... p.advance(label=str(day))``.

    Lines printed meanwhile go through ``p.echo(line)``, which clears the counter first.
    """

    def __init__(
        self,
        what: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        min_interval_s: float = 0.1,
        enabled: bool | None = None,
    ) -> None:
        self.what = what
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = interactive(self.stream) if enabled is None else enabled
        self.min_interval_s = min_interval_s
        self._last = -math.inf  # the first step always shows
        self._width = 0

    def advance(self, n: int = 1, *, label: str = "") -> None:
        self.done += n
        now = time.monotonic()
        last_step = self.total is not None and self.done >= self.total
        if self.enabled and (last_step or now - self._last >= self.min_interval_s):
            self._last = now
            of = f"/{self.total}" if self.total is not None else ""
            line = f"{self.what}: {self.done}{of}" + (f" {label}" if label else "")
            # Pad over the previous, longer line instead of relying on terminal escapes.
            self.stream.write("\r" + line.ljust(self._width))
            self.stream.flush()
            self._width = len(line)

    def echo(self, text: str, file: TextIO | None = None) -> None:
        """Print a whole line (to stdout by default) without tearing the counter line."""
        target = file if file is not None else sys.stdout
        width = self._width
        if self.enabled and width:
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
        print(text, file=target, flush=True)
        if self.enabled and width:
            self._width = 0
            self._last = -math.inf
            self.advance(0)

    def close(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
