"""Run ``promtool test rules`` files unchanged: one ``GroupResult`` per test group.

Semantics follow promtool's ``unittest.go``: input series are loaded step by
step (a rule at time t sees samples up to t), every needed rule group is
evaluated at each ``evaluation_interval`` from ``start_timestamp`` up to the
largest ``eval_time``; an alert assertion at ``eval_time`` is checked against the
state after the evaluation at the last step not after it; ``promql_expr_test``
queries run at the end. Failure messages are promtool's, byte for byte where
possible, plus a unified diff of expected vs got. Recording rules that provably
give the same are evaluated over all steps at once first (``allsteps.py``).

Where we differ, on purpose:

* Only the rules an assertion depends on are evaluated (alerting rules by
  name, recording rules followed by metric name, everything when a selector
  has no fixed name or a template calls ``query``). promtool evaluates every
  rule of every file; so an evaluation error in a rule no assertion uses is
  not reported here (``evaluate_all_rules=True`` restores promtool's behaviour;
  a group without assertions evaluates every rule once, as promtool does).
* A ``rule_files`` entry matching no file fails the group. promtool 2.42 and
  3.5 only warn ("no file match pattern ...") and run the group without those
  rules: its alert expectations then fail (no alert fires), while a group of
  ``promql_expr_test`` over input series, or one expecting no alert, passes.
* Native histograms (``{{...}}`` input values, ``exp_samples[].histogram``,
  recording rules that store them) are supported; an alerting rule whose
  result holds native histograms is an evaluation error, never a wrong pass.

Compatibility: ``compat=3`` (default) is promtool 3: a test group without
``interval`` uses ``evaluation_interval``. ``compat=2`` is promtool 2.42: such a
group loads all its samples at the start time (``load 0s``); the engine runs in
its 2.x mode (closed windows).

Extensions (opt in per alert test with a ``burnin:`` mapping; real promtool
rejects the key, so a file that uses one is a pytest-burnin file):

.. code-block:: yaml

    alert_rule_test:
      - eval_time: 10m
        alertname: HighErrorRate
        burnin:
          match: subset   # exp_labels/exp_annotations need only be a subset (default: exact)
          regex: true     # expected values are fully anchored regexes (default: false)
          state: pending  # assert pending alerts; "any" = pending or firing (default: firing)
        exp_alerts:
          - exp_labels: {severity: page}
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..promql.engine import Engine, collector_paused
from ..promql.float_histogram import FloatHistogram
from ..promql.goregex import full_match
from ..promql.labels import Labels
from ..promql.parser import ParseError, parse
from ..promql.reads import referenced_metrics
from ..promql.storage import Storage
from ..promql.subquery_memo import SubqueryMemo, volatile_names
from ..promql.values import NativeHistogramUnsupported, QueryError
from .alertdiff import field_differences
from .allsteps import evaluate, plan
from .gofmt import go_duration, go_quote
from .group import Alert, Evaluator, rules_needed
from .inputs import Feed, load_all, loadable, metric_names, parse_inputs
from .native_expect import expected_sample, query_samples
from .promtool_format import (
    alerts_string,
    format_float_e,
    indent,
    labels_string,
    unified_diff,
)
from .rulefile import RuleFileError, RuleGroup, load_rule_file
from .testfile import AlertTest, ExprTest, TestFile, TestGroup, load_test_file

__all__ = ["GroupResult", "RunOptions", "load_test_file", "run_file", "run_group"]


@dataclass
class RunOptions:
    compat: int = 3
    evaluate_all_rules: bool = False
    ignore_unknown_fields: bool = False
    # Recording rules over all steps at once where provably the same (allsteps.py).
    all_steps: bool = True


@dataclass
class GroupResult:
    """The outcome of one test group; ``str()`` is the whole story."""

    file: Path
    index: int  # 0-based position in ``tests``
    name: str
    line: int  # 1-based line of the group in the test file
    status: str = "passed"  # "passed", "failed", "skipped" or "error" (could not evaluate)
    failures: list[str] = field(default_factory=list)  # promtool's messages
    diffs: list[str] = field(default_factory=list)  # unified diffs, expected vs got
    headlines: list[str] = field(default_factory=list)  # one line per failure
    failure_lines: list[int] = field(default_factory=list)  # 1-based test-file line per failure
    # Per failure, what differs field by field (shown above promtool's text); may be empty.
    notes: list[list[str]] = field(default_factory=list)
    skip_reason: str = ""
    assertions: int = 0
    duration_s: float = 0.0
    # Recording rules evaluated over all steps at once (0: the step path only).
    all_steps_rules: int = 0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def title(self) -> str:
        return self.name or f"tests[{self.index}]"

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    def summary(self) -> str:
        """One line that tells the whole story (the pytest short summary / JUnit message)."""
        if self.status == "skipped":
            return f"{self.title}: skipped: {self.skip_reason}"
        if self.passed:
            return f"{self.title}: passed ({self.assertions} assertions)"
        n = len(self.failures)
        return f"{self.title}: {n} failure{'s' if n > 1 else ''}: {self.headlines[0]}"

    def __str__(self) -> str:
        parts = [self.summary()]
        for i, failure in enumerate(self.failures):
            parts += [*(self.notes[i] if i < len(self.notes) else []), failure]
        if self.diffs:
            parts.append("\n".join(self.diffs))
        parts.append(self.location)
        return "\n".join(parts)

    def fail(
        self,
        message: str,
        diff: str = "",
        headline: str = "",
        line: int = 0,
        notes: list[str] | None = None,
    ) -> None:
        """Record one failure: promtool's text, a diff, a one-line story, its test-file
        line, and the fields that differ."""
        self.status = "failed"
        self.failures.append(message)
        self.headlines.append(headline or message.strip().splitlines()[0])
        self.failure_lines.append(line or self.line)
        self.notes.append(list(notes or []))
        if diff:
            self.diffs.append(diff)


# -- rules --------------------------------------------------------------------


def _load_rules(tf: TestFile, opts: RunOptions) -> tuple[list[RuleGroup], list[str]]:
    key = f"rules:{opts.ignore_unknown_fields}:{opts.compat}"
    if key not in tf.cache:
        files, missing = tf.rule_files()
        errors = [
            f"rule file {go_quote(m)} matches no file ({missing_rule_file_note(m)})"
            for m in missing
        ]
        groups: list[RuleGroup] = []
        for f in files:
            try:
                groups += load_rule_file(
                    f, ignore_unknown_fields=opts.ignore_unknown_fields, compat=opts.compat
                ).groups
            except RuleFileError as e:
                rel = _relative(f, tf.path.parent)
                errors += [
                    f"{rel}: {x.line}:{x.col}: {x.message}" if x.line else f"{rel}: {x.message}"
                    for x in e.errors
                ]
        order = {name: i for i, name in enumerate(tf.group_eval_order)}
        groups.sort(key=lambda g: order.get(g.name, 0))
        tf.cache[key] = (groups, errors)
    cached: tuple[list[RuleGroup], list[str]] = tf.cache[key]
    return cached


def missing_rule_file_note(pattern: str) -> str:
    """What promtool does with a rule_files pattern that matches nothing (checked
    with promtool 2.42 and 3.5.3): a warning, then the tests run without it."""
    return (
        f"promtool only warns 'no file match pattern {pattern}' and tests without its "
        "rules: expected alerts then fail, but tests expecting none, or querying only "
        "input series, pass"
    )


def _relative(p: Path, base: Path) -> str:
    try:
        return str(p.relative_to(base))
    except ValueError:
        return str(p)


# -- running ------------------------------------------------------------------


def run_file(path: str | Path, opts: RunOptions | None = None) -> list[GroupResult]:
    tf = load_test_file(path)
    return [run_group(tf, g, opts) for g in tf.groups]


def run_group(tf: TestFile, g: TestGroup, opts: RunOptions | None = None) -> GroupResult:
    # The collector off for the whole group, not only each query: between queries
    # the runner's own allocations (results, alert states) trigger full passes
    # over the group's input samples, which free nothing (a 1,000-series group:
    # 39 s -> 27 s of CPU). Reference counting still frees; it runs again after.
    with collector_paused():
        return _run_group(tf, g, opts)


def _run_group(tf: TestFile, g: TestGroup, opts: RunOptions | None) -> GroupResult:
    opts = opts or RunOptions()
    started = time.perf_counter()
    res = GroupResult(tf.path, g.index, g.name, g.mark[0])
    res.assertions = sum(len(t.exp_alerts) or 1 for t in g.alert_tests) + len(g.expr_tests)
    try:
        _run(tf, g, opts, res)
    except NativeHistogramUnsupported as e:
        res.status, res.skip_reason = "skipped", f"native histograms are not supported: {e}"
    except Exception as e:  # an engine bug must surface as an error, never a pass
        import traceback

        where = traceback.extract_tb(e.__traceback__)[-1]
        res.fail(
            f"internal error: {type(e).__name__}: {e} (at {Path(where.filename).name}:{where.lineno})"
        )
        res.status = "error"
    res.duration_s = time.perf_counter() - started
    return res


def _run(tf: TestFile, g: TestGroup, opts: RunOptions, res: GroupResult) -> None:
    for t in g.alert_tests:
        if not t.alertname:
            where = f" (in TestGroup {g.name})" if g.name else ""
            res.fail(
                f"an item under alert_rule_test misses required attribute alertname at eval_time {t.eval_time.text}{where}"
            )
            return
    groups, errors = _load_rules(tf, opts)
    if errors:
        for e in errors:
            res.fail(e)
        return

    eval_ms = tf.evaluation_interval.ms
    # promtool 3 treats a missing (or zero) interval as evaluation_interval; 2.42 as 0.
    if g.interval is not None and g.interval.ms > 0:
        interval = g.interval.ms
    else:
        interval = eval_ms if opts.compat >= 3 else 0
    maxt = max(
        [t.eval_time.ms for t in g.alert_tests] + [t.eval_time.ms for t in g.expr_tests] + [0]
    )
    # promtool loads samples up to the last evaluation step; nothing later is seen.
    last_step = g.start_ms + (maxt // eval_ms) * eval_ms if eval_ms > 0 else g.start_ms
    try:
        inputs = parse_inputs(g, interval, last_step)
    except ParseError as e:
        res.fail(str(e))
        return

    # What the assertions need: alerting rules by name, recording rules by metric.
    metrics: set[str] | None = set()
    for et in g.expr_tests:
        try:
            refs = referenced_metrics(parse(et.expr))
        except ParseError:
            continue  # reported when the query runs
        metrics = None if refs is None or metrics is None else metrics | refs
    eval_all = (not g.alert_tests and not g.expr_tests) or opts.evaluate_all_rules
    only, reads_alerts = (
        (None, True)
        if eval_all
        else rules_needed(groups, metrics, [t.alertname for t in g.alert_tests])
    )

    def fresh() -> tuple[Storage, Engine, Evaluator]:
        storage = Storage()
        engine = Engine(storage, compat=opts.compat, default_subquery_step_ms=eval_ms)
        # Inputs go in in time order (or whole, before any evaluation): subquery steps
        # over them are final once their time has passed (subquery_memo.py).
        engine.subquery_memo = SubqueryMemo(volatile_names(groups))
        ev = Evaluator(groups, storage, engine, external_labels=g.external_labels,
                       external_url=g.external_url, only=only)  # fmt: skip
        return storage, engine, ev

    storage, engine, ev = fresh()
    mint = g.start_ms
    # The fast path: recording rules over all steps at once (allsteps.py); on
    # any doubt or error, a fresh start on the step path.
    batched: set[int] = set()
    if opts.all_steps and eval_ms > 0 and metrics is not None and loadable(inputs):
        batched = plan(ev.states, metric_names(inputs))
    if batched:
        try:
            load_all(storage, inputs)
            evaluate(ev, batched, mint, last_step, eval_ms)
        except Exception:  # the step path reports it, at its step, in promtool's words
            batched = set()
            storage, engine, ev = fresh()
    res.all_steps_rules = len(batched)
    feed = Feed([] if batched else inputs)
    del inputs

    by_time: dict[int, list[AlertTest]] = {}
    for t in g.alert_tests:
        by_time.setdefault(t.eval_time.ms, []).append(t)
    alert_times = sorted(by_time)
    full, windows = _plan(ev, g, eval_ms, mint, reads_alerts or eval_all)
    full -= batched

    curr = 0
    ts = mint
    while ts <= mint + maxt:
        for sample_t, lab, v in feed.until(ts):
            if isinstance(v, FloatHistogram):
                storage.append_histogram(lab, sample_t, v)
            else:
                storage.append(lab, sample_t, v)
        wanted = full | {
            rid for rid, spans in windows.items() if any(lo <= ts <= hi for lo, hi in spans)
        }
        errs = ev.eval_at(ts, wanted, eval_ms) if wanted else []
        if errs:
            for err in errs:
                res.fail(
                    f"    rule: {err.rule.name}, time: {go_duration(ts * 1_000_000)}, err: {err.message}"
                )
            return
        while curr < len(alert_times) and ts - mint <= alert_times[curr] < ts + eval_ms - mint:
            for t in by_time[alert_times[curr]]:
                _check_alerts(g, t, list(ev.alerts(t.alertname)), res)
            curr += 1
        if eval_ms <= 0:
            break
        ts += eval_ms

    for et in g.expr_tests:
        _check_expr(tf, et, engine, mint, res)


def _plan(
    ev: Evaluator, g: TestGroup, eval_ms: int, mint: int, everything_each_step: bool
) -> tuple[set[int], dict[int, list[tuple[int, int]]]]:
    """Which rules run at every step, and which only in windows before alert checks.

    An alerting rule nobody reads through ALERTS only matters at the steps where
    its alerts are checked; whether an alert fires there depends on the steps
    since ``for`` + ``keep_firing_for`` (plus one step) before, nothing earlier.
    Recording rules, rules whose ALERTS are read and groups with a ``limit``
    (an error at any step fails the group) run at every step.
    """
    full: set[int] = set()
    windows: dict[int, list[tuple[int, int]]] = {}
    for st in ev.states:
        rid = id(st.rule)
        if not st.rule.is_alert or everything_each_step or st.group.limit > 0 or eval_ms <= 0:
            full.add(rid)
            continue
        for t in g.alert_tests:
            if t.alertname != st.rule.name:
                continue
            check = mint + (t.eval_time.ms // eval_ms) * eval_ms
            span = st.rule.for_ms + st.rule.keep_firing_for_ms + eval_ms
            windows.setdefault(rid, []).append((check - span, check))
    return full, windows


def _check_alerts(g: TestGroup, t: AlertTest, active: list[Alert], res: GroupResult) -> None:
    states = ("pending", "firing") if t.state == "any" else (t.state,)
    got = sorted((a.labels, a.annotations) for a in active if a.state in states)
    exp_raw = [(dict(e.labels, alertname=t.alertname), e.annotations) for e in t.exp_alerts]
    # labels.FromMap keeps empty values: `foo: ""` expected never matches an alert.
    exp = sorted((tuple(sorted(lab.items())), tuple(sorted(ann.items()))) for lab, ann in exp_raw)
    if t.match == "exact" and not t.regex:
        ok = exp == got
    else:
        ok = _match_loose(t, exp_raw, got)
    if ok:
        return
    name = f"    name: {g.name},\n" if g.name else ""
    exp_s = indent(alerts_string(exp), "            ")
    got_s = indent(alerts_string(got), "            ")
    msg = f"{name}    alertname: {t.alertname}, time: {t.eval_time.text}, \n        exp:{exp_s}, \n        got:{got_s}"
    notes = field_differences(
        exp_raw,
        [(dict(lab), dict(ann)) for lab, ann in got],
        subset=t.match == "subset",
        regex=t.regex,
    )
    title = f"alert {t.alertname} at {t.eval_time.text}"
    if len(exp) != len(got):
        head = f"{title}: expected {len(exp)} {t.state} alert(s), got {len(got)}"
    else:
        more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
        head = f"{title}: {notes[0]}{more}" if notes else f"{title}: other labels/annotations"
    # The named fields replace a line diff: promtool's lines hold whole label sets.
    res.fail(msg, "", head, t.mark[0], notes)


def _match_loose(
    t: AlertTest, exp: list[tuple[dict[str, str], dict[str, str]]], got: list[tuple[Labels, Labels]]
) -> bool:
    """Subset and/or regex matching: a one-to-one pairing of expected and got alerts."""
    if len(exp) != len(got):
        return False

    def value_ok(want: str, have: str | None) -> bool:
        if have is None:
            return False
        return full_match(want, have) if t.regex else want == have

    def fits(e: tuple[dict[str, str], dict[str, str]], gl: tuple[Labels, Labels]) -> bool:
        for want, have_pairs in ((e[0], gl[0]), (e[1], gl[1])):
            have = dict(have_pairs)
            want_keys = {k for k, v in want.items() if v != ""}
            if t.match == "exact" and want_keys != set(have):
                return False
            if not all(value_ok(v, have.get(k)) for k, v in want.items() if v != ""):
                return False
        return True

    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for j in range(len(got)):
            if j not in seen and fits(exp[i], got[j]):
                seen.add(j)
                if j not in owner or assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return all(assign(i, set()) for i in range(len(exp)))


def _check_expr(tf: TestFile, et: ExprTest, engine: Engine, mint: int, res: GroupResult) -> None:
    head = f"    expr: {go_quote(et.expr)}, time: {et.eval_time.text}"
    try:
        got = sorted(query_samples(engine, et.expr, mint + et.eval_time.ms))
    except (QueryError, ParseError) as e:
        res.fail(
            f"{head}, err: {e}", "", f"expr {et.expr!r} at {et.eval_time.text}: {e}", et.mark[0]
        )
        return
    exp: list[tuple[Labels, float, str]] = []
    for s in et.exp_samples:
        try:
            exp.append(expected_sample(s))
        except ParseError as e:
            res.fail(f"{head}, err: labels {go_quote(s.labels)}: {e}")
            return
    exp.sort(key=lambda x: x[0])
    if len(exp) == len(got) and all(
        el == gl and eh == gh and _float_eq(ev, gv, tf.fuzzy_compare)
        for (el, ev, eh), (gl, gv, gh) in zip(exp, got, strict=True)
    ):
        return
    exp_lines = [f"{labels_string(lab)} {h or format_float_e(v)}" for lab, v, h in exp]
    got_lines = [f"{labels_string(lab)} {h or format_float_e(v)}" for lab, v, h in got]
    exp_s, got_s = ", ".join(exp_lines) or "nil", ", ".join(got_lines) or "nil"
    msg = f"{head},\n        exp: {exp_s}\n        got: {got_s}"
    if len(exp) != len(got):
        what = f"expected {len(exp)} sample(s), got {len(got)}"
    else:
        i = next(
            (i for i, (e, g) in enumerate(zip(exp_lines, got_lines, strict=True)) if e != g), 0
        )
        what = f"expected {exp_lines[i]}, got {got_lines[i]}"
    headline = f"expr {et.expr!r} at {et.eval_time.text}: {what}"
    res.fail(msg, unified_diff(exp_lines, got_lines), headline, et.mark[0])


def _float_eq(a: float, b: float, fuzzy: bool) -> bool:
    # promtool compares with ==, so an expected NaN never matches (as in Go).
    # fuzzy_compare tolerates one unit in the last place, the float rounding
    # noise that differs between machines and Go versions.
    return a == b or (fuzzy and math.nextafter(a, b) == b)
