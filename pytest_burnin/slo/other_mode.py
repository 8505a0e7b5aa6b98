"""A failing SLO judged by the embedded engine names its PromQL mode, and says so when
the other mode would pass it.

Range windows are closed under Prometheus 2.x and left-open under Prometheus 3:
``count_over_time(x[1h])`` counts one more sample at a window's exact start under
2.x, so an objective can hold in one mode and miss in the other. Only a failure
is judged again (a pass costs nothing more), over the same samples, in the other
mode. An SLO read from a real Prometheus is that server's verdict: no mode line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import EvaluationError
from ..promql.values import QueryError
from ..promql_mode import mode_line, other, passes_in_other_mode, passes_suffix
from ..sources.engine_source import EngineSource

if TYPE_CHECKING:
    from ..kinds import Evaluation
    from ..sources import MetricSource


def judge_in_mode(source: MetricSource, judge: Callable[[MetricSource], Evaluation]) -> Evaluation:
    """``judge(source)``; where the embedded engine answers, a could-not-evaluate names
    the mode too, and a failure as ``with_mode`` says."""
    try:
        evaluation = judge(source)
    except EvaluationError as exc:
        if not isinstance(source, EngineSource):
            raise
        raise EvaluationError(f"{exc}\n{mode_line(source.compat)}") from None
    return with_mode(evaluation, source, judge)


def with_mode(
    evaluation: Evaluation, source: MetricSource, judge: Callable[[MetricSource], Evaluation]
) -> Evaluation:
    """``evaluation`` as is when it passed or the source is not the embedded engine; else
    with the mode that ran, and ``(passes under compat N)`` where ``judge`` passes it
    over the same samples in the other mode."""
    if evaluation.passed or not isinstance(source, EngineSource):
        return evaluation
    alt = EngineSource(
        source.name,
        source.storage,  # the samples already loaded: nothing is read twice
        source.describe(),
        compat=other(source.compat),
        lookback_delta_ms=source.lookback_delta_ms,
        evaluation_time=source.evaluation_time,
    )
    try:
        passes = judge(alt).passed
    except (EvaluationError, QueryError):
        passes = False
    lines = [passes_in_other_mode(source.compat)] if passes else []
    headline = evaluation.headline + (passes_suffix(source.compat) if passes else "")
    details = [*evaluation.details, *lines, mode_line(source.compat)]
    return replace(evaluation, headline=headline, details=details)
