"""Metric sources: where an entry's queries are answered.

A source answers PromQL instant queries at a time. The built-in ``file`` source
loads OpenMetrics text into the in-memory store and evaluates with the embedded
engine; others (the Prometheus HTTP API, the local history store) plug in
through the ``pytest_burnin_make_source`` hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..promql.storage import Storage
    from ..promql.values import Value


class MetricSource(Protocol):
    name: str

    def describe(self) -> str:
        """One line naming the source (a path, a URL with credentials redacted)."""
        ...

    def default_time(self) -> int:
        """When to evaluate when the spec does not say (ms): the data's end for files."""
        ...

    def time_bounds(self) -> tuple[int, int] | None:
        """First and last sample time (ms), or None when unknown or empty."""
        ...

    def query(self, expr: str, t_ms: int) -> Value:
        """Evaluate an instant query; raise EvaluationError when it cannot."""
        ...


# Optional capabilities, checked with isinstance (never getattr probing).


@runtime_checkable
class Checkable(Protocol):
    def check(self) -> str:
        """Show the source answers (a remote source that does not know its extent)."""
        ...


@runtime_checkable
class Windowed(Protocol):
    def window_bounds(self, expr: str, t_ms: int, window_ms: int) -> tuple[int, int] | None:
        """First and last sample time (ms) of the series ``expr`` reads in a window, or None."""
        ...


@runtime_checkable
class InMemory(Protocol):
    def storage(self) -> Storage:
        """The in-memory series the embedded engine reads (a simulation can add to it)."""
        ...
