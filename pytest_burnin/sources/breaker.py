"""A circuit breaker shared by every query to one source within a run.

Without it a Prometheus that is down costs every item its full connect timeout
times its retries (about a minute each with the defaults); with it, after
``threshold`` consecutive attempts that could not reach the server, the rest
of the run's queries fail at once, as could-not-evaluate, naming the first
failure. Any answer from the server closes it again.
"""

from __future__ import annotations

import threading

DEFAULT_THRESHOLD = 3


class CircuitOpen(Exception):
    """Raised instead of querying while the breaker is open; the message says why."""


class CircuitBreaker:
    def __init__(self, threshold: int = DEFAULT_THRESHOLD) -> None:
        self.threshold = max(1, threshold)
        self._failures = 0
        self._first = ""
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._failures >= self.threshold

    def check(self) -> None:
        """Raise ``CircuitOpen`` when the source is known to be unreachable."""
        with self._lock:
            if self._failures >= self.threshold:
                raise CircuitOpen(
                    f"not queried: {self._failures} consecutive attempts could not reach the "
                    f"server (first: {self._first}); later queries in this run fail at once"
                )

    def failure(self, reason: str) -> None:
        with self._lock:
            if self._failures == 0:
                self._first = reason
            self._failures += 1

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._first = ""
