"""pytest glue of the burn-in: ``--burnin-record`` runs the daily job before any item is judged.

Imports only pytest at module level: the store and verdict code load when
the option is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def pytest_collection_finish(session: pytest.Session) -> None:
    """With ``--burnin-record``: the daily job, before any burn-in item is judged."""
    day = session.config.getoption("burnin_record", None)
    if day is None:
        return
    from ..burnin.daily import record_for_run
    from .state import STATE_KEY

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
