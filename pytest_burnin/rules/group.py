"""Rule-group evaluation with Prometheus' semantics (``rules/group.go``, ``alerting.go``).

At each evaluation timestamp the groups run in order, and the rules of a group
run in order; every rule's output is appended to the storage at once, so a later
rule (and every later step) sees it. Alerting rules keep per-label-set alert
state: pending until ``for`` has elapsed, then firing; ``keep_firing_for`` keeps a
firing alert alive after its expression stops returning it; resolved alerts are
kept 15 minutes, as Prometheus does. Each step writes ``ALERTS`` (value 1,
``alertstate`` pending/firing) and ``ALERTS_FOR_STATE`` (value = ActiveAt in
seconds) for every active alert, and a stale marker for every series a rule
wrote last time but not this time (pending->firing changes ``alertstate``, so
the pending series goes stale).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..promql import ast
from ..promql.engine import Engine
from ..promql.float_histogram import FloatHistogram
from ..promql.labels import METRIC_NAME, Labels, labels_from, with_label
from ..promql.reads import referenced_metrics
from ..promql.storage import STALE_NAN, Storage
from ..promql.values import NativeHistogramUnsupported, QueryError, Scalar, Vector
from . import template
from .rulefile import Rule, RuleGroup

RESOLVED_RETENTION_MS = 15 * 60_000
ALERTS = "ALERTS"
ALERTS_FOR_STATE = "ALERTS_FOR_STATE"


class RuleEvalError(Exception):
    """A rule that could not be evaluated at one timestamp (promtool fails the group)."""

    def __init__(self, rule: Rule, t_ms: int, message: str) -> None:
        self.rule, self.t_ms, self.message = rule, t_ms, message
        super().__init__(message)


@dataclass
class Alert:
    labels: Labels
    annotations: Labels
    state: str  # "pending", "firing" or "inactive"
    active_at_ms: int
    value: float
    fired_at_ms: int | None = None
    resolved_at_ms: int | None = None
    keep_firing_since_ms: int | None = None


def query_vector(engine: Engine, expr: str | ast.Expr, t_ms: int) -> list[tuple[Labels, float]]:
    """Prometheus' EngineQueryFunc: a vector, or a scalar as one label-less sample."""
    val = engine.instant(expr, t_ms)
    if isinstance(val, Vector):
        if any(s.h is not None for s in val):
            # An alert's value must be a float: a histogram result is an error, never a 0.
            raise NativeHistogramUnsupported(
                "an alerting rule whose result holds native histograms is not supported"
            )
        return [(s.labels, s.v) for s in val]
    if isinstance(val, Scalar):
        return [((), val.v)]
    raise QueryError("rule result is not a vector or scalar")


def _record_samples(
    engine: Engine, expr: str | ast.Expr, t_ms: int
) -> list[tuple[Labels, float | FloatHistogram]]:
    """A recording rule's result: floats, and native histograms (stored as such)."""
    val = engine.instant(expr, t_ms)
    if isinstance(val, Vector):
        return [(s.labels, s.v if s.h is None else s.h) for s in val]
    if isinstance(val, Scalar):
        return [((), val.v)]
    raise QueryError("rule result is not a vector or scalar")


@dataclass
class RuleState:
    """Per-rule state carried from one evaluation to the next."""

    rule: Rule
    group: RuleGroup
    active: dict[Labels, Alert] = field(default_factory=dict)
    previous_series: set[Labels] = field(default_factory=set)
    last_error: str | None = None
    last_eval_ms: int | None = None


