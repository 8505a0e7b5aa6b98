"""pytest glue of the burn-in: the ``BurnIn`` kind, ``--burnin-record``, the remediation hook.

Registered by ``plugin.py`` (``GLUE_MODULES``). Imports only pytest at module
level: the store and verdict code load when a burn-in item or option is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..kinds import KindHandler


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--burnin-record`` and the burn-in ini settings."""
    group = parser.getgroup("burnin")
    group.addoption(
        "--burnin-record",
        nargs="?",
        const="yesterday",
        default=None,
        metavar="DAY",
        dest="burnin_record",
        help="before judging, record the burn-in's checks for DAY (default yesterday, UTC).",
    )
    parser.addini(
        "burnin_in_progress_passes",
        type="bool",
        default=False,
        help="a healthy burn-in with days left passes as 'on track' (default: fails until the exit).",
    )


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Add ``pytest_burnin_remediate``."""
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(trylast=True)
def pytest_burnin_spec_kinds(config: pytest.Config) -> list[KindHandler]:
    """``kind: BurnIn``."""
    from .kind import BurnInKind

    in_progress = bool(config.getini("burnin_in_progress_passes")) if config is not None else False
    return [BurnInKind(in_progress_passes=in_progress)]


@pytest.hookimpl(trylast=True)
def pytest_burnin_remediate(config: pytest.Config, burnin: Any, day: Any, outcome: Any) -> Any:
    """The built-in remediation: the spec's ``remediation.command`` (argv, timeout, no shell)."""
    from .remediate import from_spec

    remediate = from_spec(burnin)
    return None if remediate is None else remediate(day, outcome)


def pytest_collection_finish(session: pytest.Session) -> None:
    """With ``--burnin-record``: the daily job, before any burn-in item is judged."""
    day = session.config.getoption("burnin_record", None)
    if day is None:
        return
    from ..state import STATE_KEY
    from .daily import record_for_run

    state = session.config.stash[STATE_KEY]

    def remediate(burnin: Any, d: Any, outcome: Any) -> Any:
        return session.config.hook.pytest_burnin_remediate(
            config=session.config, burnin=burnin, day=d, outcome=outcome
        )

    from ..errors import BurninError

    try:
        lines = record_for_run(state.ctx, day, remediate, Path(session.config.rootpath))
    except BurninError as exc:  # a damaged, read-only or full store: no day recorded
        pytest.exit(f"burnin record: {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
    for line in lines:
        session.config.get_terminal_writer().line(f"burnin record: {line}")
