"""Spec kinds backed by the rule engine: promtool test files and rule-file lint.

- A ``promtool test rules`` file (top-level ``rule_files`` and ``tests``) gives
  one item per test group, named ``<file>::<group name, or its index>``.
- A Prometheus rule file (top-level ``groups``) is validated as
  ``promtool check rules`` does at collection (a problem is a collection error
  naming file:line:col) and gives one ``Rule:<alert>`` item per alerting rule
  that checks what a release gate needs: a ``severity`` label, a
  ``remediation`` or ``summary`` annotation, a ``runbook_url`` that resolves
  (a repository file, or an http(s) URL), and a ``for`` on page alerts. It also
  says which tests exercise the alert (rule coverage).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ..errors import EvaluationError, SpecError, display_path
from ..kinds import Evaluation
from ..spec.loader import Document
from ..spec.model import Entry

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from .rulefile import Rule

PAGE_SEVERITIES = ("page", "critical")


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
        """Every rule file it tests exists: promtool would silently pass without it."""
        tf, group = entry.payload
        _check_inputs(entry, group)
        _, missing = tf.rule_files()
        if missing:
            patterns = list(tf.rule_file_patterns)
            index = patterns.index(missing[0]) if missing[0] in patterns else 0
            line, _ = entry.doc.where(("rule_files", index))
            raise EvaluationError(
                f"{display_path(entry.path)}:{line}: rule file {missing[0]!r} matches no file "
                "(promtool would silently pass: prometheus/prometheus#12499)"
            )

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .promtool import RunOptions, run_group

        tf, g = entry.payload
        if ctx.engine == "promtool":
            return _evaluate_with_promtool(entry)
        res = run_group(tf, g, RunOptions(compat=ctx.compat))
        props = [("assertions", str(res.assertions)), ("duration_s", f"{res.duration_s:.3f}")]
        title = f"promtool test {entry.name}"
        if res.status == "skipped":
            return Evaluation(True, f"{title}: skipped", skipped=res.skip_reason, properties=props)
        if res.status == "error":
            raise EvaluationError("\n".join([*res.failures, *res.diffs]) or res.summary())
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
            details.extend(text.rstrip("\n").splitlines())
        for text in res.diffs:
            details.extend(text.rstrip("\n").splitlines())
        return Evaluation(False, headline, details=details, properties=props)


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
        False, f"{title}: failed under promtool: {first}", details=lines, properties=props
    )


class RuleLintKind:
    """Documents that are Prometheus rule files; each alerting rule is an item."""

    kind = "PrometheusRules"
    schema: str | None = None

    def expand(self, doc: Document) -> list[Entry]:
        from .rulefile import RuleFileError, load_rule_file

        try:
            rf = load_rule_file(doc.path)
        except RuleFileError as exc:
            raise _spec_error(doc, exc) from None
        seen: set[str] = set()
        out = []
        for gi, group in enumerate(rf.groups):
            for ri, rule in enumerate(group.rules):
                if not rule.is_alert:
                    continue
                name = _unique(rule.name, seen)
                anchor = ("groups", gi, "rules", rule.index - 1)
                out.append(Entry("Rule", name, doc, anchor=anchor, payload=(group.name, rule)))
                del ri
        return out

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        group, rule = entry.payload
        props = [("group", group), ("expr", rule.expr)]
        for key in ("severity", "channel"):
            if key in rule.labels:
                props.append((key, rule.labels[key]))
        if "runbook_url" in rule.annotations:
            props.append(("runbook", rule.annotations["runbook_url"]))
        return props

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        _, rule = entry.payload
        problems = gate_problems(rule, entry.path, ctx.rootdir)
        tests = alert_tests(ctx).get(rule.name, [])
        props = [("covered_by", ", ".join(tests))]
        if not tests and ctx.require_coverage:
            problems.append("no test exercises it (--burnin-require-coverage)")
        if not problems:
            cover = (
                f"exercised by {len(tests)} test{'s' if len(tests) != 1 else ''}"
                if tests
                else "not exercised by any test"
            )
            return Evaluation(
                True, f"Rule {entry.name}: gate checks pass; {cover}", properties=props
            )
        headline = f"Rule {entry.name}: {len(problems)} gate problem{'s' if len(problems) > 1 else ''}: {problems[0]}"
        return Evaluation(False, headline, details=problems[1:], properties=props)


def gate_problems(rule: Rule, rule_file: Path, rootdir: Path) -> list[str]:
    """What a release gate needs of an alerting rule and this one lacks."""
    problems: list[str] = []
    severity = rule.labels.get("severity", "")
    if not severity:
        problems.append("no severity label (add labels: {severity: page|ticket|...})")
    if not (rule.annotations.get("remediation") or rule.annotations.get("summary")):
        problems.append("no remediation or summary annotation (say what to do when it fires)")
    runbook = rule.annotations.get("runbook_url", "")
    if not runbook:
        problems.append("no runbook_url annotation (link the runbook the on-call follows)")
    else:
        why = runbook_problem(runbook, rule_file, rootdir)
        if why:
            problems.append(why)
    if severity in PAGE_SEVERITIES and rule.for_ms == 0:
        problems.append(
            f"severity {severity} alert without 'for:' (a single bad sample would page)"
        )
    return problems


def runbook_problem(url: str, rule_file: Path, rootdir: Path) -> str | None:
    """None when the runbook resolves: an http(s) URL, or a file in the repository."""
    if "{{" in url:
        static = url.split("{{", 1)[0]
        if urlparse(static).scheme in ("http", "https") and urlparse(static).netloc:
            return None
        return f"runbook_url {url!r} is templated but does not start with an http(s) URL"
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https"):
        return None if parsed.netloc else f"runbook_url {url!r} has no host"
    if parsed.scheme:
        return f"runbook_url {url!r}: use an http(s) URL or a repository path"
    path = url.split("#", 1)[0]
    for base in (rootdir, rule_file.parent):
        if (base / path).is_file():
            return None
    return f"runbook_url {url!r}: no such file in the repository"


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