class Evaluator:
    """Evaluates a list of rule groups step by step over one storage."""

    def __init__(
        self,
        groups: list[RuleGroup],
        storage: Storage,
        engine: Engine,
        *,
        external_labels: Mapping[str, str] | None = None,
        external_url: str = "",
        only: set[int] | None = None,
    ) -> None:
        """``only``: ids of the rules to evaluate (None: all of them)."""
        self.storage = storage
        self.engine = engine
        self.external_labels = dict(external_labels or {})
        self.external_url = external_url
        self.states: list[RuleState] = [
            RuleState(r, g) for g in groups for r in g.rules if only is None or id(r) in only
        ]

    def eval_at(
        self, ts_ms: int, wanted: set[int] | None = None, interval_ms: int = 0
    ) -> list[RuleEvalError]:
        """Evaluate every rule (or those whose id is in ``wanted``) at ``ts_ms``.

        A rule evaluated after a gap (its previous evaluation more than
        ``interval_ms`` ago) starts from a clean state: alert continuity across
        steps that were not evaluated is unknown, so it is not assumed.
        """
        errors = []
        for st in self.states:
            if wanted is not None and id(st.rule) not in wanted:
                continue
            if (
                st.last_eval_ms is not None
                and interval_ms
                and ts_ms - st.last_eval_ms > interval_ms
            ):
                st.active.clear()
                st.previous_series = set()
            st.last_eval_ms = ts_ms
            offset = st.group.query_offset_ms or 0
            out: Sequence[tuple[Labels, float | FloatHistogram]]
            try:
                if st.rule.is_alert:
                    out = self._eval_alert(st, ts_ms, offset)
                else:
                    out = self._eval_record(st, ts_ms - offset)
            except QueryError as e:
                st.last_error = str(e)
                errors.append(RuleEvalError(st.rule, ts_ms, str(e)))
                continue
            st.last_error = None
            t = ts_ms - offset
            seen = set()
            for labels, v in out:
                if isinstance(v, FloatHistogram):
                    self.storage.append_histogram(labels, t, v)
                else:
                    self.storage.append(labels, t, v)
                seen.add(labels)
            for gone in st.previous_series - seen:
                self.storage.append(gone, t, STALE_NAN)
            st.previous_series = seen
        return errors

    # -- recording rules ----------------------------------------------------

    def _eval_record(self, st: RuleState, t: int) -> list[tuple[Labels, float | FloatHistogram]]:
        rule = st.rule
        expr = rule.parsed if rule.parsed is not None else rule.expr
        out: list[tuple[Labels, float | FloatHistogram]] = []
        seen: set[Labels] = set()
        for labels, v in _record_samples(self.engine, expr, t):
            lab = record_labels(labels, rule.name, rule.labels)
            if lab in seen:
                raise QueryError(
                    "vector contains metrics with the same labelset after applying rule labels"
                )
            seen.add(lab)
            out.append((lab, v))
        limit = st.group.limit
        if limit > 0 and len(out) > limit:
            raise QueryError(f"exceeded limit of {limit} with {len(out)} series")
        return out

    # -- alerting rules -----------------------------------------------------

    def _expand(self, text: str, rule: Rule, labels: Labels, value: float, ts: int) -> str:
        if "{{" not in text:
            return text
        eng = self.engine

        def run_query(q: str) -> list[tuple[dict[str, str], float]]:
            return [(dict(lab), v) for lab, v in query_vector(eng, q, ts)]

        return template.expand_for_alert(
            text,
            "__alert_" + rule.name,
            labels=dict(labels),
            value=value,
            external_labels=self.external_labels,
            external_url=self.external_url,
            query=run_query,
            timestamp_s=ts / 1000,
        )

    def _eval_alert(self, st: RuleState, ts: int, offset: int) -> list[tuple[Labels, float]]:
        rule = st.rule
        expr = rule.parsed if rule.parsed is not None else rule.expr
        current: dict[Labels, Alert] = {}
        for labels, v in query_vector(self.engine, expr, ts - offset):
            pairs = {k: val for k, val in labels if k != METRIC_NAME}
            for k, tmpl in rule.labels.items():
                pairs[k] = self._expand(tmpl, rule, labels, v, ts)
            pairs["alertname"] = rule.name
            lab = labels_from(pairs)
            # Unlike labels, an annotation that renders empty is kept (as Prometheus does).
            annotations = tuple(
                sorted(
                    (k, self._expand(t, rule, labels, v, ts)) for k, t in rule.annotations.items()
                )
            )
            if lab in current:
                raise QueryError(
                    "vector contains metrics with the same labelset after applying alert labels"
                )
            current[lab] = Alert(lab, annotations, "pending", ts, v)

        for lab, new in current.items():
            old = st.active.get(lab)
            if old is not None and old.state != "inactive":
                old.value, old.annotations = new.value, new.annotations
            else:
                st.active[lab] = new

        out: list[tuple[Labels, float]] = []
        n_active = 0
        for lab, a in list(st.active.items()):
            if lab not in current:
                keep = False
                if a.state == "firing" and rule.keep_firing_for_ms > 0:
                    if a.keep_firing_since_ms is None:
                        a.keep_firing_since_ms = ts
                    keep = ts - a.keep_firing_since_ms < rule.keep_firing_for_ms
                resolved_long_ago = (
                    a.resolved_at_ms is not None and ts - a.resolved_at_ms > RESOLVED_RETENTION_MS
                )
                if a.state == "pending" or resolved_long_ago:
                    del st.active[lab]
                if a.state != "inactive" and not keep:
                    a.state, a.resolved_at_ms = "inactive", ts
                if not keep:
                    continue
            else:
                a.keep_firing_since_ms = None
            n_active += 1
            if a.state == "pending" and ts - a.active_at_ms >= rule.for_ms:
                a.state, a.fired_at_ms = "firing", ts
            out.append((labels_from([*lab, (METRIC_NAME, ALERTS), ("alertstate", a.state)]), 1.0))
            out.append(
                (with_label(lab, METRIC_NAME, ALERTS_FOR_STATE), float(a.active_at_ms // 1000))
            )

        limit = st.group.limit
        if limit > 0 and n_active > limit:
            st.active.clear()
            raise QueryError(f"exceeded limit of {limit} with {n_active} alerts")
        return out

    def alerts(self, alertname: str) -> Iterator[Alert]:
        """Every active (pending or firing) alert of the rules named ``alertname``."""
        for st in self.states:
            if st.rule.is_alert and st.rule.name == alertname:
                for a in st.active.values():
                    if a.state != "inactive":
                        yield a


def record_labels(labels: Labels, name: str, rule_labels: Mapping[str, str]) -> Labels:
    """A recording rule's output labels: its metric name, then its labels."""
    out = with_label(labels, METRIC_NAME, name)
    for k, v in rule_labels.items():
        out = with_label(out, k, v)
    return out


# -- dependencies -------------------------------------------------------------


def rules_needed(
    groups: Iterable[RuleGroup], metrics: set[str] | None, alertnames: Iterable[str]
) -> tuple[set[int], bool]:
    """Ids of the rules needed to produce ``metrics`` and the alerts ``alertnames``,
    and whether anything needed reads ``ALERTS``/``ALERTS_FOR_STATE``.

    Recording-rule dependencies are followed by metric name; reading ALERTS or
    ALERTS_FOR_STATE needs every alerting rule; a template calling ``query`` or a
    selector without a fixed name could read anything, so it needs every rule.
    """
    all_rules = [r for g in groups for r in g.rules]
    everything = ({id(r) for r in all_rules}, True)
    by_name: dict[str, list[Rule]] = {}
    for r in all_rules:
        by_name.setdefault(r.name, []).append(r)
    if metrics is None:
        return everything
    needed: dict[int, Rule] = {}
    todo: list[Rule] = [r for name in alertnames for r in by_name.get(name, []) if r.is_alert]
    wanted = set(metrics)
    reads_alerts = False
    while todo or wanted:
        for m in wanted:
            if m in (ALERTS, ALERTS_FOR_STATE):
                reads_alerts = True
                todo += [r for r in all_rules if r.is_alert]
            else:
                todo += [r for r in by_name.get(m, []) if not r.is_alert]
        wanted = set()
        while todo:
            r = todo.pop()
            if id(r) in needed:
                continue
            needed[id(r)] = r
            refs = referenced_metrics(r.parsed) if r.parsed is not None else None
            templated = [*r.labels.values(), *r.annotations.values()]
            if refs is None or any("query" in t for t in templated):
                return everything
            wanted |= refs
    return set(needed), reads_alerts
