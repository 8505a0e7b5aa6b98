"""pytest glue for the embedded Alertmanager: the ``Routing`` spec kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..kinds import KindHandler


@pytest.hookimpl(trylast=True)
def pytest_burnin_spec_kinds(config: pytest.Config) -> list[KindHandler]:
    """``Routing``: tests of the team's alertmanager.yml (receivers, grouping, inhibition, intervals)."""
    from .kind import RoutingKind

    return [RoutingKind()]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker Routing items carry (items.py names it after the kind)."""
    config.addinivalue_line("markers", "burnin_routing: pytest-burnin Routing items.")
