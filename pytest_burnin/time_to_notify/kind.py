"""The ``Notify`` spec kind: one ``Notify:<alert>`` item per alerting rule, bounding time to notify.

The alert's labels are what the rule itself attaches (group labels, rule
labels, ``alertname``), what the promtool tests expect it to fire with, and
what the named simulations really fire it with (run at evaluation); the other
rules' alerts are the ones it may share an aggregation group with.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SpecError, display_path
from ..kinds import Evaluation
from ..spec.loader import Document
from ..spec.model import Entry

if TYPE_CHECKING:
    from ..context import RunContext


class NotifyKind:
    kind = "Notify"
    schema: str | None = "notify.schema.yaml"

    def expand(self, doc: Document) -> list[Entry]:
        from ..alertmanager.config import load_config
        from ..alertmanager.route import Route
        from ..project import entry_from_document
        from ..promql.lexer import parse_duration
        from ..rules.rulefile import RuleFileError, load_rule_file

        entry_from_document(doc, self.kind, self)  # schema + metadata.name
        spec = doc.data["spec"]
        config_path = self._file(doc, ("spec", "config"), spec["config"])
        config = load_config(config_path)
        root = Route.build(config.route)
        default_eval = parse_duration(spec.get("evaluation_interval", "1m"))
        budget = parse_duration(spec["notify_within"])
        overrides = spec.get("alerts") or {}
        alerts: list[tuple[dict[str, str], int, int, int]] = []  # labels, eval, for, line
        for i, name in enumerate(spec["rules"]):
            path = self._file(doc, ("spec", "rules", i), name)
            try:
                rule_file = load_rule_file(path)
            except RuleFileError as exc:
                raise SpecError(
                    path, exc.message, line=exc.line or None, col=exc.col or None
                ) from None
            for group in rule_file.groups:
                for rule in group.rules:
                    if rule.is_alert:
                        labels = {**group.labels, **rule.labels, "alertname": rule.name}
                        alerts.append((labels, group.interval_ms or default_eval, rule.for_ms, i))
        from .simulated import SimulatedLabels, simulation_entries

        simulated = SimulatedLabels(simulation_entries(doc, spec.get("simulations") or []))
        tested = self._tested_labels(doc, spec.get("tests") or [])
        variants = {
            id(labels): [labels] + [{**labels, **t} for t in tested.get(labels["alertname"], [])]
            for labels, *_ in alerts
        }
        everyone = [v for vs in variants.values() for v in vs]
        out: list[Entry] = []
        seen: set[str] = set()
        for labels, eval_ms, for_ms, i in alerts:
            name = labels["alertname"]
            if name in seen:
                continue  # one item per alert name; its first rule stands for it
            seen.add(name)
            own = overrides.get(name, {}).get("notify_within")
            payload = (config, root, _unique(variants[id(labels)]), eval_ms, for_ms,
                       parse_duration(own) if own else budget, everyone, simulated)  # fmt: skip
            out.append(Entry(self.kind, name, doc, anchor=("spec", "rules", i), payload=payload))
        unknown = sorted(set(overrides) - seen)
        if unknown:
            raise doc.error(
                ("spec", "alerts", unknown[0]), f"no alerting rule named {unknown[0]!r}"
            )
        return out

    def _tested_labels(self, doc: Document, files: list[str]) -> dict[str, list[dict[str, str]]]:
        """Label sets the promtool tests expect each alert to fire with (exact, not regex)."""
        from ..rules.testfile import TestFileError, load_test_file

        out: dict[str, list[dict[str, str]]] = {}
        for i, name in enumerate(files):
            path = self._file(doc, ("spec", "tests", i), name)
            try:
                test_file = load_test_file(path)
            except TestFileError as exc:
                raise SpecError(
                    path, exc.message, line=exc.line or None, col=exc.col or None
                ) from None
            for group in test_file.groups:
                for test in group.alert_tests:
                    if not test.regex:
                        out.setdefault(test.alertname, []).extend(
                            {**group.external_labels, **e.labels} for e in test.exp_alerts
                        )
        return out

    @staticmethod
    def _file(doc: Document, where: tuple[Any, ...], name: str) -> Path:
        path = (doc.path.parent / name).resolve()
        if not path.is_file():
            raise doc.error(
                where, f"{name!r} not found", hint=f"paths are relative to {display_path(doc.path)}"
            )
        return path

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        config, *_ = entry.payload
        return [("alertmanager_config", display_path(config.path))]

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from ..alertmanager.notify_time import time_to_notify
        from ..rules.testfile import go_duration_text

        config, root, variants, eval_ms, for_ms, budget, everyone, simulated = entry.payload
        # Label sets the simulations fire this alert (and the others) with, on top of the
        # rule's own and the promtool tests'; the run is shared by this spec's items.
        fired = simulated.fired(ctx)
        base = variants[0]
        from_sims = [{**base, **labels} for labels in fired.get(base["alertname"], [])]
        variants = _unique(variants + from_sims)
        everyone = _unique(everyone + [s for sets in fired.values() for s in sets])
        bounds = [
            time_to_notify(
                config,
                root,
                labels,
                eval_interval_ms=eval_ms,
                for_ms=for_ms,
                budget_ms=budget,
                others=[o for o in everyone if o != labels],
            )
            for labels in variants
        ]
        # The story of the worst label set: a failing one first, else the slowest.
        bound = max(bounds, key=lambda b: (not b.passed, b.join_ms or b.worst_ms, b.worst_ms))
        props = [
            ("label_sets", str(len(variants))),
            ("label_sets_from_simulations", str(len(from_sims))),
            ("worst_case", go_duration_text(bound.worst_ms)),
            ("budget", go_duration_text(budget)),
            ("receivers", ", ".join(bound.receivers)),
        ]
        if bound.join_ms is not None:
            props.append(("joining_open_group", go_duration_text(bound.join_ms)))
        return Evaluation(
            bound.passed, bound.headline, details=bound.problems[1:], properties=props
        )


def _unique(label_sets: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for labels in label_sets:
        if labels not in out:
            out.append(labels)
    return out
