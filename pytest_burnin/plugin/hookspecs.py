"""Hook specifications of pytest-burnin: the one way to extend it.

Implement these in a ``conftest.py`` or an installed plugin, as any pytest
hook. The built-in kinds, sources, channels, evidence checks and remediation
are implementations of these same hooks (``defaults.py``, registered
``trylast``), so yours can add to or override them. Hooks are called with keyword arguments; an implementation may take
fewer arguments than its specification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..context import RunContext
    from ..kinds import Evaluation, KindHandler
    from ..release.model import ChecklistItem, Evidence
    from ..sources import MetricSource
    from ..spec.model import Entry


def pytest_burnin_spec_kinds(config: pytest.Config) -> list[KindHandler]:
    """Return the spec kinds this plugin provides (``kind:`` values it evaluates).

    Results of all implementations are merged; for a kind given twice, the
    handler from the implementation called first wins (yours run before the
    built-ins, which are ``trylast``).

    .. versionadded:: 0.1
    """
    raise NotImplementedError  # pragma: no cover - specification only


@pytest.hookspec(firstresult=True)
def pytest_burnin_make_source(
    config: pytest.Config, entry: Entry, ctx: RunContext
) -> MetricSource | None:
    """Build the metric source a ``kind: Source`` entry describes, or return None.

    ``entry.spec["type"]`` says which source is wanted. The first non-None
    result is used; the built-in implementation handles ``type: file``.
    Raise ``pytest_burnin.errors.EvaluationError`` when the source cannot be
    built: every entry using it becomes an error item naming the reason.

    .. versionadded:: 0.1
    """
    raise NotImplementedError  # pragma: no cover - specification only


@pytest.hookspec(firstresult=True)
def pytest_burnin_make_channel(config: pytest.Config, entry: Entry) -> Any:
    """Build the alert channel a ``kind: Channel`` entry describes, or return None.

    A channel has ``name``, ``policy`` (timeouts, retries), ``attempt(notification,
    timeout) -> Attempt``, ``check()`` (raise when a secret it needs is unset)
    and ``close()``; see ``pytest_burnin.alerting.channels``. The built-in
    implementation handles ``webhook``, ``slack``, ``alertmanager``, ``email``
    and ``file``; delivery, retries and the spool are the plugin's, so a new
    channel only says how one attempt is made.

    .. versionadded:: 0.1
    """
    raise NotImplementedError  # pragma: no cover - specification only


def pytest_burnin_evaluated(config: pytest.Config, entry: Entry, evaluation: Evaluation) -> None:
    """Called after an entry was evaluated (pass or fail), before its verdict is reported.

    Use it to publish results elsewhere (a dashboard, a chat message). It may
    append to ``evaluation.properties`` to add JUnit properties.

    .. versionadded:: 0.1
    """


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


__all__ = [
    "pytest_burnin_checklist_check",
    "pytest_burnin_evaluated",
    "pytest_burnin_make_channel",
    "pytest_burnin_make_source",
    "pytest_burnin_remediate",
    "pytest_burnin_spec_kinds",
]
