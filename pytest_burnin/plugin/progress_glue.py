"""Progress output at fleet scale: a bounded number of dots for passing burn-in items.

pytest writes a dot per item and, in one process, a line per file. A repository
of 50 services has thousands of burn-in items in hundreds of spec files, so an
all-green run printed hundreds of lines before the summary that matters. Above
``DOT_BUDGET`` items a dot stands for several passing burn-in items (about
``DOT_BUDGET`` dots in all, three or four lines at 80 columns) and, when every
item is a burn-in item, file names are left out as under ``-q``. Failures,
errors and skips keep their letter each; ``-v`` lists every item as before;
``burnin_compact_progress = false`` restores one dot per item.
"""

from __future__ import annotations

import math

import pytest

# About three lines of dots at 80 columns (72 dots fit beside the percentage).
DOT_BUDGET = 240


class CompactProgress:
    """Registered in the process that writes the terminal (the xdist controller too)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.session: pytest.Session | None = None
        self.passed = 0
        self.every = 0  # 0: not decided yet

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """In one process, leave file names out when every item is a burn-in item."""
        items = session.items
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if (
            reporter is not None
            and len(items) > DOT_BUDGET
            and self.config.get_verbosity() == 0
            and all(type(i).__name__ == "BurnInItem" for i in items)
        ):
            reporter.showfspath = False

    def _step(self) -> int:
        if not self.every:
            total = self.session.testscollected if self.session is not None else 0
            self.every = max(1, math.ceil(total / DOT_BUDGET))
        return self.every

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, str] | None:
        if (
            report.when != "call"
            or not report.passed
            or hasattr(report, "wasxfail")
            or self.config.get_verbosity() > 0
            or not any(k == "burnin.kind" for k, _ in report.user_properties)
        ):
            return None
        every = self._step()
        if every == 1:
            return None
        self.passed += 1
        # The first passing item of each run of ``every`` gets the dot, so a
        # short run still shows one at once.
        return "passed", "." if (self.passed - 1) % every == 0 else "", "PASSED"


@pytest.hookimpl(trylast=True)  # after the plugin's own pytest_configure made the state
def pytest_configure(config: pytest.Config) -> None:
    from .state import STATE_KEY

    state = config.stash.get(STATE_KEY, None)
    if (
        state is None
        # Registered only when burn-in items can exist: a plain run pays nothing.
        or config.pluginmanager.get_plugin("burnin-state") is None
        or hasattr(config, "workerinput")  # workers write no progress
        or not state.settings.compact_progress
    ):
        return
    config.pluginmanager.register(CompactProgress(config), "burnin-compact-progress")
