"""The release gate's hook: evidence types of your own, from a conftest.py.

Added by ``glue.py`` through ``pytest_addhooks``. The built-in types (file,
link, command, backup, setting, gate, burnin, docs) implement this same hook,
``trylast``, so yours are asked first and may replace one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..context import RunContext
    from .model import ChecklistItem, Evidence


@pytest.hookspec(firstresult=True)
def pytest_burnin_checklist_check(
    config: pytest.Config, item: ChecklistItem, ctx: RunContext
) -> Evidence | None:
    """Check the evidence of one checklist item, or return None for a type you do not know.

    ``item.check`` is the item's ``check:`` mapping (``item.check["type"]``
    says which check), ``item.path(value)`` resolves a path the way the
    built-ins do. Return ``pytest_burnin.release.model.Evidence(passed,
    summary, details, properties)``: ``summary`` completes the headline after
    ``Checklist <checklist>/<item>:``, ``properties`` become JUnit properties.
    Raise ``pytest_burnin.errors.EvaluationError`` when the evidence cannot be
    looked at (an error item, never a pass).

    .. versionadded:: 0.1
    """
    raise NotImplementedError  # pragma: no cover - specification only
