"""pytest glue of the release gate: ``--burnin-release``, the Checklist kind,
the evidence hook, and gate items ordered after every other burn-in item.

Registered by ``pytest_burnin.plugin`` (``GLUE_MODULES``). Imports nothing of
the core at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..context import RunContext
    from ..kinds import KindHandler
    from .model import ChecklistItem, Evidence


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--burnin-release``: judge the release checklist as a release gate."""
    group = parser.getgroup("burnin")
    group.addoption(
        "--burnin-release",
        action="store_true",
        dest="burnin_release",
        default=False,
        help="fail every checklist item that is incomplete, pending sign-offs included.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of checklist items (``-m burnin_checklist``)."""
    config.addinivalue_line("markers", "burnin_checklist: pytest-burnin release-checklist items.")


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Add ``pytest_burnin_checklist_check``."""
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_burnin_spec_kinds(config: pytest.Config | None) -> list[KindHandler]:
    """``kind: Checklist``, evidence checked through ``pytest_burnin_checklist_check``."""
    from .kind import ChecklistKind

    if config is None:  # `burnin validate` asks for the kinds outside a run
        return [ChecklistKind()]
    cfg = config

    def checker(item: ChecklistItem, ctx: RunContext) -> Evidence | None:
        result: Evidence | None = cfg.hook.pytest_burnin_checklist_check(
            config=cfg, item=item, ctx=ctx
        )
        return result

    def results() -> list[Any]:
        from ..errors import EvaluationError
        from ..state import STATE_KEY

        if hasattr(cfg, "workerinput"):
            # Each xdist worker sees only its own items' outcomes.
            raise EvaluationError(
                "a gate item needs every outcome of the run in one process: run the "
                "release gate without -n (or with -p no:xdist)"
            )
        return list(cfg.stash[STATE_KEY].results)

    kind = ChecklistKind(
        release=bool(cfg.getoption("burnin_release", False)), checker=checker, results=results
    )
    cfg.stash[_KIND_KEY] = kind
    return [kind]


_KIND_KEY = pytest.StashKey[Any]()


@pytest.hookimpl(trylast=True)
def pytest_burnin_checklist_check(
    config: pytest.Config, item: ChecklistItem, ctx: RunContext
) -> Evidence | None:
    """The built-in evidence types: file, link, command, backup, setting, gate, burnin, docs."""
    kind = config.stash.get(_KIND_KEY, None)
    if kind is None:
        from .kind import ChecklistKind

        kind = ChecklistKind()
    result: Evidence | None = kind.builtin(item, ctx)
    return result


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Checklist items run after every other item, and gate items last of all:
    a gate reads the outcomes of the items before it. ``trylast``, so no other
    plugin reorders after us."""

    def rank(item: pytest.Item) -> int:
        entry = getattr(item, "entry", None)
        if entry is None or entry.kind != "Checklist":
            return 0
        return 2 if getattr(entry.payload, "check_type", "") == "gate" else 1

    if any(rank(i) for i in items):
        items.sort(key=rank)  # stable: the order within each rank is kept
