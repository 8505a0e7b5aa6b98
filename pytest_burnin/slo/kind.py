"""``kind: SLO``: the indicator over its window against the objective (pytest-free)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kinds import Evaluation

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry


def _duration_ms(entry: Entry, text: str, *path: str) -> int:
    from ..promql.parser import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise entry.error(path, f"invalid duration {text!r}: {exc}") from None


class SLOKind:
    """``kind: SLO``: the indicator over its rolling window against the objective."""

    kind = "SLO"
    schema: str | None = "slo.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        ((op, value),) = entry.spec["objective"].items()
        return [("objective_spec", f"{op} {value}"), ("window", entry.spec["window"])]

    def check(self, entry: Entry) -> None:
        from ..promql.parser import ParseError, parse
        from .evaluate import substitute

        _duration_ms(entry, entry.spec["window"], "window")
        indicator = entry.spec["indicator"]
        queries: dict[tuple[str, ...], str] = {}
        for key, body in indicator.items():
            for field, query in body.items():
                queries[("indicator", key, field)] = query
        for path, query in queries.items():
            try:
                parse(substitute(query, entry.spec["window"]))
            except ParseError as exc:
                raise entry.error(
                    path,
                    f"invalid PromQL in {'.'.join(path)}: {exc}",
                    hint="check the query with `burnin validate` or promtool",
                ) from None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .evaluate import evaluate_slo

        source = ctx.source(entry.spec.get("source"), entry)
        return evaluate_slo(entry, source, _duration_ms(entry, entry.spec["window"], "window"))
