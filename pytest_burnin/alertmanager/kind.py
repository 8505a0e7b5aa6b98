"""The ``Routing`` spec kind: one item per test of the team's Alertmanager config.

The config is loaded once per document at collection, so a broken
``alertmanager.yml`` is a collection error naming its own ``file:line:col``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import display_path
from ..kinds import Evaluation
from ..spec.loader import Document
from ..spec.model import Entry

if TYPE_CHECKING:
    from ..context import RunContext


class RoutingKind:
    kind = "Routing"
    schema: str | None = "routing.schema.yaml"

    def expand(self, doc: Document) -> list[Entry]:
        from ..project import entry_from_document
        from .config import load_config
        from .route import Route

        base = entry_from_document(doc, self.kind, self)  # schema + metadata.name
        spec = doc.data["spec"]
        config_path = (doc.path.parent / spec["config"]).resolve()
        if not config_path.is_file():
            raise doc.error(("spec", "config"), f"Alertmanager config {spec['config']!r} not found",
                            hint=f"spec.config is relative to {display_path(doc.path)}")  # fmt: skip
        config = load_config(config_path)
        root = Route.build(config.route)
        out: list[Entry] = []
        seen: set[str] = set()
        for i, test in enumerate(spec["tests"]):
            test_name = str(test.get("name") or i)
            if test_name in seen:
                raise doc.error(("spec", "tests", i, "name"), f"duplicate test name {test_name!r}")
            seen.add(test_name)
            label = f"Routing:{base.name}:{test_name}"
            anchor = ("spec", "tests", i)
            out.append(Entry(self.kind, f"{base.name}:{test_name}", doc, anchor=anchor,
                             label=label, payload=(config, root, test)))  # fmt: skip
        return out

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        config, _, test = entry.payload
        return [("alertmanager_config", display_path(config.path)),
                ("labels", _labels_text(test.get("labels")))]  # fmt: skip

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .routing_test import judge

        config, root, test = entry.payload
        outcome = judge(config, root, test, str(entry.doc.data["spec"].get("version", "0.25")))
        props = [("receivers", ", ".join(outcome.receivers)), ("route", outcome.path)]
        alert = _labels_text(test.get("labels"))
        if not outcome.problems:
            return Evaluation(True, f"Routing {entry.name}: {alert} -> {', '.join(outcome.receivers)}",
                              details=outcome.facts, properties=props)  # fmt: skip
        more = f" (+{len(outcome.problems) - 1} more)" if len(outcome.problems) > 1 else ""
        headline = f"Routing {entry.name}: {alert} {outcome.problems[0]}{more}; route taken: {outcome.path}"
        return Evaluation(
            False, headline, details=outcome.problems[1:] + outcome.facts, properties=props
        )


def _labels_text(labels: Any) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in (labels or {}).items()) + "}"
