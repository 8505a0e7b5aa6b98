"""``kind: Lint``: the project's rule-lint settings, as a spec and an item.

The settings themselves are read by the Rule items (``lintconfig.severities``);
this item makes them visible (what applies where) and fails when a ``paths``
glob matches no rule file of the project: a typo there would otherwise switch
nothing on and pass in silence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kinds import Evaluation
from .lintconfig import lint_spec_of, matches, relative_to

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry


def _assignments(checks: dict[str, str] | object) -> str:
    if not isinstance(checks, dict):
        return ""
    return " ".join(f"{k}:{v}" for k, v in checks.items())


class LintKind:
    kind = "Lint"
    schema: str | None = "lint.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        props = []
        if entry.spec.get("checks"):
            props.append(("checks", _assignments(entry.spec["checks"])))
        for item in entry.spec.get("paths") or []:
            glob = item.get("glob")
            globs = [glob] if isinstance(glob, str) else list(glob or [])
            props.append(("paths", f"{', '.join(globs)}: {_assignments(item.get('checks'))}"))
        return props

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        spec = lint_spec_of(entry.spec)
        rule_files = sorted({relative_to(e.path, ctx.rootdir) for e in ctx.project.entries("Rule")})
        unmatched: list[str] = []
        counts: list[str] = []
        for i, override in enumerate(spec.paths):
            for glob in override.globs:
                n = sum(1 for f in rule_files if matches(glob, f))
                if n == 0:
                    unmatched.append(f"{entry.where('paths', i, 'glob')}: glob {glob!r}")
                counts.append(f"{glob}: {n} rule file{'s' if n != 1 else ''}")
        props = [("rule_files", str(len(rule_files)))]
        title = f"Lint {entry.name}"
        if unmatched:
            known = ", ".join(rule_files) or "none"
            return Evaluation(
                False,
                f"{title}: {len(unmatched)} "
                f"{'globs match' if len(unmatched) > 1 else 'glob matches'} "
                f"no rule file: {unmatched[0]}",
                details=[*unmatched[1:], f"rule files (relative to the rootdir): {known}"],
                properties=props,
            )
        applied = "; ".join(counts) if counts else "project-wide only"
        return Evaluation(
            True,
            f"{title}: applies to {len(rule_files)} rule file"
            f"{'s' if len(rule_files) != 1 else ''} ({applied})",
            properties=props,
        )
