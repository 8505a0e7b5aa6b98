"""Hook specifications of the burn-in (added by ``burnin/glue.py``)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookspec(firstresult=True)
def pytest_burnin_remediate(config: pytest.Config, burnin: Any, day: Any, outcome: Any) -> Any:
    """Remediate one failing check of the daily job; return a ``RemediationResult`` or None.

    ``burnin`` is the ``BurnInSpec``, ``day`` the ``datetime.date`` recorded and
    ``outcome`` the failing ``CheckOutcome`` (name, value, objective, verdict).
    The built-in runs the spec's ``remediation.command`` (argv, no shell, with
    a timeout) and records it as automatic; return a result with
    ``mode="manual"`` for work a person did.

    .. versionadded:: 0.1
    """
    raise NotImplementedError  # pragma: no cover - specification only
