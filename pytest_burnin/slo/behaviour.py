"""Behaviour checks of the generated SLO alerts: do they page in time, and only then?

Pure core. Each check synthesises the SLO's own counters (read from its
indicator queries), runs the generated rules over them with the rule engine
(``simulation/run.py``) and judges the alert timeline:

- ``<severity>-<long window>`` (one per tier): clean traffic for a whole long
  window, then a step to an error ratio that burns the budget at B = 1.25x the
  tier's factor. The long window's ratio crosses ``factor * budget`` after
  ``long * factor / B`` (the short window crosses sooner), so the alert must
  fire by then + ``for`` + one evaluation interval + one scrape interval (the
  samples arrive at scrape granularity), and not before the step.
- ``within-objective``: an error ratio of 90% of the budget, held longer than
  every long window: nothing may fire.
- ``min-traffic`` (when ``alerting.min_traffic`` is set): half the required
  traffic, errors at twice the fastest tier's threshold, for longer than every
  long window: nothing may fire; the same at twice the required traffic must
  fire (so the guard, not something else, is what held).
- ``breach`` / ``within-objective`` for a threshold SLO: a violation must fire
  within ``for`` + two evaluation intervals; none must not.

Series are scraped and rules evaluated every minute (``STEP_MS``); a 3-day
ticket tier is about 8,000 steps, under a second with the engine's prefix sums.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError
from ..kinds import Evaluation
from ..promql.labels import labels_from
from . import proof_run
from .proof_run import (
    EVENTS_PER_S,
    STEP_MS,
    Phase,
    Unsupported,
    fmt,
    labels_of,
    ms,
    run_groups,
    samples_share,
    selector,
    simulate_phases,
    traffic,
)
from .rules_gen import SLORules, Tier, num, substitute
from .synth_probe import Unsupported as SynthUnsupported

if TYPE_CHECKING:
    from .proof_cache import ProofCache

__all__ = ["EVENTS_PER_S", "STEP_MS", "Unsupported", "check_names", "exercised_alerts", "run_check"]

OVER_BUDGET = 1.25  # the burn rate injected, as a multiple of the tier's factor
QUIET_SHARE = 0.9  # the error ratio of "just inside the objective", as a share of the budget
COUNTER_START = 1_000_000.0  # counters start high: no zero-point cap in increase()


def check_names(rules: SLORules) -> list[str]:
    if rules.indicator == "threshold":
        return ["breach", "within-objective"]
    names = [t.name for t in rules.tiers]
    if rules.tiers:
        names.append("within-objective")
        if rules.min_traffic is not None:
            names.append("min-traffic")
    return names


def exercised_alerts(rules: SLORules, name: str) -> list[str]:
    """The generated alerts a check makes fire (for the rule lint's coverage)."""
    if rules.indicator == "threshold":
        return [rules.alert_name(None)] if name == "breach" else []
    if name == "min-traffic":
        return [rules.alert_name(t) for t in rules.tiers]
    return [rules.alert_name(t) for t in rules.tiers if t.name == name]


def run_check(rules: SLORules, name: str, cache: ProofCache | None = None) -> Evaluation:
    """One proof of the SLO's alerts; its outcome is shared through ``cache`` (``proof_cache.py``)
    by every SLO with the same objective, windows, rule template and SLI shape."""
    title = f"SLOAlerts:{rules.slo}/{name}"
    try:
        if name not in check_names(rules):
            raise EvaluationError(f"{title}: no such alert tier")
        outcome = _outcome(rules, name, cache)
        if rules.indicator == "threshold":
            return _threshold_verdict(rules, name, title, outcome)
        if name == "within-objective":
            return _quiet_verdict(rules, title, outcome)
        if name == "min-traffic":
            return _min_traffic_verdict(rules, title, outcome)
        tier = next(t for t in rules.tiers if t.name == name)
        return _tier_verdict(rules, tier, title, outcome)
    except (Unsupported, SynthUnsupported) as exc:
        # The reason is the headline: the summary shows it, not only pytest's -rs.
        why = f"{title}: cannot be proved: {exc}"
        return Evaluation(True, why, skipped=why)


def _outcome(rules: SLORules, name: str, cache: ProofCache | None) -> dict[str, Any]:
    """What the simulation showed, for the SLO's names-free form (shared), else its own."""
    from .proof_cache import code_version, shared
    from .proof_key import alert_names, canonical, proof_key

    canon = canonical(rules)
    names = alert_names(canon, rules)
    store = cache if cache is not None else shared(None)
    constants = {
        "step_ms": STEP_MS,
        "over_budget": OVER_BUDGET,
        "quiet_share": QUIET_SHARE,
        "events_per_s": EVENTS_PER_S,
        "counter_start": COUNTER_START,
        "skip": proof_run.SKIP_QUIET_STRETCHES,
    }
    key = proof_key(canon, name, code_version(), constants)
    try:
        found = store.get_or_compute(key, lambda: _simulate_check(canon, name))
    except (Unsupported, SynthUnsupported, EvaluationError):
        if canon is rules:
            raise
        # The SLO's own queries, so the reason names its own metrics.
        return _simulate_check(rules, name)
    return _renamed(found, names)


def _renamed(outcome: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        k: [names.get(a, a) for a in v] if isinstance(v, list) else v for k, v in outcome.items()
    }


def _simulate_check(rules: SLORules, name: str) -> dict[str, Any]:
    """The outcome of one check: first firing times and which alerts fired (JSON-able)."""
    if rules.indicator == "threshold":
        return _threshold_outcome(rules, name)
    if name == "within-objective":
        return _quiet_outcome(rules)
    if name == "min-traffic":
        return _min_traffic_outcome(rules)
    tier = next(t for t in rules.tiers if t.name == name)
    return _tier_outcome(rules, tier)


def _tier_plan(rules: SLORules, tier: Tier) -> tuple[float, float, int]:
    """(burn rate, detection time, allowed time) of a tier's proof."""
    budget = rules.budget or 0.0
    burn = min(OVER_BUDGET * tier.factor, 1.0 / budget)
    detect = tier.long_ms * tier.factor / burn
    allowed = math.ceil(detect) + tier.for_ms + 2 * STEP_MS
    return burn, detect, allowed


def _tier_outcome(rules: SLORules, tier: Tier) -> dict[str, Any]:
    budget = rules.budget or 0.0
    burn, _, allowed = _tier_plan(rules, tier)
    step = STEP_MS
    warm = tier.long_ms
    phases = [
        Phase(warm, traffic(rules), 0.0),
        Phase(allowed + 2 * step, traffic(rules), burn * budget),
    ]
    lives = simulate_phases(rules, [tier], phases, step).of(rules.alert_name(tier))
    early = any(a.pending_at_ms is not None and a.pending_at_ms < warm for a in lives)
    fired = [a.firing_at_ms for a in lives if a.firing_at_ms is not None]
    return {"early": early, "fired_ms": min(fired) if fired else None}


def _tier_verdict(rules: SLORules, tier: Tier, title: str, outcome: dict[str, Any]) -> Evaluation:
    burn, detect, allowed = _tier_plan(rules, tier)
    step = STEP_MS
    warm = tier.long_ms
    alert = rules.alert_name(tier)
    first: int | None = outcome["fired_ms"]
    props = [
        ("alert", alert),
        ("burn_rate", num(burn)),
        ("allowed_s", str(allowed // 1000)),
        ("step_s", str(step // 1000)),
    ]
    why = (
        f"detection {fmt(int(detect))} (long window x {num(tier.factor)}/{num(burn)}) "
        f"+ for {tier.for_} + evaluation {fmt(step)} + scrape {fmt(step)}"
    )
    if outcome["early"]:
        return Evaluation(
            False,
            f"{title}: {alert} went off during clean traffic, before the burn",
            properties=props,
        )
    if first is None or first > warm + allowed:
        got = f"fired after {fmt(first - warm)}" if first is not None else "never fired"
        return Evaluation(
            False,
            f"{title}: {alert} {got} at a {num(burn)}x burn; allowed {fmt(allowed)}",
            details=[why],
            properties=props,
        )
    took = first - warm
    props.append(("fired_after_s", str(took // 1000)))
    return Evaluation(
        True,
        f"{title}: {alert} fired {fmt(took)} into a {num(burn)}x burn (allowed {fmt(allowed)})",
        details=[why],
        properties=props,
    )


def _quiet_plan(rules: SLORules) -> tuple[float, int]:
    span = max(t.long_ms for t in rules.tiers) + max(t.for_ms for t in rules.tiers) + 3 * STEP_MS
    return QUIET_SHARE * (rules.budget or 0.0), span


def _quiet_outcome(rules: SLORules) -> dict[str, Any]:
    longest = max(t.long_ms for t in rules.tiers)
    ratio, span = _quiet_plan(rules)
    phases = [Phase(span, traffic(rules), ratio)]
    if samples_share(rules):
        # A share-of-samples SLI over a window shorter than its history is coarse
        # (one bad minute of two is 50%): fill every window with clean minutes first.
        phases.insert(0, Phase(longest, traffic(rules), 0.0))
    timeline = simulate_phases(rules, rules.tiers, phases, STEP_MS)
    return {"fired": sorted({a.name for a in timeline.alerts if a.firing_at_ms is not None})}


def _quiet_verdict(rules: SLORules, title: str, outcome: dict[str, Any]) -> Evaluation:
    ratio, span = _quiet_plan(rules)
    fired = sorted(outcome["fired"])
    what = f"error ratio {num(ratio)} ({num(QUIET_SHARE * 100)}% of the budget) for {fmt(span)}"
    if fired:
        why = _coarse(rules) if samples_share(rules) else ""
        return Evaluation(False, f"{title}: {', '.join(fired)} fired at {what}{why}")
    return Evaluation(True, f"{title}: no alert at {what}")


def _coarse(rules: SLORules) -> str:
    """Why a share-of-samples SLI fires inside its objective: one bad sample is too much."""
    budget = rules.budget or 0.0
    for tier in sorted(rules.tiers, key=lambda t: ms(t.long)):
        share = STEP_MS / ms(tier.long)  # one bad sample of the long window
        if share > tier.factor * budget:
            return (
                f"; the SLI is a share of samples, and one bad sample is {share * 100:.3g}% "
                f"of the {tier.long} window, above {tier.name}'s {tier.factor * budget * 100:.3g}%"
            )
    return ""


def _min_traffic_plan(rules: SLORules) -> tuple[float, float, int]:
    guard = rules.min_traffic or 0.0
    ratio = min(1.0, 2 * max(t.factor for t in rules.tiers) * (rules.budget or 0.0))
    span = max(t.long_ms for t in rules.tiers) + max(t.for_ms for t in rules.tiers) + 3 * STEP_MS
    return guard, ratio, span


def _min_traffic_outcome(rules: SLORules) -> dict[str, Any]:
    guard, ratio, span = _min_traffic_plan(rules)
    low = simulate_phases(rules, rules.tiers, [Phase(span, guard / 2, ratio)], STEP_MS)
    fired_low = sorted({a.name for a in low.alerts if a.firing_at_ms is not None})
    if fired_low:
        return {"low": fired_low, "high": []}  # the verdict is made: no need for the second run
    high = simulate_phases(rules, rules.tiers, [Phase(span, guard * 2, ratio)], STEP_MS)
    return {"low": [], "high": sorted({a.name for a in high.alerts if a.firing_at_ms is not None})}


def _min_traffic_verdict(rules: SLORules, title: str, outcome: dict[str, Any]) -> Evaluation:
    guard, ratio, _ = _min_traffic_plan(rules)
    what = f"{num(guard / 2)} events/s (guard {num(guard)}) with error ratio {num(ratio)}"
    if outcome["low"]:
        return Evaluation(False, f"{title}: {', '.join(sorted(outcome['low']))} fired at {what}")
    silent = sorted({rules.alert_name(t) for t in rules.tiers} - set(outcome["high"]))
    if silent:
        return Evaluation(
            False,
            f"{title}: {', '.join(silent)} did not fire at {num(guard * 2)} events/s either: "
            "the alerts are silent for another reason than the traffic guard",
        )
    return Evaluation(True, f"{title}: no alert at {what}; all fire at twice the guard")


def _threshold_outcome(rules: SLORules, name: str) -> dict[str, Any]:
    op, value = rules.objective
    if op not in ("at_most", "below"):
        # A lower bound on a threshold query (at least N per window) needs traffic
        # shaped to the query; only counters of bad events are synthesised here.
        raise Unsupported("checks cover upper bounds (at_most, below) on threshold queries")
    sel = selector(substitute(rules.threshold_query, "5m"), "threshold query")
    labels = labels_from(labels_of(sel))
    step = STEP_MS
    span = ms(rules.for_) + 20 * step
    # A counter that gains (bound + 1) at minute 10: a breach of "at most N".
    jump = abs(value) + 1
    values: list[float | None] = [
        COUNTER_START + (jump if i >= 10 and name == "breach" else 0.0)
        for i in range(span // step + 1)
    ]
    timeline = run_groups([rules.group()], [(labels, values)], step, span)
    lives = timeline.of(rules.alert_name(None))
    fired = [a.firing_at_ms for a in lives if a.firing_at_ms is not None]
    return {"fired_ms": min(fired) if fired else None}


def _threshold_verdict(
    rules: SLORules, name: str, title: str, outcome: dict[str, Any]
) -> Evaluation:
    step = STEP_MS
    alert = rules.alert_name(None)
    first: int | None = outcome["fired_ms"]
    if name == "within-objective":
        if first is not None:
            return Evaluation(False, f"{title}: {alert} fired with no violation")
        return Evaluation(True, f"{title}: {alert} stays silent with no violation")
    allowed = ms(rules.for_) + 2 * step
    if first is None or first - 10 * step > allowed:
        got = f"after {fmt(first - 10 * step)}" if first is not None else "never"
        return Evaluation(False, f"{title}: {alert} fired {got}; allowed {fmt(allowed)}")
    took = first - 10 * step
    return Evaluation(
        True, f"{title}: {alert} fired {fmt(took)} after the violation (allowed {fmt(allowed)})"
    )
