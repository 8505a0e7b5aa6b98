"""Whether a failing simulation's rules would meet its expectations in the other PromQL mode.

A rule file written for Prometheus 2.x (closed range windows) can fire a minute
later, or never, under Prometheus 3 (left-open windows), and the other way
round. A failure that holds in the other mode says so and names the switch, as
a promtool test group's does. Only the engine part runs again: delivery does
not depend on the mode, and a second delivery would page twice in a drill.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import EvaluationError
from ..promql.values import QueryError
from ..promql_mode import other, passes_in_other_mode
from .expect import Expectation, check

if TYPE_CHECKING:
    from .run import Timeline

# Runs the simulation's rules in the PromQL mode given: its expectations and timeline.
Rerun = Callable[[int], "tuple[list[Expectation], Timeline]"]


def other_mode_note(compat: int, rerun: Rerun) -> list[str]:
    """``[passes_in_other_mode line]`` when every expectation holds in the other mode;
    nothing when one fails there too, or the rules cannot run there."""
    try:
        expectations, timeline = rerun(other(compat))
    except (EvaluationError, QueryError):
        return []
    if any(check(e, timeline).problems for e in expectations):
        return []
    return [passes_in_other_mode(compat)]
