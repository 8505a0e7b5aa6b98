"""``kind: SLO``: the indicator over its window against the objective (pytest-free).

OpenSLO and Sloth handlers (``openslo.py``, ``sloth.py``) subclass this one: they
only differ in how entries are made, since every check and evaluation reads the
native spec through ``normalized_slo``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..kinds import Evaluation
from .model import normalized_slo

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from ..sources import MetricSource
    from ..spec.model import Entry


class SLOKind:
    """``kind: SLO``: the indicator over its rolling or calendar window against the objective."""

    kind = "SLO"
    schema: str | None = "slo.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        spec = normalized_slo(entry)
        ((op, value),) = spec["objective"].items()
        window = spec["window"]
        text = window if isinstance(window, str) else f"calendar {window.get('calendar')}"
        return [("objective_spec", f"{op} {value}"), ("window", text)]

    def check_references(self, entry: Entry, project: Project) -> None:
        """The Source the SLO reads exists, once (the only one when ``source:`` is left out)."""
        project.named("Source", entry.spec.get("source"), entry)

    def check(self, entry: Entry) -> None:
        from ..promql.parser import ParseError, parse
        from .evaluate import substitute
        from .windows import WindowError, check_window, parse_ms

        spec = normalized_slo(entry)
        try:
            check_window(spec["window"])
        except WindowError as exc:
            raise entry.error(("window",), str(exc)) from None
        budgeting = spec.get("budgeting", "occurrences")
        check_bounds(entry, spec)
        if budgeting != "occurrences":
            if "timeslice_window" not in spec:
                raise entry.error(
                    ("budgeting",), f"budgeting: {budgeting} needs timeslice_window (e.g. 5m)"
                )
            try:
                parse_ms(str(spec["timeslice_window"]))
            except WindowError as exc:
                raise entry.error(("timeslice_window",), str(exc)) from None
        if budgeting == "timeslices" and "timeslice_target" not in spec:
            raise entry.error(
                ("budgeting",),
                "budgeting: timeslices needs timeslice_target, the bound a slice must meet "
                "to be good (e.g. {below: 0.05})",
            )
        for key, body in spec["indicator"].items():
            for field, query in body.items():
                try:
                    parse(substitute(query, "5m"))
                except ParseError as exc:
                    raise entry.error(
                        ("indicator", key, field),
                        f"invalid PromQL in indicator.{key}.{field}: {exc}",
                        hint="check the query with `burnin validate` or promtool",
                    ) from None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .other_mode import judge_in_mode
        from .verdict import evaluate_slo

        spec = normalized_slo(entry)
        source = self.source_for(entry, spec, ctx)
        compare = spec.get("compare") or {}
        # Like the burnin commands, a relative store path is read from the rootdir.
        store = ctx.settings.under_root(str(compare.get("store") or ctx.settings.store))
        return judge_in_mode(source, lambda src: evaluate_slo(entry, src, spec=spec, store=store))

    def source_for(self, entry: Entry, spec: dict[str, Any], ctx: RunContext) -> MetricSource:
        return ctx.source(spec.get("source"), entry)


def check_bounds(entry: Entry, spec: dict[str, Any]) -> None:
    """Every bound is a finite number; a bound on a share must be able to pass and to fail.

    A ratio (and the share of good timeslices) lies between 0 and 1: ``below:
    1.5`` holds whatever the service does and ``above: 1`` never holds. Either
    is a mistake in the spec, refused at collection with its line.
    """
    import math

    share = "ratio" in spec["indicator"] or spec.get("budgeting", "occurrences") != "occurrences"
    for key in ("objective", "warning", "timeslice_target"):
        bound = spec.get(key)
        if not isinstance(bound, dict) or len(bound) != 1:
            continue
        ((op, value),) = bound.items()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue  # the schema names the wrong type
        if not math.isfinite(value):
            raise entry.error((key, op), f"{key}.{op}: {value} is not a finite number")
        on_share = share if key != "timeslice_target" else "ratio" in spec["indicator"]
        if not on_share:
            continue
        ends = {_holds(op, value, 0.0), _holds(op, value, 1.0)}
        if len(ends) == 1:
            always = ends == {True}
            raise entry.error(
                (key, op),
                f"{key}.{op}: {value} {'always' if always else 'never'} holds for a ratio, "
                "which lies between 0 and 1 (0.01 is 1%)",
                hint="write the bound as a fraction between 0 and 1, e.g. below: 0.01",
            )


def _holds(op: str, bound: float, measured: float) -> bool:
    return {
        "below": measured < bound,
        "above": measured > bound,
        "at_most": measured <= bound,
        "at_least": measured >= bound,
    }[op]
