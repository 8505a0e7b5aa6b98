"""Alert proofs that skip the hours where no alert can change (issue 15).

Pure core. A proof (``behaviour.py``) runs the generated rules over counters
whose rates are constant within each phase (clean traffic, then a burn). The
error ratio a recording rule measures over window ``w`` is then, in exact
arithmetic, monotone between *breakpoints*: the phase boundaries, and each
boundary plus each range or offset the queries read (the moment a window
stops holding the earlier phase). A burn-rate alert needs its long window's
ratio above its threshold; so where that ratio is at most the threshold at
both ends of a stretch between breakpoints, it is at most the threshold all
along, the alert cannot be pending anywhere inside, and the stretch does
not need to be simulated. The end of such a stretch is found by bisection
on the same monotone ratio (a few instant queries instead of thousands of
rule evaluations); the steps around every breakpoint, and everything from
where an alert could become pending, are simulated one by one as before.

Where the argument does not hold, the proof runs every step
(``simulation/run.py``): gauge SLIs (a share of bad
minutes is not monotone), subqueries, ``@`` and negative offsets, an SLI that
reads recorded series. The margin kept from the threshold (1e-9, relative)
is far above float noise, so a skipped stretch is one where the step-by-step
run would have found no alert either: same timeline, same verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..promql import ast
from ..promql.labels import Labels
from ..simulation.run import AlertLife, Timeline, record_step

if TYPE_CHECKING:
    from ..promql.engine import Engine
    from ..rules.group import Evaluator
    from .rules_gen import SLORules, Tier

LOOKBACK_MS = 300_000
NEAR = 6  # steps simulated one by one either side of a breakpoint (lookback is 5 steps)
MARGIN = 1e-9  # relative distance kept below a threshold before a stretch is skipped


@dataclass
class Guard:
    """An alert that cannot be pending while ``expr`` is at most ``threshold``.

    ``alternatives``: other (expr, threshold) pairs, any of which at most its
    threshold keeps the alert quiet too (the min-traffic guard, ANDed in).
    """

    expr: ast.Expr
    threshold: float
    alternatives: list[tuple[ast.Expr, float]] = field(default_factory=list)

    def conditions(self) -> list[tuple[ast.Expr, float]]:
        return [(self.expr, self.threshold), *self.alternatives]


def eligible(rules: SLORules, groups: list[Any]) -> bool:
    """Whether the skipping argument holds for these rules (our own template, plain ranges)."""
    from ..promql.parser import ParseError, parse
    from .rules_gen import RECORD_PREFIX

    if not rules.tiers or rules.indicator != "ratio":
        return False
    for group in groups:
        for rule in group.rules:
            try:
                tree = parse(rule.expr)
            except ParseError:
                return False
            for node in ast.subexpressions(tree):
                if isinstance(node, ast.SubqueryExpr):
                    return False
                if isinstance(node, ast.MatrixSelector) and not isinstance(node.range, int):
                    return False  # a range computed at evaluation (step() arithmetic)
                if isinstance(node, ast.VectorSelector):
                    if node.at is not None or node.at_modifier is not None:
                        return False
                    if isinstance(node.offset, int) and node.offset < 0:
                        return False
                    if not isinstance(node.offset, int):
                        return False
                    # Only alerts read recorded series; records read raw ones.
                    reads_record = (node.name or "").startswith((RECORD_PREFIX, "ALERTS"))
                    if reads_record and not rule.is_alert:
                        return False
    return True


def guards(rules: SLORules, tiers: list[Tier]) -> list[Guard]:
    """Each alert's long-window ratio and threshold: the alert is quiet while it is at most that.

    Sloth's one alert per severity fires on either of its window pairs, so both
    pairs' long windows guard it.
    """
    from ..promql.parser import parse
    from .rules_gen import substitute

    budget = rules.budget or 0.0
    if rules.sloth is None:
        out = [Guard(parse(rules.error_queries[t.long]), t.factor * budget) for t in tiers]
        if rules.min_traffic is not None:
            # `and on () (total) / long >= min_traffic`: quiet while the traffic is below it.
            for g, t in zip(out, tiers, strict=True):
                total = substitute(rules.total_query, t.long)
                g.alternatives.append(
                    (parse(f"({total}) / {t.long_ms // 1000}"), rules.min_traffic)
                )
        return out
    from . import sloth_rules

    severities = {t.severity for t in tiers}
    exprs = {r["record"]: r["expr"] for r in sloth_rules.sli_rules(rules.sloth)}
    return [
        Guard(parse(exprs[sloth_rules.RECORD + t.long]), t.factor * budget)
        for t in rules.tiers
        if t.severity in severities
    ]


def breakpoints(groups: list[Any], boundaries: list[int]) -> list[int]:
    """Times after which every window's ratio is monotone until the next one."""
    from ..promql.parser import parse

    shifts = {0, LOOKBACK_MS}
    for group in groups:
        for rule in group.rules:
            for node in ast.subexpressions(parse(rule.expr)):
                if isinstance(node, ast.MatrixSelector) and isinstance(node.range, int):
                    shifts.add(node.range + _offset(node.vector))  # others: not eligible
                elif isinstance(node, ast.VectorSelector):
                    shifts.add(LOOKBACK_MS + _offset(node))
    return sorted({b + s for b in boundaries for s in shifts})


