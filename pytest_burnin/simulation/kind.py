"""``kind: Simulation``: a simulated breach, evaluated and really delivered.

The rules run over the injected series (``run.py``); each expectation is
checked against the alert timeline (``expect.py``); every alert expected to
fire is then delivered over HTTP: by default to a receiver the plugin runs on
127.0.0.1 (Alertmanager's webhook JSON), or with ``--burnin-deliver=real`` to
the simulation's ``channel``. Reported latency = simulated time from breach to
firing + real time from hand-off to receipt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError, display_path
from ..kinds import Evaluation
from ..promql_mode import passes_suffix
from .am_delivery import AmSetup, deliver_through_am, load_setup, project_setup
from .direct import deliver_direct
from .expect import Expectation, check, fmt_ms, regex_errors
from .other_mode import other_mode_note

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from ..spec.model import Entry
    from .run import Timeline

DEFAULT_DURATION_MS = 3_600_000


@dataclass
class Plan:
    rule_files: list[Path]
    series: list[tuple[Any, list[float | None]]]
    interval_ms: int
    evaluation_interval_ms: int
    duration_ms: int
    breach_at_ms: int | None
    expectations: list[Expectation]
    alertmanager: AmSetup | None = None  # spec.alertmanager: alerts go through that config


def plan(entry: Entry) -> Plan:
    """Everything checkable before running: files exist, notation parses, durations are valid."""
    from ..promql.lexer import ParseError
    from ..promql.series_notation import parse_series
    from .run import check_steps

    spec = entry.spec
    rules = spec["rules"]
    files = [entry.path.parent / r for r in ([rules] if isinstance(rules, str) else rules)]
    for i, f in enumerate(files):
        if not f.is_file():
            path: tuple[str | int, ...] = ("rules",) if isinstance(rules, str) else ("rules", i)
            raise entry.error(path, f"rule file {f.name!r} does not exist next to this spec")
    series = []
    for selector, values in (spec.get("series") or {}).items():
        # Plain `0x60` is hex to YAML; the notation wants the text as written.
        values = entry.doc.raw.get((*entry._spec_path(("series", selector)),), str(values))
        try:
            series.append(parse_series(f"{selector} {values}"))
        except ParseError as exc:
            raise entry.error(("series", selector), f"series {selector!r}: {exc}") from None
    for i, e in enumerate(spec["expect"]):
        for (field_name, key), msg in regex_errors(e):
            raise entry.error(("expect", i, field_name, key), msg)
    expectations = [
        Expectation.from_spec(e, lambda t, i=i: entry.duration_ms(t, "expect", i))
        for i, e in enumerate(spec["expect"])
    ]
    bys = [e.firing_by_ms for e in expectations if e.firing_by_ms is not None]
    duration = (
        entry.duration_ms(spec["duration"], "duration")
        if "duration" in spec
        else (max(bys) + 600_000 if bys else DEFAULT_DURATION_MS)
    )
    eval_ms = entry.duration_ms(spec.get("evaluation_interval", "1m"), "evaluation_interval")
    too_much = check_steps(duration, eval_ms)
    if too_much is not None:
        raise entry.error(("duration",) if "duration" in spec else ("expect",), too_much)
    return Plan(
        rule_files=files,
        series=series,
        interval_ms=entry.duration_ms(spec.get("interval", "1m"), "interval"),
        evaluation_interval_ms=entry.duration_ms(
            spec.get("evaluation_interval", "1m"), "evaluation_interval"
        ),
        duration_ms=duration,
        breach_at_ms=entry.duration_ms(spec["breach_at"], "breach_at")
        if "breach_at" in spec
        else None,
        expectations=expectations,
        alertmanager=load_setup(entry),
    )


def recorded_samples(entry: Entry, ctx: RunContext, p: Plan) -> list[tuple[int, Any, float]]:
    """The shipped (or stored) data from ``data.from`` on, shifted to simulated t=0,
    with ``data.inject`` added on top: a breach injected into real traffic."""
    from ..promql.lexer import ParseError
    from ..promql.series_notation import parse_series

    data = entry.spec["data"]
    source = ctx.source(data.get("source"), entry)
    storage = getattr(source, "storage", None)
    if not callable(storage):
        raise EvaluationError(
            f"{entry.where('data', 'source')}: data: needs a source answered by the embedded "
            f"engine (file or local), not {source.describe()}"
        )
    start = _instant(entry, str(data["from"]))
    end = start + p.duration_ms
    inject: dict[Any, list[float | None]] = {}
    for selector, values in (data.get("inject") or {}).items():
        text = entry.doc.raw.get((*entry._spec_path(("data", "inject", selector)),), str(values))
        try:
            labels, vals = parse_series(f"{selector} {text}")
        except ParseError as exc:
            raise entry.error(("data", "inject", selector), f"inject {selector!r}: {exc}") from None
        inject[labels] = vals
    out: list[tuple[int, Any, float]] = []
    seen: set[Any] = set()
    for series in storage():
        lo, hi = series.window(start - 1, end)
        add = inject.get(series.labels)
        seen.add(series.labels)
        for t, v in zip(series.ts[lo:hi], series.vs[lo:hi], strict=True):
            extra = 0.0
            if add:
                # Injected values step with the simulation interval, held until the next one.
                i = min((t - start) // p.interval_ms, len(add) - 1)
                extra = next((x for x in reversed(add[: i + 1]) if x is not None), 0.0)
            out.append((t - start, series.labels, v + extra))
    unknown = [k for k in inject if k not in seen]
    if unknown:
        from ..promql.labels import format_labels

        raise EvaluationError(
            f"{entry.where('data', 'inject')}: inject names a series the data does not have: "
            f"{format_labels(unknown[0])}"
        )
    if not out:
        raise EvaluationError(
            f"{entry.where('data', 'from')}: the source has no samples in the simulated period"
        )
    return out


def _instant(entry: Entry, text: str) -> int:
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        raise entry.error(("data", "from"), f"data.from {text!r} is not an RFC 3339 time") from None


class SimulationKind:
    kind = "Simulation"
    schema: str | None = "simulation.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        alerts = ", ".join(str(e.get("alert")) for e in entry.spec.get("expect", []))
        return [("alerts", alerts)]

    def check_references(self, entry: Entry, project: Project) -> None:
        """The channel it would page in a drill, and the source of ``data:``, exist."""
        channel = entry.spec.get("channel")
        if isinstance(channel, str):
            project.named("Channel", channel, entry)
        data = entry.spec.get("data")
        if isinstance(data, dict):
            project.named("Source", data.get("source"), entry)
        self._check_alerts_exist(entry)

    def _check_alerts_exist(self, entry: Entry) -> None:
        """Each expected alert is an alerting rule of its rule files: a typo would
        otherwise pass silently as ``fires: false``, or fail as never fired."""
        from .run import load_groups

        p = plan(entry)
        alerts = {r.name for g in load_groups(p.rule_files) for r in g.rules if r.is_alert}
        for i, expectation in enumerate(p.expectations):
            if expectation.alert not in alerts:
                files = ", ".join(f.name for f in p.rule_files)
                defined = ", ".join(sorted(alerts)) or "none"
                raise EvaluationError(
                    f"{entry.where('expect', i, 'alert')}: no alerting rule "
                    f"{expectation.alert!r} in {files} (alerts: {defined})"
                )

    def check(self, entry: Entry) -> None:
        plan(entry)

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        p, timeline = run_simulation(entry, ctx)
        am = p.alertmanager if p.alertmanager is not None else project_setup(entry, ctx)
        outcomes = [check(e, timeline) for e in p.expectations]
        rule_problems = [x for o in outcomes for x in o.problems]
        delivery_problems: list[str] = []
        facts: list[str] = []
        props: list[tuple[str, str]] = [("simulated", fmt_ms(p.duration_ms))]
        for o in outcomes:
            if o.alert is None or o.problems or not o.expectation.fires:
                if not o.expectation.fires and not o.problems:
                    facts.append(f"{o.expectation.alert} did not fire, as expected")
                continue
            if am is not None:
                fact, more_props, more_problems = deliver_through_am(entry, ctx, o, p, timeline, am)
            else:
                fact, more_props, more_problems = deliver_direct(entry, ctx, o, p)
            facts.append(fact)
            props.extend(more_props)
            delivery_problems.extend(more_problems)
        if am is not None and p.alertmanager is None:
            props.append(("alertmanager_config", display_path(am.config.path)))
            facts.append(f"through the project's Alertmanager config {am.config.path.name}")
        name = f"Simulation {entry.name}"
        problems = [*rule_problems, *delivery_problems]
        if problems:
            count = len(problems)
            # Only the rules' verdict can differ between PromQL modes, so only a failure
            # that is the rules' alone is re-run in the other mode (never a pass).
            elsewhere = (
                other_mode_note(ctx.compat, lambda alt: _engine_part(entry, ctx, alt))
                if not delivery_problems
                else []
            )
            return Evaluation(
                False,
                f"{name}: {problems[0]}"
                + (f" (+{count - 1} more)" if count > 1 else "")
                + (passes_suffix(ctx.compat) if elsewhere else ""),
                details=[*problems[1:], *facts, *elsewhere],
                properties=props,
            )
        return Evaluation(True, f"{name}: " + "; ".join(facts), properties=props)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


__all__ = ["EvaluationError", "SimulationKind", "running_in_ci"]


def run_simulation(
    entry: Entry, ctx: RunContext, compat: int | None = None
) -> tuple[Plan, Timeline]:
    """Plan and run one Simulation entry: its rules over its series (and recorded data),
    in the run's PromQL mode unless ``compat`` names the other one."""
    from .run import load_groups, simulate

    p = plan(entry)
    recorded = recorded_samples(entry, ctx, p) if "data" in entry.spec else None
    mode = ctx.compat if compat is None else compat
    timeline = simulate(
        load_groups(p.rule_files, mode),
        p.series,
        interval_ms=p.interval_ms,
        evaluation_interval_ms=p.evaluation_interval_ms,
        duration_ms=p.duration_ms,
        compat=mode,
        external_labels=dict(entry.spec.get("external_labels") or {}),
        external_url=str(entry.spec.get("external_url", "")),
        recorded=recorded,
    )
    return p, timeline


def _engine_part(entry: Entry, ctx: RunContext, compat: int) -> tuple[list[Expectation], Timeline]:
    p, timeline = run_simulation(entry, ctx, compat)
    return p.expectations, timeline
