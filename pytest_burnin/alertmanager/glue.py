"""pytest glue for the embedded Alertmanager: the ``Routing`` and ``Notify`` spec kinds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..kinds import KindHandler


@pytest.hookimpl(trylast=True)
def pytest_burnin_spec_kinds(config: pytest.Config) -> list[KindHandler]:
    """``Routing``: tests of the team's alertmanager.yml (receivers, grouping, inhibition, intervals)."""
    from .kind import RoutingKind
    from .notify_kind import NotifyKind

    return [RoutingKind(), NotifyKind()]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker Routing items carry (items.py names it after the kind)."""
    config.addinivalue_line("markers", "burnin_routing: pytest-burnin Routing items.")
    config.addinivalue_line(
        "markers", "burnin_notify: pytest-burnin Notify (time to notify) items."
    )
