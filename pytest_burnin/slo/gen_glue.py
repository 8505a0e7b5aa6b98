"""pytest glue of SLO rule generation: alert behaviour items and the docs check.

For every collected ``SLO:<name>`` item this adds sibling items, one per
behaviour check of the alerts generated from that SLO
(``SLOAlerts:<name>/page-1h``, ``.../within-objective``...): declaring an SLO
is enough to get the tests that prove its alerts page in time. Under
``--burnin``, when the project publishes ``docs/SLOs.md``, one ``Docs:SLOs.md``
item fails while that file differs from what ``burnin docs`` renders.

Items are added in ``pytest_collection_modifyitems`` (``tryfirst``, so ``-k``
and ``-m`` see them), as the same ``BurnInItem`` every entry uses. This module
imports only pytest and typing at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..context import RunContext
    from ..kinds import Evaluation
    from ..spec.model import Entry

MARKERS = {"SLOAlerts": "burnin_sloalerts", "Docs": "burnin_docs"}
DOCS_FILE = "docs/SLOs.md"


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers of the items this module adds."""
    config.addinivalue_line("markers", "burnin_sloalerts: behaviour of generated SLO alerts.")
    config.addinivalue_line("markers", "burnin_docs: published documents are up to date.")


class SLOAlertsKind:
    """Not a spec kind of its own: evaluates one behaviour check of an SLO's alerts."""

    kind = "SLOAlerts"
    schema: str | None = None

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        rules, name = entry.payload
        return [("check", name)] if rules is not None else []

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from ..errors import EvaluationError
        from .behaviour import run_check

        rules, name = entry.payload
        if rules is None:
            raise EvaluationError(f"cannot generate the alerts: {name}")
        return run_check(rules, name)


class DocsKind:
    """``Docs:SLOs.md``: the committed document is what the specs render."""

    kind = "Docs"
    schema: str | None = None

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        return [("document", DOCS_FILE)]

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from ..kinds import Evaluation
        from .docs import check, load_slos

        spec_paths, target = entry.payload
        problem = check(load_slos(spec_paths), target, root=ctx.rootdir)
        if problem:
            return Evaluation(False, problem, details=[f"compared with {target}"])
        return Evaluation(True, f"{DOCS_FILE} is up to date with the SLO specs")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Add the alert behaviour items after each SLO item, and the docs check."""
    from ..items import BurnInItem

    slo_items: list[BurnInItem] = [
        i for i in items if isinstance(i, BurnInItem) and i.entry.kind == "SLO"
    ]
    if not slo_items:
        return
    added: dict[int, list[pytest.Item]] = {}
    for item in slo_items:
        added[id(item)] = _alert_items(item)
    docs = _docs_item(config, slo_items[0])
    out: list[pytest.Item] = []
    for it in items:
        out.append(it)
        out.extend(added.get(id(it), []))
    if docs is not None:
        out.append(docs)
    items[:] = out


def _alert_items(item: Any) -> list[pytest.Item]:
    from ..errors import BurninError
    from ..items import BurnInItem
    from ..spec.model import Entry
    from .behaviour import check_names
    from .rules_gen import slo_rules

    slo: Entry = item.entry
    handler = SLOAlertsKind()
    try:
        rules = slo_rules(slo)
    except BurninError as exc:
        # A broken alerting block: one item that errors with the spec's message.
        label = f"SLOAlerts:{slo.name}"
        entry = Entry("SLOAlerts", slo.name, slo.doc, label=label, payload=(None, str(exc)))
        return [BurnInItem.from_parent(item.parent, name=label, entry=entry, handler=handler)]
    out: list[pytest.Item] = []
    for name in check_names(rules):
        label = f"SLOAlerts:{slo.name}/{name}"
        entry = Entry(
            "SLOAlerts", f"{slo.name}/{name}", slo.doc, label=label, payload=(rules, name)
        )
        out.append(BurnInItem.from_parent(item.parent, name=label, entry=entry, handler=handler))
    return out


def _docs_item(config: pytest.Config, near: Any) -> pytest.Item | None:
    """Only under --burnin (every spec is loaded) and when the project publishes the file."""
    from ..items import BurnInItem
    from ..spec.model import Entry
    from ..state import STATE_KEY

    state = config.stash[STATE_KEY]
    target = config.rootpath / DOCS_FILE
    if not state.enabled or not target.is_file():
        return None
    entry = Entry(
        "Docs", "SLOs.md", near.entry.doc, label="Docs:SLOs.md", payload=(state.spec_paths, target)
    )
    item: pytest.Item = BurnInItem.from_parent(
        near.parent, name="Docs:SLOs.md", entry=entry, handler=DocsKind()
    )
    return item
