"""Running a proof: the SLO's series synthesised by phase, the generated rules simulated.

Pure core, the simulation side of ``behaviour.py`` (which plans each check and
judges its timeline): series for a list of phases (``synth.py`` for counters,
``synth_gauge.py`` for gauges), the cost check for SLIs with subqueries
(``proof_cost.py``), and the simulation itself, skipping the stretches where
no alert can change (``proof_sim.py``) or step by step (``simulation/run.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import EvaluationError
from ..promql import ast
from ..simulation.run import Timeline
from .regex_values import matching_value
from .rules_gen import SLORules, Tier
from .synth_probe import Unsupported as SynthUnsupported

if TYPE_CHECKING:
    from ..promql.labels import Labels
    from ..rules.rulefile import RuleGroup
    from .synth import Design
    from .synth_gauge import GaugeDesign

STEP_MS = 60_000  # series are scraped and rules evaluated every minute
EVENTS_PER_S = 100.0
# Skip the stretches of a proof where no alert can change (proof_sim.py); tests switch
# it off to compare with the step-by-step run.
SKIP_QUIET_STRETCHES = True
SUBQUERY_BUDGET_S = 20.0  # estimated CPU seconds of an SLI's subqueries per check (proof_cost)


class Unsupported(Exception):
    """The indicator's series cannot be synthesised (the check is skipped with this reason)."""


@dataclass
class Phase:
    duration_ms: int
    events_per_s: float
    error_ratio: float


def traffic(rules: SLORules) -> float:
    # Well above the guard, so only the min-traffic check meets it.
    return max(EVENTS_PER_S, 10 * (rules.min_traffic or 0.0))


def simulate_phases(rules: SLORules, tiers: list[Tier], phases: list[Phase], step: int) -> Timeline:
    from .proof_sim import eligible, guards, run_skipping
    from .synth import Design

    design = plan(rules)
    series = design.series([(p.duration_ms, p.events_per_s, p.error_ratio) for p in phases], step)
    group = rules.simulation_group(tiers)
    span = sum(p.duration_ms for p in phases)
    groups = _parse([group])
    _check_cost(groups, span, step)
    if SKIP_QUIET_STRETCHES and isinstance(design, Design) and eligible(rules, groups):
        starts = [sum(p.duration_ms for p in phases[:i]) for i in range(len(phases))]
        return run_skipping(groups, series, step, span, starts, guards(rules, tiers))
    return _simulate_every_step(groups, series, step, span)


def samples_share(rules: SLORules) -> bool:
    """Whether the SLI reads gauges, judged by the share of bad samples (``synth_gauge.py``)."""
    from .synth_gauge import GaugeDesign

    try:
        return isinstance(plan(rules), GaugeDesign)
    except SynthUnsupported:
        return False


def _check_cost(groups: list[RuleGroup], span: int, step: int) -> None:
    """Refuse, with the figures, a simulation whose subqueries would take minutes."""
    from .proof_cost import subquery_cost

    cost = subquery_cost(groups, span, step)
    if cost.seconds > SUBQUERY_BUDGET_S:
        raise Unsupported(
            f"the SLI's subqueries would evaluate {cost.inner_steps:,} inner steps and "
            f"read {cost.points_read:,} window points over this {fmt(span)} simulation "
            f"(about {cost.seconds:,.0f} s; limit {SUBQUERY_BUDGET_S:.0f} s)"
        )


def run_groups(
    groups: list[dict[str, Any]],
    series: list[tuple[Labels, list[float | None]]],
    step: int,
    span: int,
) -> Timeline:
    return _simulate_every_step(_parse(groups), series, step, span)


def _parse(groups: list[dict[str, Any]]) -> list[RuleGroup]:
    from ..rules.rulefile import RuleFileError, parse_rule_file

    text = yaml.safe_dump({"groups": groups}, sort_keys=False)
    try:
        parsed = parse_rule_file(text, "<generated SLO rules>")
    except RuleFileError as exc:
        raise EvaluationError(f"the generated rules do not load: {exc}") from None
    return parsed.groups


def _simulate_every_step(
    groups: list[RuleGroup],
    series: list[tuple[Labels, list[float | None]]],
    step: int,
    span: int,
) -> Timeline:
    from ..simulation.run import simulate

    return simulate(groups, series, interval_ms=step, evaluation_interval_ms=step, duration_ms=span)


def plan(rules: SLORules) -> Design | GaugeDesign:
    """Series that drive this SLO's own queries to any error ratio."""
    from .synth import design, split_raw
    from .synth_gauge import copies_for

    upper = rules.objective[0] in ("below", "at_most")
    num_is_bad = upper if rules.num_is_bad is None else rules.num_is_bad
    num, total = rules.num_query, rules.total_query
    if not total:  # a raw error-ratio query: its numerator and denominator
        num, total, num_is_bad = split_raw(num)
    # The finest threshold in samples of one series: a tier's factor x budget over its
    # long window (gauges counted by the SLI get copies so one sample is below half of it).
    budget = rules.budget or 0.0
    finest = min((t.factor * budget * ms(t.long) / STEP_MS for t in rules.tiers), default=0.0)
    return design(num, total, num_is_bad, copies_for(finest))


def selector(query: str, what: str) -> ast.VectorSelector:
    from ..promql.parser import parse

    found = [n for n in ast.subexpressions(parse(query)) if isinstance(n, ast.VectorSelector)]
    if len(found) != 1:
        raise Unsupported(
            f"the {what} reads {len(found)} series selectors; checks need exactly one"
        )
    return found[0]


def labels_of(sel: ast.VectorSelector) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in sel.matchers:
        if m.type is ast.MatchType.EQUAL:
            out[m.name] = m.value
        elif m.type is ast.MatchType.REGEX:
            picked = matching_value(m.value)
            if picked is None:
                raise Unsupported(f"cannot pick a value matching {m.name}=~{m.value!r}")
            out[m.name] = picked
    if sel.name:
        out["__name__"] = sel.name
    if "__name__" not in out:
        raise Unsupported("a selector without a metric name")
    return out


def ms(text: str) -> int:
    from .rules_gen import duration_ms

    return duration_ms(text)


def fmt(ms: int) -> str:
    s = int(ms // 1000)
    if s % 3600 == 0 and s:
        return f"{s // 3600}h"
    if s >= 3600:
        return f"{s // 3600}h{(s % 3600) // 60}m"
    if s % 60 == 0 and s:
        return f"{s // 60}m"
    return f"{s // 60}m{s % 60}s" if s >= 60 else f"{s}s"
