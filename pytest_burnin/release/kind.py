"""``kind: Checklist`` as a ``KindHandler``: one pytest item per checklist item.

Outcomes: an evidence item passes or fails on its evidence; a sign-off item
passes when a sign-off holds. Without release mode (``--burnin-release``), a
missing or stale sign-off, and a failing ``when: release`` item, is *pending*:
a skip whose reason starts with "pending", with ``state=pending`` in JUnit, so
a daily run stays green while the release gate still blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EvaluationError
from ..kinds import Evaluation
from ..spec.model import Entry
from . import gitinfo
from .model import BUILTIN_TYPES, KIND, ChecklistItem, Evidence, items_from, options_from

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from ..spec.loader import Document
    from .gate import Results
    from .signoffs import Judgement

Checker = Callable[[ChecklistItem, "RunContext"], "Evidence | None"]

REQUIRED: dict[str, list[tuple[str, ...]]] = {
    # type -> alternatives, each a set of keys that must all be present
    "file": [("path",), ("paths",)],
    "link": [("target",), ("targets",)],
    "command": [("argv",)],
    "backup": [("path",)],
    "setting": [("file", "key"), ("query",)],
    "gate": [("kinds",)],
    "docs": [("path",)],
    "burnin": [()],
}


class ChecklistKind:
    kind = KIND
    schema: str | None = "checklist.schema.yaml"

    def __init__(
        self,
        *,
        release: bool = False,
        checker: Checker | None = None,
        results: Results | None = None,
    ) -> None:
        self.release = release
        self.checker = checker or self.builtin
        self.results = results
        self._judgements: dict[tuple[str, str], dict[str, Judgement]] = {}
        self._head: dict[Path, str] = {}

    def expand(self, doc: Document) -> list[Entry]:
        from ..spec.schema import validate

        validate(doc, "checklist.schema.yaml")
        data = doc.data
        options = options_from(data["metadata"]["name"], data["spec"], doc.path.resolve())
        out = []
        for item in items_from(options, data["spec"]):
            entry = Entry(
                KIND,
                item.qualified,
                doc,
                anchor=("spec", "items", item.index),
                label=item.label,
                payload=item,
            )
            item.entry = entry
            out.append(entry)
        return out

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        item: ChecklistItem = entry.payload
        props = [("checklist", item.options.name), ("item", item.name), ("title", item.title)]
        if item.role is not None:
            return [*props, ("check", "signoff"), ("required_role", item.role)]
        return [*props, ("check", item.check_type), ("when", item.when)]

    def check(self, entry: Entry) -> None:
        item: ChecklistItem = entry.payload
        if item.check is None:
            return
        kind = item.check_type
        if kind not in REQUIRED:
            return  # a type from a plugin: it checks its own fields
        if not any(all(k in item.check for k in keys) for keys in REQUIRED[kind]):
            need = " or ".join("+".join(keys) for keys in REQUIRED[kind])
            raise entry.error(("check",), f"a {kind} check needs {need}")
        for key in ("timeout", "max_age"):
            if key in item.check:
                from ..promql.lexer import parse_duration

                try:
                    parse_duration(str(item.check[key]), allow_seconds=True)
                except ValueError:
                    raise entry.error(
                        ("check", key),
                        f"invalid duration {item.check[key]!r}",
                        hint="e.g. 90s, 24h",
                    ) from None
        if kind == "command" and not (isinstance(item.check["argv"], list) and item.check["argv"]):
            raise entry.error(("check", "argv"), "argv must be a non-empty list (no shell is used)")

    def check_references(self, entry: Entry, project: Project) -> None:
        """A ``burnin`` check names a BurnIn the project defines."""
        item: ChecklistItem = entry.payload
        if item.check_type != "burnin" or item.check is None:
            return
        name = item.check.get("name")
        try:
            project.named("BurnIn", None if name is None else str(name))
        except EvaluationError as exc:
            raise EvaluationError(f"{item.where('check')}: {exc}") from None

    def builtin(self, item: ChecklistItem, ctx: RunContext) -> Evidence | None:
        """The built-in evidence types; also what the glue's trylast hook calls."""
        from .checks import builtin_check
        from .gate import check_burnin, check_gate

        if item.check_type == "gate":
            results = self.results or ctx.results
            if results is None:
                raise EvaluationError("a gate item can only be judged inside a pytest --burnin run")
            return check_gate(item, item.check or {}, ctx, results)
        if item.check_type == "burnin":
            return check_burnin(item, item.check or {}, ctx)
        return builtin_check(item, ctx)

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        item: ChecklistItem = entry.payload
        props = [
            ("evaluated_at", datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
            ("commit", self.head(item)),
        ]
        if item.role is not None:
            return self._signoff(item, props, self.release or ctx.release)
        title = f"{KIND} {item.qualified}"
        release = self.release or ctx.release
        pending_ok = item.when == "release" and not release
        try:
            evidence = (ctx.checklist_check or self.checker)(item, ctx)
        except EvaluationError as exc:
            if not pending_ok:
                raise
            reason = f"pending (checked at release): could not evaluate: {exc}"
            return _pending(title, reason, props)
        if evidence is None:
            raise EvaluationError(
                f"{item.where('check', 'type')}: no plugin checks evidence type "
                f"{item.check_type!r} (built-in: {', '.join(BUILTIN_TYPES)})"
            )
        props += evidence.properties
        headline = f"{title}: {evidence.summary}"
        if evidence.passed:
            return Evaluation(True, headline, evidence.details, [*props, ("state", "passed")])
        if pending_ok:
            return _pending(title, f"pending (checked at release): {evidence.summary}", props)
        return Evaluation(False, headline, evidence.details, [*props, ("state", "failed")])

    def head(self, item: ChecklistItem) -> str:
        folder = item.options.spec_file.parent
        if folder not in self._head:
            try:
                self._head[folder] = gitinfo.head(folder)
            except gitinfo.NotARepository:
                self._head[folder] = "unknown"
        return self._head[folder]

    def judgements(self, item: ChecklistItem) -> dict[str, Judgement]:
        from .signoffs import judge_all, load_for

        key = (str(item.options.spec_file), item.options.name)
        if key not in self._judgements:
            siblings = item.siblings or [item]
            self._judgements[key] = judge_all(
                siblings, load_for(siblings), item.options.spec_file.parent
            )
        return self._judgements[key]

    def _signoff(
        self, item: ChecklistItem, props: list[tuple[str, str]], release: bool
    ) -> Evaluation:
        from .signoffs import as_properties

        title = f"{KIND} {item.qualified}"
        judgement = self.judgements(item)[item.qualified]
        rec = judgement.record
        if rec is not None:
            headline = f"{title}: signed by {rec.by} as {rec.role} on {rec.at} for commit {rec.commit[:12]}"
            proof = [("signoff_proof", judgement.proof)] if judgement.proof else []
            return Evaluation(
                True, headline, [], [*props, *as_properties(rec), *proof, ("state", "passed")]
            )
        reason = f"pending sign-off by a {item.role}: {judgement.why}"
        if release:
            return Evaluation(False, f"{title}: {reason}", [], [*props, ("state", "failed")])
        return _pending(title, reason, props)


def _pending(title: str, reason: str, props: list[tuple[str, str]]) -> Evaluation:
    return Evaluation(
        False, f"{title}: {reason}", [], [*props, ("state", "pending")], skipped=reason
    )


def load_items(paths: list[Path]) -> list[ChecklistItem]:
    """Every checklist item of these spec files, outside a test run (the CLI)."""
    from .model import load_checklists

    return [item for _, items in load_checklists(paths) for item in items]


__all__ = ["ChecklistKind", "load_items"]
