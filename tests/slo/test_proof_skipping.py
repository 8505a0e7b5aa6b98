"""Alert proofs skip the stretches where no alert can change, and find exactly the
timeline the step-by-step run finds (issue 15; ``slo/proof_sim.py``)."""

from __future__ import annotations

import pytest

from pytest_burnin.simulation import run as simulation_run
from pytest_burnin.slo import behaviour, proof_run
from pytest_burnin.slo.behaviour import check_names
from pytest_burnin.slo.proof_cache import ProofCache
from pytest_burnin.slo.rules_gen import slo_rules

from .test_rules_gen import ratio_slo, slo

SHORT = """\
  alerting:
    for: 2m
    page: [{long: 1h, short: 5m, factor: 14.4}, {long: 2h, short: 10m, factor: 6}]
    ticket: {long: 6h, short: 30m, factor: 2, for: 10m}
"""
GUARDED = SHORT.replace("for: 2m", "for: 2m\n    min_traffic: 0.5")
SHAPES = {
    "bad over total": ratio_slo(alerting=SHORT),
    "good over total, lower bound": ratio_slo(
        objective="{above: 0.995}",
        alerting=SHORT,
        indicator='good: sum(increase(requests_total{code="200"}[{{window}}]))',
    ),
    "two selectors": ratio_slo(
        alerting=SHORT,
        indicator="bad: sum(rate(a_total[{{window}}])) + sum(rate(b_total[{{window}}]))",
    ),
    "a fixed inner range": ratio_slo(
        alerting=SHORT,
        indicator='bad: sum(increase(errors_total{code=~"5.."}[{{window}}]))',
    ).replace("sum(increase(requests_total[{{window}}]))", "sum(increase(requests_total[2h]))"),
    "min traffic guard": ratio_slo(alerting=GUARDED),
}


def every_check() -> list[tuple[str, str]]:
    return [
        (shape, name)
        for shape, text in SHAPES.items()
        for name in check_names(slo_rules(slo(text)))
    ]


@pytest.mark.parametrize(("shape", "check"), every_check())
def test_skipping_finds_the_step_by_step_outcome(
    shape: str, check: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = slo_rules(slo(SHAPES[shape]))
    skipping = behaviour._simulate_check(rules, check)
    monkeypatch.setattr(proof_run, "SKIP_QUIET_STRETCHES", False)
    assert behaviour._simulate_check(rules, check) == skipping


def test_a_three_day_tier_is_proved_in_a_few_hundred_evaluations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[int] = []
    real = behaviour.simulate_phases

    def counting(*args: object, **kwargs: object) -> simulation_run.Timeline:
        timeline = real(*args, **kwargs)  # type: ignore[arg-type]
        steps.append(timeline.steps)
        return timeline

    monkeypatch.setattr(behaviour, "simulate_phases", counting)
    rules = slo_rules(slo(ratio_slo()))
    result = behaviour.run_check(rules, "ticket-3d", ProofCache())
    assert result.passed, result.headline
    assert "fired 57h37m into a 1.25x burn" in result.headline
    # 3 days of clean traffic, then 57h39m of burn: 7,782 one-minute steps step by step.
    assert steps and steps[0] < 800, steps
