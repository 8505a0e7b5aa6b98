"""pytest glue of SLO rule generation: alert behaviour items and the docs check.

For every collected ``SLO:<name>`` item this adds sibling items, one per
behaviour check of the alerts generated from that SLO
(``SLOAlerts:<name>/page-1h``, ``.../within-objective``...): declaring an SLO
is enough to get the tests that prove its alerts page in time.

Under ``--burnin``, for the generated files a project commits, one item each
fails while the file differs from what the specs generate now:
``Docs:SLOs.md`` (``docs/SLOs.md``, from ``burnin docs``) and
``Generated:slo.rules.yaml`` (``<spec folder>/generated/slo.rules.yaml``, from
``burnin rules``; kept under the spec folder so the rule lint checks it too).
A project that commits neither gets neither item.

Items are added to the spec file's collect report, as the same ``BurnInItem``
every entry uses, so ``-k``, ``-m``, xdist and the collected count see them. This module
imports only pytest and typing at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Generator


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    """Add the alert behaviour items after each SLO item of a spec file, and the file checks.

    Added as the spec file is collected (not in ``modifyitems``), so they are
    counted, selected and deselected like every other item.
    """
    outcome = yield
    report = outcome.get_result()
    if not report.passed or type(collector).__name__ != "SpecFile":
        return
    from .items import BurnInItem

    out: list[Any] = []
    for node in report.result:
        out.append(node)
        if isinstance(node, BurnInItem) and node.entry.kind == "SLO":
            out.extend(_alert_items(node))
            if not collector.config.stash.get(_FILES_ADDED, False):
                collector.config.stash[_FILES_ADDED] = True
                out.extend(_generated_items(collector.config, node))
    report.result[:] = out


_FILES_ADDED = pytest.StashKey[bool]()


def _alert_items(item: Any) -> list[pytest.Item]:
    from ..errors import BurninError
    from ..slo.alerts_kind import SLOAlertsKind
    from ..slo.behaviour import check_names, exercised_alerts
    from ..slo.rules_gen import slo_rules
    from ..spec.model import Entry
    from .items import BurnInItem
    from .state import STATE_KEY

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
            "SLOAlerts",
            f"{slo.name}/{name}",
            slo.doc,
            label=label,
            payload=(rules, name),
            exercises=tuple(exercised_alerts(rules, name)),
        )
        out.append(BurnInItem.from_parent(item.parent, name=label, entry=entry, handler=handler))
        # Known to the run, so the rule lint can count these as tests of the alerts.
        item.config.stash[STATE_KEY].ctx.add_entry(entry)
    return out


def _generated_items(config: pytest.Config, near: Any) -> list[pytest.Item]:
    """Only under --burnin (every spec is loaded), for the files the project commits."""
    from ..spec.model import Entry
    from .items import BurnInItem
    from .state import STATE_KEY

    state = config.stash[STATE_KEY]
    if not state.enabled:
        return []
    from ..slo.alerts_kind import DOCS_FILE, RULES_FILE, GeneratedFileKind

    targets = [("Docs", config.rootpath / DOCS_FILE)]
    targets += [("Generated", p / RULES_FILE) for p in state.spec_paths if p.is_dir()]
    out: list[pytest.Item] = []
    for kind, target in targets:
        if not target.is_file():
            continue
        label = f"{kind}:{target.name}"
        entry = Entry(
            kind, target.name, near.entry.doc, label=label, payload=(state.spec_paths, target)
        )
        handler = GeneratedFileKind(kind)
        out.append(BurnInItem.from_parent(near.parent, name=label, entry=entry, handler=handler))
    return out
