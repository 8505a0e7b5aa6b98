"""The built-in behaviour, as ordinary ``trylast`` implementations of our hooks.

A conftest.py or plugin that implements the same hooks is asked first, so it
can add kinds, sources, channels, evidence checks or remediation, or replace
these (the pattern of pluggy's eggsample ``lib.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..alerting.base import Channel
    from ..context import RunContext
    from ..kinds import KindHandler
    from ..release.model import ChecklistItem, Evidence
    from ..sources import MetricSource
    from ..spec.model import Entry


@pytest.hookimpl(trylast=True)
def pytest_burnin_spec_kinds(config: pytest.Config) -> list[KindHandler]:
    """Every built-in kind (``pytest_burnin/registry.py``)."""
    from ..registry import builtin_kinds

    return list(builtin_kinds().values())


@pytest.hookimpl(trylast=True)
def pytest_burnin_make_source(
    config: pytest.Config, entry: Entry, ctx: RunContext
) -> MetricSource | None:
    """``type: file``, ``local`` and ``prometheus`` (``sources/factory.py``)."""
    from ..sources.factory import build_source

    return build_source(entry, ctx)


@pytest.hookimpl(trylast=True)
def pytest_burnin_make_channel(config: pytest.Config, entry: Entry) -> Channel | None:
    """Webhook, Slack, Alertmanager, email and file channels (``alerting/``)."""
    from ..alerting.config import TYPES, ChannelSpecError, build_channel
    from ..errors import EvaluationError

    if entry.spec.get("type") not in TYPES:
        return None
    try:
        return build_channel(entry.name, entry.spec, base_dir=entry.path.parent)
    except ChannelSpecError as exc:
        raise EvaluationError(f"{entry.where(*exc.path)}: {exc}") from None


@pytest.hookimpl(trylast=True)
def pytest_burnin_remediate(config: pytest.Config, burnin: Any, day: Any, outcome: Any) -> Any:
    """The spec's ``remediation.command`` (argv, timeout, no shell)."""
    from ..burnin.remediate import from_spec

    remediate = from_spec(burnin)
    return None if remediate is None else remediate(day, outcome)


@pytest.hookimpl(trylast=True)
def pytest_burnin_checklist_check(
    config: pytest.Config, item: ChecklistItem, ctx: RunContext
) -> Evidence | None:
    """The built-in evidence types: file, link, command, backup, setting, gate, burnin, docs."""
    from ..release.kind import ChecklistKind

    handler = ctx.project.kinds.get("Checklist")
    kind = handler if isinstance(handler, ChecklistKind) else ChecklistKind()
    return kind.builtin(item, ctx)
