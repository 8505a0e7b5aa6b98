"""The rule-lint checks: what each finds in one alerting rule.

Each finding is ``(check name, message)``; ``lintconfig`` decides per rule
whether a check is an error, a warning or off. Messages say what to do.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from .resultlabels import filters, label_references, result_labels
from .rulefile import Rule

PAGE_SEVERITIES = ("page", "critical")

Finding = tuple[str, str]


def findings(rule: Rule, rule_file: Path, rootdir: Path) -> list[Finding]:
    """Every check's finding for an alerting rule, before severities are applied."""
    out: list[Finding] = []
    severity = rule.labels.get("severity", "")
    if not severity:
        out.append(
            ("severity-label", "no severity label (add labels: {severity: page|ticket|...})")
        )
    if not (rule.annotations.get("remediation") or rule.annotations.get("summary")):
        out.append(
            ("remediation", "no remediation or summary annotation (say what to do when it fires)")
        )
    runbook = rule.annotations.get("runbook_url", "")
    if not runbook:
        out.append(
            ("runbook-url", "no runbook_url annotation (link the runbook the on-call follows)")
        )
    else:
        why = runbook_problem(runbook, rule_file, rootdir)
        if why:
            out.append(("runbook-resolves", why))
    if severity in PAGE_SEVERITIES and rule.for_ms == 0:
        out.append(
            (
                "for-duration",
                f"severity {severity} alert without 'for:' (a single bad sample would page)",
            )
        )
    if rule.parsed is not None and not filters(rule.parsed):
        out.append(
            (
                "comparison",
                "the query has no comparison (e.g. '> 0'), absent() or 'and': "
                "the alert fires for every series it returns",
            )
        )
    out.extend(("label-replace-regex", msg) for msg in _regex_problems(rule))
    out.extend(("template-labels", msg) for msg in template_label_problems(rule))
    return out


def _regex_problems(rule: Rule) -> list[str]:
    from ..promql.lint import regex_errors

    if rule.parsed is None:
        return []
    return [str(err) for err in regex_errors(rule.parsed, rule.expr)]


def template_label_problems(rule: Rule) -> list[str]:
    """Templates reading a label the query's result cannot have: it renders empty."""
    if rule.parsed is None:
        return []
    labels = result_labels(rule.parsed)
    if labels is None:
        return []
    out = []
    for field, mapping in (("annotation", rule.annotations), ("label", rule.labels)):
        for key in sorted(mapping):
            read, guarded = label_references(mapping[key])
            missing = sorted(read - labels - guarded)
            if missing:
                has = (
                    f"has only labels {{{', '.join(sorted(labels))}}}"
                    if labels
                    else "has no labels"
                )
                names = ", ".join(f"$labels.{m}" for m in missing)
                out.append(
                    f"{field} {key!r} reads {names}, but the query's result {has} "
                    "(it renders empty): keep the label in the query's by(...)/on(...) "
                    "or stop reading it"
                )
    return out


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
