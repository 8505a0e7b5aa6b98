"""What a spec kind is: its schema and how one entry of it is evaluated.

Kinds are contributed through the ``pytest_burnin_spec_kinds`` hook; the
built-in ones (``registry.py``) come through the same hook, so a conftest.py
can add a kind or replace a built-in one. Nothing here imports pytest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .context import RunContext
    from .project import Project
    from .spec.loader import Document
    from .spec.model import Entry


@dataclass
class Evaluation:
    """The outcome of evaluating one entry.

    ``headline`` is the whole story on one line (it becomes the failure message
    in the short summary and in JUnit); ``details`` are indented lines below it;
    ``properties`` are the evidence, written as JUnit properties.
    """

    passed: bool
    headline: str
    details: list[str] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)
    skipped: str | None = None  # a reason: the entry cannot apply here (never a pass)
    # Passed, but outside a warning band: shown as WARN (property verdict=warning);
    # a failure under --burnin-strict. The text is the warning's one-line story.
    warning: str | None = None
    # The 1-based line of the entry's file the verdict is about (the objective
    # missed, the failing assertion): where a failure points. None: the entry's line.
    line: int | None = None


class KindHandler(Protocol):
    """One spec kind. ``schema`` names a file in ``spec/schemas/`` (or None: no schema)."""

    kind: str
    schema: str | None

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        """Facts known before evaluation (owner, objective, runbook): JUnit properties."""
        ...

    def check(self, entry: Entry) -> None:
        """Checks beyond the schema (queries parse, references exist); raise SpecError."""
        ...

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        """Evaluate; raise EvaluationError when it cannot be evaluated (never a pass)."""
        ...


@runtime_checkable
class Expanding(Protocol):
    """A kind whose one document gives several entries (a checklist's items,
    a rule file's alerts, a promtool file's groups, an SLO and its alert proofs)."""

    def expand(self, doc: Document) -> list[Entry]:
        """Validate the document and return its entries (raise SpecError)."""
        ...


@runtime_checkable
class Referring(Protocol):
    """A kind whose entries name other entries (``source:``, ``channel:``, ``slos:``).

    ``check_references`` raises ``EvaluationError`` naming the entry's line and
    what is defined. ``burnin validate`` calls it, and the run calls it before
    evaluating, so both report the same error in the same words.
    """

    def check_references(self, entry: Entry, project: Project) -> None: ...
