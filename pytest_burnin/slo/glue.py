"""pytest glue for SLO verdicts: ``--burnin-strict`` and the OpenSLO / Sloth input kinds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..kinds import KindHandler


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--burnin-strict``: a warning (outside a warning band) fails the item."""
    parser.getgroup("burnin").addoption(
        "--burnin-strict",
        action="store_true",
        dest="burnin_strict",
        default=False,
        help="fail SLOs that meet their objective but not their warning band.",
    )


@pytest.hookimpl(trylast=True)
def pytest_burnin_spec_kinds(config: pytest.Config) -> list[KindHandler]:
    """OpenSLO v1 and Sloth prometheus/v1 files, read as they are: one SLO item per SLO."""
    from .openslo import OpenSLOKind
    from .sloth import SlothKind

    return [OpenSLOKind(), SlothKind()]
