"""Which rule-lint checks apply where, and how strictly: defaults, ini, Lint specs, comments.

Every check has a name and a default severity (``error``: the Rule item fails;
``warning``: it passes and says so; ``off``). Defaults accept the rule files of
public repositories unless a rule is actually broken; the gate's stricter
checks (a runbook, a severity, a remediation) are switched on where a team
wants them. Later layers win:

1. the defaults (``CHECKS``);
2. the ``burnin_lint`` ini option (``runbook-url:error severity-label:warning``);
3. ``kind: Lint`` specs, in file order: their ``checks:``, then each ``paths:``
   entry whose glob matches the rule file (relative to the rootdir);
4. ``# burnin: file/disable=a,b`` anywhere in the rule file;
5. ``# burnin: disable=a,b`` on the comment lines right above a rule (or at
   the end of its first line), as pint's ``# pint disable`` comments work.

An unknown check name or severity is an error naming file:line, never ignored.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEVERITIES = ("error", "warning", "off")


@dataclass(frozen=True)
class Check:
    name: str
    default: str
    what: str  # one line for docs/lint.md and error messages


CHECKS: dict[str, Check] = {
    c.name: c
    for c in (
        Check("runbook-url", "off", "an alert has a runbook_url annotation"),
        Check(
            "runbook-resolves",
            "warning",
            "a runbook_url is an http(s) URL with a host, or a file in the repository",
        ),
        Check("severity-label", "off", "an alert has a severity label"),
        Check("remediation", "off", "an alert has a remediation or summary annotation"),
        Check("for-duration", "warning", "a paging alert (severity page/critical) has a 'for:'"),
        Check(
            "comparison",
            "warning",
            "an alert's query filters its series (a comparison, absent(), 'and'): "
            "without one it fires for every series",
        ),
        Check(
            "label-replace-regex",
            "error",
            "a label_replace() regex compiles (Prometheus fails every evaluation otherwise)",
        ),
        Check(
            "template-labels",
            "warning",
            "annotation and label templates read only labels the query's result has",
        ),
        Check("test-coverage", "off", "a promtool test or simulation exercises the alert"),
    )
}


class LintConfigError(ValueError):
    """A lint setting names a check or severity that does not exist (``line``: where)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _unknown_check(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(CHECKS), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown lint check {name!r} ({hint}known: {', '.join(CHECKS)})"


def parse_assignments(tokens: Iterable[str]) -> dict[str, str]:
    """``["runbook-url:off", "severity-label:warning"]`` -> {check: severity}."""
    out: dict[str, str] = {}
    for token in tokens:
        name, sep, severity = token.partition(":")
        name, severity = name.strip(), severity.strip()
        if not sep:
            raise LintConfigError(f"{token!r}: write check:severity, e.g. runbook-url:off")
        if name not in CHECKS:
            raise LintConfigError(_unknown_check(name))
        if severity not in SEVERITIES:
            raise LintConfigError(f"{token!r}: severity must be one of {', '.join(SEVERITIES)}")
        out[name] = severity
    return out


# `# burnin: disable=a,b` and `# burnin: file/disable=a,b` (spaces allowed around `=`).
_DIRECTIVE = re.compile(r"#\s*burnin:\s*(?P<body>.*)$")
_BODY = re.compile(r"(?P<scope>file/)?disable\s*=\s*(?P<names>.+)$")


@dataclass
class Directives:
    """The ``# burnin:`` comments of one rule file."""

    file_disabled: set[str] = field(default_factory=set)
    by_line: dict[int, set[str]] = field(default_factory=dict)  # line -> checks disabled there
    comment_lines: set[int] = field(default_factory=set)  # lines holding only a comment
    end_comments: dict[int, set[str]] = field(default_factory=dict)  # trailing on a YAML line

    def for_rule(self, first_line: int) -> set[str]:
        """Checks disabled for the rule starting at ``first_line``: file-wide, the
        comment block right above it, and a trailing comment on that line."""
        out = set(self.file_disabled) | self.end_comments.get(first_line, set())
        line = first_line - 1
        while line in self.comment_lines:
            out |= self.by_line.get(line, set())
            line -= 1
        return out

    def unattached(self, first_lines: Iterable[int]) -> list[int]:
        """Lines of ``# burnin: disable`` comments that apply to no alerting rule (a
        mistake): not right above one, nor at the end of its first line."""
        firsts = set(first_lines)
        attached = set(firsts)  # a trailing comment belongs on a rule's first line
        for first in firsts:
            line = first - 1
            while line in self.comment_lines:
                attached.add(line)
                line -= 1
        return sorted((set(self.by_line) | set(self.end_comments)) - attached)


def _comment_start(line: str) -> int:
    """Where a YAML comment starts on ``line`` (-1 for none), outside quotes."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
    return -1


@functools.lru_cache(maxsize=64)
def parse_directives(text: str) -> Directives:
    """Read every ``# burnin: disable`` comment; a malformed one raises LintConfigError at its line.

    Cached by text: a file's lint items each ask for their rule's directives (the
    result is only read)."""
    found = Directives()
    for n, line in enumerate(text.splitlines(), 1):
        if "#" not in line:  # most lines: no comment to look for
            continue
        start = _comment_start(line)
        if start < 0:
            continue
        only_comment = not line[:start].strip()
        if only_comment:
            found.comment_lines.add(n)
        m = _DIRECTIVE.match(line[start:])
        if m is None:
            continue
        body = _BODY.match(m.group("body").strip())
        if body is None:
            raise LintConfigError(
                f"cannot read {line[start:].strip()!r}: "
                "write '# burnin: disable=check[,check]' or '# burnin: file/disable=check'",
                n,
            )
        names = {x.strip() for x in body.group("names").split(",") if x.strip()}
        for name in sorted(names):
            if name not in CHECKS:
                raise LintConfigError(_unknown_check(name), n)
        if body.group("scope"):
            found.file_disabled |= names
        elif only_comment:
            found.by_line.setdefault(n, set()).update(names)
        else:
            found.end_comments.setdefault(n, set()).update(names)
    return found


@dataclass(frozen=True)
class PathOverride:
    globs: tuple[str, ...]
    checks: Mapping[str, str]


@dataclass(frozen=True)
class LintSpec:
    """One ``kind: Lint`` spec, already checked against its schema."""

    checks: Mapping[str, str]
    paths: tuple[PathOverride, ...] = ()


def lint_spec_of(spec: Mapping[str, Any]) -> LintSpec:
    def checks(node: object) -> dict[str, str]:
        return {str(k): str(v) for k, v in node.items()} if isinstance(node, dict) else {}

    overrides = []
    for item in spec.get("paths") or []:
        if isinstance(item, dict):
            glob = item.get("glob")
            globs = (glob,) if isinstance(glob, str) else tuple(str(g) for g in glob or [])
            overrides.append(PathOverride(globs, checks(item.get("checks"))))
    return LintSpec(checks(spec.get("checks")), tuple(overrides))


def matches(glob: str, relative: str) -> bool:
    """A rule file (posix path relative to the rootdir) against a ``paths:`` glob."""
    return fnmatch.fnmatch(relative, glob)


def relative_to(path: Path, rootdir: Path) -> str:
    try:
        return path.resolve().relative_to(rootdir.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def severities(
    rule_file: Path,
    rootdir: Path,
    ini: Mapping[str, str],
    specs: Iterable[LintSpec],
    disabled: Iterable[str] = (),
    forced: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Each check's severity for one rule, every layer applied (``forced``: a
    command-line flag such as --burnin-require-coverage; comments still win)."""
    out = {name: c.default for name, c in CHECKS.items()}
    out.update(ini)
    relative = relative_to(rule_file, rootdir)
    for spec in specs:
        out.update(spec.checks)
        for override in spec.paths:
            if any(matches(g, relative) for g in override.globs):
                out.update(override.checks)
    out.update(forced or {})
    for name in disabled:
        out[name] = "off"
    return out
