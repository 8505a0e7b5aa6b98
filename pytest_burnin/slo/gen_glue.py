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
    from pathlib import Path

    from ..context import RunContext
    from ..kinds import Evaluation
    from ..spec.model import Entry

DOCS_FILE = "docs/SLOs.md"
RULES_FILE = "generated/slo.rules.yaml"  # under a spec folder, so the rule lint collects it


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers of the items this module adds."""
    config.addinivalue_line("markers", "burnin_sloalerts: behaviour of generated SLO alerts.")
    config.addinivalue_line("markers", "burnin_docs: published documents are up to date.")
    config.addinivalue_line("markers", "burnin_generated: generated files are up to date.")


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


class GeneratedFileKind:
    """``Docs:SLOs.md``, ``Generated:slo.rules.yaml``: a committed file is what the specs make."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.schema: str | None = None

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        return [("file", str(entry.payload[1]))]

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from ..kinds import Evaluation
        from .docs import load_slos, render
        from .rules_gen import generate

        spec_paths, target = entry.payload
        shown = _shown(target, ctx.rootdir)
        entries = load_slos(spec_paths)
        if self.kind == "Docs":
            expected, command = render(entries, ctx.rootdir), "burnin docs"
        else:
            expected, command = generate(entries), f"burnin rules -o {shown}"
        if target.read_text(encoding="utf-8") != expected:
            return Evaluation(
                False,
                f"{shown} is out of date: run `{command}`",
                details=["it differs from what the SLO specs generate now"],
            )
        return Evaluation(True, f"{shown} is up to date with the SLO specs")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


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
    from ..items import BurnInItem

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
    from ..items import BurnInItem
    from ..spec.model import Entry
    from ..state import STATE_KEY
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
        # Known to the run, so the rule lint can count these as tests of the alerts.
        item.config.stash[STATE_KEY].ctx.add_entry(entry)
    return out


def _generated_items(config: pytest.Config, near: Any) -> list[pytest.Item]:
    """Only under --burnin (every spec is loaded), for the files the project commits."""
    from ..items import BurnInItem
    from ..spec.model import Entry
    from ..state import STATE_KEY

    state = config.stash[STATE_KEY]
    if not state.enabled:
        return []
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