def run_skipping(
    groups: list[Any],
    series: list[tuple[Labels, list[float | None]]],
    step: int,
    span: int,
    boundaries: list[int],
    alert_guards: list[Guard],
) -> Timeline:
    """The timeline ``simulate`` would give, simulating only where an alert can change."""
    from ..promql.engine import Engine
    from ..promql.storage import Storage
    from ..rules.group import Evaluator

    storage = Storage()
    # No query looks ahead (``eligible``), so every sample can be stored up front.
    for labels, values in series:
        storage.extend(labels, [(i * step, v) for i, v in enumerate(values) if v is not None])
    engine = Engine(storage, default_subquery_step_ms=step)
    ev = Evaluator(groups, storage, engine)
    last = span // step
    near: set[int] = {0, 1, 2, last}
    for b in breakpoints(groups, boundaries):
        k = b // step
        near.update(range(max(0, k - NEAR), min(last, k + NEAR) + 1))
    timeline = Timeline()
    lives: dict[tuple[str, Labels], AlertLife] = {}
    k = 0
    dense_until = 0  # steps before this one are simulated one by one (no second look)
    while k <= last:
        if k not in near and k >= dense_until and not _any_active(ev):
            stop = min(j for j in near if j > k)
            dense_until = stop
            safe = _last_quiet(engine, alert_guards, k - 1, stop, step)
            if safe > k:
                k = safe  # steps k..safe-1 skipped: no alert can be pending there
        _step(ev, k * step, step, timeline, lives)
        k += 1
    timeline.end_ms = last * step
    return timeline


def _last_quiet(engine: Engine, alert_guards: list[Guard], left: int, right: int, step: int) -> int:
    """The first step from which to simulate again: every alert is quiet before it.

    ``left`` was simulated and the next breakpoint's neighbourhood starts at
    ``right``; every guarded value is monotone on [left, right].
    """
    resume = right
    for g in alert_guards:
        # The alert is quiet as long as any one of its conditions is: the longest stretch.
        resume = min(
            resume, max(_quiet_until(engine, c, left, right, step) for c in g.conditions())
        )
    return resume


def _quiet_until(
    engine: Engine, condition: tuple[ast.Expr, float], left: int, right: int, step: int
) -> int:
    if not _quiet(engine, condition, left * step):
        return left + 1
    if _quiet(engine, condition, right * step):
        return right
    lo, hi = left, right  # quiet at lo, not at hi: the quiet steps are a prefix
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _quiet(engine, condition, mid * step):
            lo = mid
        else:
            hi = mid
    return max(left + 1, lo - NEAR)


def _quiet(engine: Engine, condition: tuple[ast.Expr, float], t_ms: int) -> bool:
    from ..promql.values import QueryError, Vector

    expr, threshold = condition
    try:
        value = engine.instant(expr, t_ms)
    except QueryError:
        return False
    if not isinstance(value, Vector) or not value:
        return False  # an absent ratio proves nothing (the alert would look back)
    bound = threshold * (1 - MARGIN)
    return all(s.v <= bound for s in value)  # NaN compares false: not quiet


def _any_active(ev: Evaluator) -> bool:
    return any(a.state != "inactive" for st in ev.states for a in st.active.values())


def _step(
    ev: Evaluator,
    ts: int,
    step: int,
    timeline: Timeline,
    lives: dict[tuple[str, Labels], AlertLife],
) -> None:
    """One evaluation, recorded as ``simulation.run.simulate`` records it."""
    record_step(ev, ts, timeline, lives, interval_ms=step)


def _offset(node: ast.Expr) -> int:
    off = getattr(node, "offset", 0)
    return off if isinstance(off, int) else 0
