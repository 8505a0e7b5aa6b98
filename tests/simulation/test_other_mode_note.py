"""The other-mode note of a failing simulation: said only when every expectation holds
there, never when the rules cannot run in that mode."""

from __future__ import annotations

import pytest

from pytest_burnin.errors import EvaluationError
from pytest_burnin.promql.values import QueryError
from pytest_burnin.simulation.expect import Expectation
from pytest_burnin.simulation.other_mode import other_mode_note
from pytest_burnin.simulation.run import AlertLife, Timeline


def fired_at(ms: int) -> Timeline:
    return Timeline(alerts=[AlertLife("A", (("alertname", "A"),), firing_at_ms=ms)], end_ms=600_000)


def test_runs_the_other_mode_and_names_its_switch() -> None:
    asked: list[int] = []

    def rerun(compat: int) -> tuple[list[Expectation], Timeline]:
        asked.append(compat)
        return [Expectation("A", firing_by_ms=300_000)], fired_at(300_000)

    (note,) = other_mode_note(3, rerun)
    assert asked == [2]
    assert note.startswith("passes under compat 2: set burnin_promql_compat = 2")


def test_nothing_when_an_expectation_fails_there_too() -> None:
    def rerun(compat: int) -> tuple[list[Expectation], Timeline]:
        return [Expectation("A", firing_by_ms=60_000)], fired_at(300_000)

    assert other_mode_note(2, rerun) == []


@pytest.mark.parametrize("error", [EvaluationError("no"), QueryError("no")])
def test_nothing_when_the_rules_cannot_run_in_the_other_mode(error: Exception) -> None:
    def rerun(compat: int) -> tuple[list[Expectation], Timeline]:
        raise error

    assert other_mode_note(3, rerun) == []
