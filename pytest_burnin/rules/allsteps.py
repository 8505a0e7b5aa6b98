"""The promtool runner's fast path: a recording rule evaluated over all steps at once.

promtool evaluates every rule at every step as an instant query over samples
loaded up to that step. For a recording rule that is the same as one range
query over the steps, with every input sample loaded up front, when:

* its expression reads nothing after the evaluation time: no ``@``, no
  negative offset, no ``smoothed``/``anchored`` selector, none of the
  query-context functions (``step()``, ``start()``... differ between an
  instant and a range query), no ``info()`` (it reads ``target_info``
  unnamed);
* it reads only input series and metrics of rules that come before it in
  evaluation order and are batched too (never its own metric, a later
  rule's, ``ALERTS``/``ALERTS_FOR_STATE``): at step t the step path sees
  exactly those, written up to t;
* its group has no ``limit`` and no ``query_offset``;
* no evaluation error at any step, no series twice in one step, no two
  results that collide once the rule's labels are applied, no native
  histogram: on any of these the caller starts again on the step path, so
  messages stay promtool's (the first failing step, every rule that fails
  there).

Every other rule still runs step by step after the batched ones have been
written, over the fully loaded storage, so the same time-safety is required
of every rule evaluated, and a step rule reading a batched metric must come
after its writer. Outputs are written as per-step evaluation writes them:
a value at each step, a staleness marker at the first step a series is gone,
new series created in the order they first appear (the order later
selections and sums meet them).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..promql import ast
from ..promql.evaltypes import IVector
from ..promql.evaluator import Evaluator as QueryEvaluator
from ..promql.labels import Labels
from ..promql.reads import referenced_metrics, time_safe
from ..promql.storage import STALE_NAN, Storage
from .allsteps_call import call_columns
from .allsteps_col import Column as _Column
from .allsteps_col import NotBatchable
from .group import ALERTS, ALERTS_FOR_STATE, Evaluator, RuleState, record_labels


def plan(states: list[RuleState], input_names: set[str]) -> set[int]:
    """Ids of the recording rules that can be evaluated over all steps at once
    (empty: none, run everything step by step). ``states`` in evaluation order."""
    reads: list[set[str]] = []
    for st in states:
        expr = st.rule.parsed
        refs = referenced_metrics(expr) if expr is not None else None
        templated = [*st.rule.labels.values(), *st.rule.annotations.values()]
        if expr is None or refs is None or not time_safe(expr):
            return set()  # a rule that might read anything, or after t
        if st.rule.is_alert and any("query" in t for t in templated):
            return set()  # a template query: it could read anything
        reads.append(refs)
    recorded = [st.rule.name for st in states if not st.rule.is_alert]
    if input_names & set(recorded):
        return set()  # outputs written into input series' names: keep the step path's order
    twice = {n for n in recorded if recorded.count(n) > 1}
    excluded: set[int] = set()
    while True:
        batched = _forward(states, reads, twice, excluded)
        late = _read_too_early(states, reads, batched)
        if not late:
            return {id(states[i].rule) for i in batched}
        excluded |= late


def _forward(
    states: list[RuleState], reads: list[set[str]], twice: set[str], excluded: set[int]
) -> set[int]:
    """Positions of the recording rules that read only input series and earlier batched rules."""
    batched: set[int] = set()
    not_ready = {ALERTS, ALERTS_FOR_STATE}  # names a batched rule must not read
    later = {st.rule.name for st in states if not st.rule.is_alert}
    for i, st in enumerate(states):
        if st.rule.is_alert:
            continue
        ok = (
            i not in excluded
            and st.rule.name not in twice
            and st.group.limit <= 0
            and not st.group.query_offset_ms
        )
        # A recording rule's own name: still "later" until it is written.
        if ok and not (reads[i] & (not_ready | later)):
            batched.add(i)
        else:
            not_ready.add(st.rule.name)
        later = {s.rule.name for s in states[i + 1 :] if not s.rule.is_alert}
    return batched


def _read_too_early(states: list[RuleState], reads: list[set[str]], batched: set[int]) -> set[int]:
    """Batched writers read by a step rule that comes before them in evaluation order
    (at step t it must not see their output at t)."""
    late: set[int] = set()
    for i in range(len(states)):
        if i in batched:
            continue
        for j in batched:
            if j > i and states[j].rule.name in reads[i]:
                late.add(j)
    return late


def evaluate(ev: Evaluator, batched: set[int], start: int, end: int, step: int) -> None:
    """Evaluate the batched rules in order over [start, end] and write their outputs.

    Raises NotBatchable (or any error the query raises): the caller then
    starts over on the step path with a fresh storage.
    """
    for st in ev.states:
        if id(st.rule) in batched:
            _write(ev.storage, _columns(ev, st, start, end, step))


def _columns(ev: Evaluator, st: RuleState, start: int, end: int, step: int) -> list[_Column]:
    rule = st.rule
    expr = rule.parsed
    assert expr is not None  # plan() batches parsed rules only
    q = QueryEvaluator(ev.engine, start, end, step, "")
    if q.histograms:
        raise NotBatchable("native histograms")
    inner = expr
    while isinstance(inner, ast.ParenExpr):
        inner = inner.expr
    if isinstance(inner, ast.Call):
        direct = call_columns(q, inner, rule.name, rule.labels)
        if direct is not None:
            return direct
    cols: dict[Labels, _Column] = {}
    taken: set[Labels] = set()
    previous: list[_Column] = []
    t, j = start, 0
    while t <= end:
        q.current_t = t
        val = q.eval(expr, t)
        if isinstance(val, float):
            items: Iterable[tuple[Labels, float]] = (((), val),)
        elif isinstance(val, IVector):
            if any(el.h is not None for el in val):
                raise NotBatchable("native histogram results")
            items = ((q.strip(el.labels) if el.drop else el.labels, el.v) for el in val)
        else:
            raise NotBatchable("not a vector or scalar")
        present: list[_Column] = []
        for lab, v in items:
            col = cols.get(lab)
            if col is None:
                out = record_labels(lab, rule.name, rule.labels)
                if out in taken:
                    raise NotBatchable("two results share a label set once relabelled")
                taken.add(out)
                col = cols[lab] = _Column(out)
            elif col.last == j:
                raise NotBatchable("a series twice in one step")
            col.ts.append(t)
            col.vs.append(v)
            col.last = j
            present.append(col)
        for col in previous:
            if col.last != j:  # gone since the last step: a staleness marker now
                col.ts.append(t)
                col.vs.append(STALE_NAN)
        previous = present
        t += step
        j += 1
    return list(cols.values())


def _write(storage: Storage, cols: list[_Column]) -> None:
    for col in cols:
        storage.load(col.labels, col.ts, col.vs)
