"""pytest glue of the reports: ``--burnin-html``, ``--burnin-textfile``, ``--burnin-pushgateway``,
the latest-run snapshot, and the ``MetricsCheck`` kind.

Imports only pytest and typing
at module level; the report code loads at session end, and only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path


class Evidence:
    """Each burn-in item's user properties by nodeid, taken from its reports.

    A plugin object (like ``State``), so reports from xdist workers arrive here too.
    """

    def __init__(self) -> None:
        self.by_nodeid: dict[str, dict[str, str]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "burnin.kind" in props:
            self.by_nodeid.setdefault(report.nodeid, {}).update(
                {str(k): str(v) for k, v in props.items()}
            )


EVIDENCE_KEY = pytest.StashKey[Evidence]()
WRITTEN_KEY = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    """Start collecting the items' evidence for the snapshot."""
    evidence = Evidence()
    config.stash[EVIDENCE_KEY] = evidence
    config.pluginmanager.register(evidence, "burnin-report-evidence")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the latest-run snapshot, then the requested outputs."""
    from .state import STATE_KEY

    config = session.config
    state = config.stash.get(STATE_KEY, None)
    if state is None or not state.results or hasattr(config, "workerinput"):
        return
    from ..report import runio

    written = runio.finish_run(
        state,
        config.stash[EVIDENCE_KEY].by_nodeid,
        html=_path(config, "burnin_html"),
        textfile=_path(config, "burnin_textfile"),
        pushgateway=config.getoption("burnin_pushgateway", None),
    )
    config.stash[WRITTEN_KEY] = written


def _path(config: pytest.Config, dest: str) -> Path | None:
    value = config.getoption(dest, None)
    if not value:
        return None
    from pathlib import Path

    path = Path(str(value))
    return path if path.is_absolute() else config.invocation_params.dir / path


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say where the outputs went."""
    for line in config.stash.get(WRITTEN_KEY, []):
        terminalreporter.write_line(line)
