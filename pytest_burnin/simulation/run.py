"""Run rule groups over series given in promtool notation and record each alert's life.

Pure core: the same rule evaluator as the promtool test runner, stepped at the
evaluation interval; what it keeps is a timeline per alert instance (first
pending, first firing, resolved), which is what a simulation's expectations
and its delivery latency are computed from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EvaluationError
from ..promql.engine import Engine
from ..promql.labels import Labels, get
from ..promql.lexer import format_duration
from ..promql.storage import Storage
from ..promql.subquery_memo import SubqueryMemo, volatile_names
from ..rules.group import Evaluator
from ..rules.rulefile import RuleFileError, RuleGroup, load_rule_file

# Rule evaluations one simulation may take: 100,000 is about 69 days at the
# usual 1m interval and some minutes of work; `100y` at 1m (52 million) would
# run for days, so it is refused up front with the numbers and what to change.
MAX_STEPS = 100_000


def check_steps(duration_ms: int, evaluation_interval_ms: int) -> str | None:
    """Why a simulation of ``duration_ms`` is too much work, or None when it is not."""
    if evaluation_interval_ms <= 0:
        return "evaluation_interval must be positive"
    steps = duration_ms // evaluation_interval_ms + 1
    if steps <= MAX_STEPS:
        return None
    return (
        f"a simulation of {format_duration(duration_ms)} at evaluation_interval "
        f"{format_duration(evaluation_interval_ms)} is {steps:,} rule evaluations, over the limit "
        f"of {MAX_STEPS:,}: shorten duration or lengthen evaluation_interval"
    )


@dataclass
class AlertLife:
    """One alert instance (alert name + labels) over the simulation."""

    name: str
    labels: Labels
    annotations: Labels = ()
    value: float = 0.0
    threshold: float | None = None  # the bound in `expr > N`, when the rule has one
    pending_at_ms: int | None = None
    firing_at_ms: int | None = None
    resolved_at_ms: int | None = None


@dataclass
class Timeline:
    alerts: list[AlertLife] = field(default_factory=list)
    steps: int = 0
    end_ms: int = 0

    def of(self, name: str) -> list[AlertLife]:
        return [a for a in self.alerts if a.name == name]


def load_groups(files: list[Path], compat: int = 3) -> list[RuleGroup]:
    """The rule files' groups, their expressions parsed in PromQL mode ``compat``."""
    groups: list[RuleGroup] = []
    for f in files:
        if not f.is_file():
            raise EvaluationError(f"rule file {f} does not exist")
        try:
            groups.extend(load_rule_file(f, compat=compat).groups)
        except RuleFileError as exc:
            raise EvaluationError(str(exc)) from None
    return groups


def simulate(
    groups: list[RuleGroup],
    series: list[tuple[Labels, list[float | None]]],
    *,
    interval_ms: int,
    evaluation_interval_ms: int,
    duration_ms: int,
    compat: int = 3,
    external_labels: dict[str, str] | None = None,
    external_url: str = "",
    recorded: list[tuple[int, Labels, float]] | None = None,
) -> Timeline:
    """Step the rules from 0 to ``duration_ms``; samples are visible once their time has come.

    ``recorded`` are samples at their own times (real data shifted to start at 0);
    ``series`` in promtool notation replace recorded series with the same labels.
    """
    too_much = check_steps(duration_ms, evaluation_interval_ms)
    if too_much is not None:
        raise EvaluationError(too_much)
    storage = Storage()
    engine = Engine(storage, compat=compat, default_subquery_step_ms=evaluation_interval_ms)
    # Samples go in in time order, none before an evaluated time: subquery steps
    # over the inputs can be kept from one evaluation to the next.
    engine.subquery_memo = SubqueryMemo(volatile_names(groups))
    ev = Evaluator(
        groups, storage, engine, external_labels=external_labels or {}, external_url=external_url
    )
    given = {labels for labels, _ in series}
    samples = sorted(
        [
            *(
                (i * interval_ms, labels, v)
                for labels, values in series
                for i, v in enumerate(values)
                if v is not None
            ),
            *(r for r in recorded or () if r[1] not in given),
        ],
        key=lambda s: s[0],
    )
    lives: dict[tuple[str, Labels], AlertLife] = {}
    timeline = Timeline()
    next_sample = 0
    ts = 0
    while ts <= duration_ms:
        while next_sample < len(samples) and samples[next_sample][0] <= ts:
            t, labels, v = samples[next_sample]
            storage.append(labels, t, v)
            next_sample += 1
        record_step(ev, ts, timeline, lives)
        ts += evaluation_interval_ms
    timeline.end_ms = ts - evaluation_interval_ms
    return timeline


def record_step(
    ev: Evaluator,
    ts: int,
    timeline: Timeline,
    lives: dict[tuple[str, Labels], AlertLife],
    interval_ms: int = 0,
) -> None:
    """Evaluate the rules at ``ts`` and record each alert's pending, firing and resolved times."""
    errors = ev.eval_at(ts, interval_ms=interval_ms)
    if errors:
        first = errors[0]
        raise EvaluationError(
            f"rule {first.rule.name!r} could not be evaluated at {ts // 1000}s: {first.message}"
        )
    for st in ev.states:
        if not st.rule.is_alert:
            continue
        for lab, alert in st.active.items():
            key = (st.rule.name, lab)
            life = lives.get(key)
            if life is None:
                life = AlertLife(st.rule.name, lab, threshold=threshold_of(st.rule.parsed))
                lives[key] = life
                timeline.alerts.append(life)
            if alert.state in ("pending", "firing") and life.pending_at_ms is None:
                life.pending_at_ms = alert.active_at_ms
            if alert.state == "firing" and life.firing_at_ms is None:
                life.firing_at_ms = alert.fired_at_ms if alert.fired_at_ms is not None else ts
                life.annotations = alert.annotations
                life.value = alert.value
            if (
                alert.state == "inactive"
                and life.firing_at_ms is not None
                and life.resolved_at_ms is None
            ):
                life.resolved_at_ms = alert.resolved_at_ms or ts
    timeline.steps += 1


def alert_name(labels: Labels) -> str:
    return get(labels, "alertname")


def threshold_of(expr: object) -> float | None:
    """N in ``<expr> > N`` (or ``N < <expr>``...): the bound an alert's value crossed."""
    from ..promql import ast

    while isinstance(expr, ast.ParenExpr):
        expr = expr.expr
    if not isinstance(expr, ast.BinaryExpr) or expr.op not in (">", "<", ">=", "<=", "==", "!="):
        return None
    for side in (expr.rhs, expr.lhs):
        while isinstance(side, ast.ParenExpr):
            side = side.expr
        if isinstance(side, ast.NumberLiteral):
            return side.value
    return None
