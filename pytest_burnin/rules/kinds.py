"""Spec kinds backed by the rule engine: promtool test files and rule-file lint.

- A ``promtool test rules`` file (top-level ``rule_files`` and ``tests``) gives
  one item per test group, named ``<file>::<group name, or its index>``.
- A Prometheus rule file (top-level ``groups``) is validated as
  ``promtool check rules`` does at collection (a problem is a collection error
  naming file:line:col) and gives one ``Rule:<alert>`` item per alerting rule
  that checks what a release gate needs: a ``severity`` label, a
  ``remediation`` or ``summary`` annotation, a ``runbook_url`` that resolves
  (a repository file, or an http(s) URL), a ``for`` on page alerts, and more
  (``lintchecks.py``), each switched on, to a warning or off per project, per
  file glob and per rule (``lintconfig.py``, docs/lint.md). It also says which
  tests exercise the alert (rule coverage).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError, SpecError, display_path
from ..kinds import Evaluation
from ..promql_mode import passes_suffix
from ..spec.loader import Document
from ..spec.model import Entry

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from .rulefile import Rule


def _unique(label: str, seen: set[str]) -> str:
    out, n = label, 2
    while out in seen:
        out = f"{label} [{n}]"
        n += 1
    seen.add(out)
    return out


class PromtoolTestKind:
    kind = "PromtoolTest"
    schema: str | None = None

    def expand(self, doc: Document) -> list[Entry]:
        from .testfile import TestFileError, load_test_file

        try:
            tf = load_test_file(doc.path)
        except TestFileError as exc:
            raise _spec_error(doc, exc) from None
        seen: set[str] = set()
        out = []
        for g in tf.groups:
            label = _unique(g.name or str(g.index), seen)
            out.append(
                Entry(
                    self.kind, label, doc, anchor=("tests", g.index), label=label, payload=(tf, g)
                )
            )
        return out

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        _, g = entry.payload
        alerts = sorted({t.alertname for t in g.alert_tests})
        props = [("test_group", entry.name)]
        if alerts:
            props.append(("alerts", ", ".join(alerts)))
        return props

    def check(self, entry: Entry) -> None:
        return None

    def check_references(self, entry: Entry, project: Project) -> None:
        """Every rule file it tests exists: promtool only warns and tests without its rules."""
        from .promtool import missing_rule_file_note

        tf, group = entry.payload
        _check_inputs(entry, group)
        _, missing = tf.rule_files()
        if missing:
            patterns = list(tf.rule_file_patterns)
            index = patterns.index(missing[0]) if missing[0] in patterns else 0
            line, _ = entry.doc.where(("rule_files", index))
            raise EvaluationError(
                f"{display_path(entry.path)}:{line}: rule file {missing[0]!r} matches no file "
                f"({missing_rule_file_note(missing[0])})"
            )

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .promtool import RunOptions, run_group

        tf, g = entry.payload
        if ctx.engine == "promtool":
            return _evaluate_with_promtool(entry)
        res = run_group(
            tf,
            g,
            RunOptions(
                compat=ctx.compat, ignore_unknown_fields=ctx.settings.promtool_ignore_unknown_fields
            ),
        )
        props = [("assertions", str(res.assertions)), ("duration_s", f"{res.duration_s:.3f}")]
        title = f"promtool test {entry.name}"
        if res.status == "skipped":
            return Evaluation(True, f"{title}: skipped", skipped=res.skip_reason, properties=props)
        if res.status == "error":
            text = "\n".join([*res.failures, *res.diffs]) or res.summary()
            raise EvaluationError("\n".join([text, *_other_mode(tf, g, ctx.compat)]))
        if res.passed:
            return Evaluation(
                True, f"{title}: {res.assertions} assertions passed", properties=props
            )
        if res.headlines:
            first = res.headlines[0]
        else:
            first = _first_fact(res.failures[0]) if res.failures else "failed"
        count = len(res.failures)
        headline = (
            f"{title}: {count} failure{'s' if count > 1 else ''}: {first.strip().rstrip(',')}"
        )
        details: list[str] = []
        where = display_path(entry.path)
        for i, text in enumerate(res.failures):
            if i < len(res.failure_lines):
                details.append(f"at {where}:{res.failure_lines[i]}")
            details.extend(res.notes[i] if i < len(res.notes) else [])
            details.extend(text.rstrip("\n").splitlines())
        for text in res.diffs:
            details.extend(text.rstrip("\n").splitlines())
        other_mode = _other_mode(tf, g, ctx.compat)
        if other_mode:
            headline += passes_suffix(ctx.compat)
        details.extend(other_mode)
        # A failure points at its failing alert_rule_test / promql_expr_test entry.
        line = res.failure_lines[0] if res.failure_lines else None
        return Evaluation(False, headline, details=details, properties=props, line=line)


def _other_mode(tf: Any, group: Any, compat: int) -> list[str]:
    """Where the group passes in the other PromQL mode, the line that says so and how to
    switch; nothing where it fails there too (or cannot run there)."""
    from ..promql_mode import other, passes_in_other_mode
    from .promtool import RunOptions, run_group

    res = run_group(tf, group, RunOptions(compat=other(compat)))
    return [passes_in_other_mode(compat)] if res.status == "passed" else []


def _check_inputs(entry: Entry, group: Any) -> None:
    """Input series and test expressions parse: promtool reports a typo there as a
    failed test with no line; we name the line, in validate and in the run alike."""
    from ..promql.lexer import ParseError
    from ..promql.parser import parse
    from ..promql.series_notation import parse_series_mixed

    where = display_path(entry.path)
    for s in group.input_series:
        try:
            parse_series_mixed(f"{s.series} {s.values}")
        except ParseError as exc:
            raise EvaluationError(
                f"{where}:{s.mark[0]}: input series {s.series!r} {s.values!r}: {exc}"
            ) from None
    for test in group.expr_tests:
        try:
            parse(test.expr)
        except ParseError as exc:
            raise EvaluationError(f"{where}:{test.mark[0]}: expr {test.expr!r}: {exc}") from None


def _evaluate_with_promtool(entry: Entry) -> Evaluation:
    from .promtool_binary import run_group_with_promtool

    tf, g = entry.payload
    res = run_group_with_promtool(tf.path, g.index)
    title = f"promtool test {entry.name}"
    props = [("engine", res.version)]
    if res.passed:
        return Evaluation(True, f"{title}: passed under {res.version}", properties=props)
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    facts = [
        ln.strip() for ln in lines if not ln.strip().startswith(("Unit Testing", "FAILED", "name:"))
    ]
    first = facts[0].rstrip(",") if facts else "failed"
    return Evaluation(
        False,
        f"{title}: failed under promtool: {first}",
        details=lines,
        properties=props,
        line=g.line_of_failure(res.output),
    )


class RuleLintKind:
    """Documents that are Prometheus rule files; each alerting rule is an item.

    Which checks apply, and how strictly, is ``lintconfig``'s; what each finds
    is ``lintchecks``'. ``# burnin:`` comments are read here, at collection, so
    a malformed one is a collection error at its line.
    """

    kind = "PrometheusRules"
    schema: str | None = None

    def expand(self, doc: Document) -> list[Entry]:
        from .lintconfig import LintConfigError, parse_directives
        from .rulefile import RuleFileError, is_prometheus_rule, load_rule_file

        try:
            rf = load_rule_file(doc.path)
        except RuleFileError as exc:
            raise _spec_error(doc, exc) from None
        try:
            directives = parse_directives(doc.text)
        except LintConfigError as exc:
            raise SpecError(doc.path, exc.message, line=exc.line, source_text=doc.text) from None
        alerts = [(gi, g, r) for gi, g in enumerate(rf.groups) for r in g.rules if r.is_alert]
        stray = directives.unattached(r.mark[0] for _, _, r in alerts)
        if stray:
            raise SpecError(
                doc.path,
                "'# burnin: disable=' applies to no alerting rule here",
                line=stray[0],
                hint="put it on the comment line(s) directly above '- alert:' (or at the "
                "end of that line), or use '# burnin: file/disable=' for the whole file",
                source_text=doc.text,
            )
        seen: set[str] = set()
        out = []
        # A PrometheusRule object keeps its groups under spec.
        prefix: tuple[str, ...] = ("spec",) if is_prometheus_rule(doc.data) else ()
        for gi, group, rule in alerts:
            name = _unique(rule.name, seen)
            anchor: tuple[str | int, ...] = (*prefix, "groups", gi, "rules", rule.index - 1)
            out.append(Entry("Rule", name, doc, anchor=anchor, payload=(group.name, rule)))
        return out

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        group, rule = entry.payload
        disabled = _disabled_by_comments(entry)
        props = [("group", group), ("expr", rule.expr)]
        for key in ("severity", "channel"):
            if key in rule.labels:
                props.append((key, rule.labels[key]))
        if "runbook_url" in rule.annotations:
            props.append(("runbook", rule.annotations["runbook_url"]))
        if disabled:
            props.append(("lint_disabled", ", ".join(sorted(disabled))))
        return props

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .lintchecks import findings
        from .lintconfig import lint_spec_of, severities

        _, rule = entry.payload
        disabled = _disabled_by_comments(entry)
        levels = severities(
            entry.path,
            ctx.rootdir,
            dict(ctx.settings.lint),
            [lint_spec_of(e.spec) for e in ctx.project.entries("Lint")],
            disabled,
            forced={"test-coverage": "error"} if ctx.require_coverage else {},
        )
        found = findings(rule, entry.path, ctx.rootdir)
        tests = alert_tests(ctx).get(rule.name, [])
        if not tests:
            found.append(("test-coverage", "no promtool test or simulation exercises it"))
        errors = [f"{msg} [{check}]" for check, msg in found if levels[check] == "error"]
        warnings = [f"{msg} [{check}]" for check, msg in found if levels[check] == "warning"]
        props = [("covered_by", ", ".join(tests))]
        cover = (
            f"exercised by {len(tests)} test{'s' if len(tests) != 1 else ''}"
            if tests
            else "not exercised by any test"
        )
        if errors:
            n = len(errors)
            headline = f"Rule {entry.name}: {n} gate problem{'s' if n > 1 else ''}: {errors[0]}"
            details = errors[1:] + [f"warning: {w}" for w in warnings]
            return Evaluation(False, headline, details=details, properties=props)
        if warnings:
            n = len(warnings)
            story = f"{n} lint warning{'s' if n > 1 else ''}: {warnings[0]}"
            props += [("verdict", "warning"), ("lint_warnings", "; ".join(warnings))]
            return Evaluation(
                True,
                f"Rule {entry.name}: gate checks pass; {cover}; {story}",
                details=[f"warning: {w}" for w in warnings[1:]],
                properties=props,
                warning=f"Rule {entry.name}: {story}",
            )
        return Evaluation(True, f"Rule {entry.name}: gate checks pass; {cover}", properties=props)


def _disabled_by_comments(entry: Entry) -> set[str]:
    """Checks the rule file's ``# burnin:`` comments switch off for this rule (read
    again here: the payload stays (group, rule), as other parts read it)."""
    from .lintconfig import parse_directives

    _, rule = entry.payload
    return parse_directives(entry.doc.text).for_rule(rule.mark[0])


def gate_problems(rule: Rule, rule_file: Path, rootdir: Path) -> list[str]:
    """Every finding of every check but coverage, as if all were errors (for generated rules)."""
    from .lintchecks import findings

    return [msg for _, msg in findings(rule, rule_file, rootdir)]


def alert_tests(ctx: RunContext) -> dict[str, list[str]]:
    """Alert name -> the collected tests that exercise it (promtool groups, simulations)."""
    out: dict[str, list[str]] = {}
    for entry in ctx.of_kind("PromtoolTest"):
        _, g = entry.payload
        for t in g.alert_tests:
            names = out.setdefault(t.alertname, [])
            label = f"{entry.path.name}::{entry.name}"
            if label not in names:
                names.append(label)
    for entry in ctx.of_kind("Simulation"):
        for exp in entry.spec.get("expect", []) or []:
            if isinstance(exp, dict) and isinstance(exp.get("alert"), str):
                out.setdefault(exp["alert"], []).append(f"{entry.path.name}::{entry.item_name}")
    for entry in ctx.entries:
        for alert in entry.exercises:
            out.setdefault(alert, []).append(f"{entry.path.name}::{entry.item_name}")
    return out


def _first_fact(message: str) -> str:
    """The informative line of a promtool failure (its first line repeats the group name)."""
    lines = [ln.strip().rstrip(",").strip() for ln in message.strip().splitlines() if ln.strip()]
    for ln in lines:
        if not ln.startswith("name:"):
            return ln
    return lines[0] if lines else "failed"


def _spec_error(doc: Document, exc: Any) -> SpecError:
    line = getattr(exc, "line", None) or None
    col = getattr(exc, "col", None) or None
    message = getattr(exc, "message", None) or getattr(exc, "msg", None) or str(exc)
    more = len(getattr(exc, "errors", [])) - 1
    if more > 0:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return SpecError(doc.path, str(message), line=line, col=col, source_text=doc.text)
