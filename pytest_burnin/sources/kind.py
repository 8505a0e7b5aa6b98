"""``kind: Source``: the item checks the source answers and reports its extent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import EvaluationError
from ..kinds import Evaluation
from ..timefmt import iso
from . import Checkable
from .factory import lookback_ms

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from ..spec.model import Entry


class SourceKind:
    """``kind: Source``: the item checks the source answers and reports its extent."""

    kind = "Source"
    schema: str | None = "source.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        return [("source_type", str(entry.spec.get("type")))]

    def check(self, entry: Entry) -> None:
        if "lookback_delta" in entry.spec:
            lookback_ms(entry)

    def check_references(self, entry: Entry, project: Project) -> None:
        """A file source's data files exist (validate says so, not only the run)."""
        from ..spec.references import require_files

        if entry.spec.get("type") == "file" and "path" in entry.spec:
            require_files(entry, "data file", entry.spec["path"], "path")

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        source = ctx.source(entry.name, entry)
        bounds = source.time_bounds()
        if bounds is None and isinstance(source, Checkable):
            # A remote source does not know its extent (sources/prometheus.py): show it answers.
            return Evaluation(passed=True, headline=f"Source {entry.name}: {source.check()}")
        if bounds is None:
            raise EvaluationError(f"source {entry.name!r} ({source.describe()}) has no samples")

        first, last = bounds
        days = (last - first) / 86_400_000
        from .engine_source import EngineSource

        count = len(source.storage()) if isinstance(source, EngineSource) else None
        extent = f"{iso(first)} .. {iso(last)} ({days:.1f} days)"
        props = [("first_sample", iso(first)), ("last_sample", iso(last))]
        if count is not None:
            props.append(("series", str(count)))
        what = f"{count} series, " if count is not None else ""
        return Evaluation(
            passed=True,
            headline=f"Source {entry.name}: {what}{extent}",
            details=[source.describe()],
            properties=props,
        )
