"""pytest glue of the JUnit report: each burn-in verdict where CI viewers show it.

pytest's junitxml offers no public way to write a test case's ``<system-out>``
or ``classname`` from a plugin (``record_xml_attribute`` is a fixture, and our
items are not functions), so the verdicts are collected from the reports and
the written file is reshaped once, after junitxml wrote it
(``report/junit.py``). Registered only when ``--junitxml`` is given, in the
process that writes the file (the xdist controller, not its workers).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..report.junit import CaseVerdict


class JunitVerdicts:
    """Each burn-in item's headline and location by node id, taken from its reports."""

    def __init__(self, path: Path, prefix: str | None) -> None:
        self.path = path
        self.prefix = prefix
        self.by_nodeid: dict[str, CaseVerdict] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = {str(k): str(v) for k, v in report.user_properties}
        if "burnin.kind" not in props:
            return
        if report.when != "call" and report.passed:
            return  # setup and teardown that passed say nothing of the verdict
        if report.when == "teardown" and report.nodeid in self.by_nodeid:
            return  # the verdict was given in setup or call
        from ..report.junit import CaseVerdict
        from .state import failure_location

        path, line, _ = report.location
        headline = props.get("burnin.headline", "")
        if report.failed and report.longrepr is not None:
            crash = getattr(report.longrepr, "reprcrash", None)
            text = str(getattr(crash, "message", None) or report.longrepr)
            headline = text.splitlines()[0] if text else headline
        elif report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
            if reason not in headline:  # the reason is why it is pending: always shown
                headline = f"{headline}: {reason}" if headline else reason
        self.by_nodeid[report.nodeid] = CaseVerdict(
            file=report.nodeid.split("::", 1)[0],
            kind=props["burnin.kind"],
            headline=headline,
            location=failure_location(report) or f"{path}:{(line or 0) + 1}",
        )


JUNIT_KEY = pytest.StashKey[JunitVerdicts]()


def pytest_configure(config: pytest.Config) -> None:
    """Collect verdicts when this process writes a JUnit report."""
    xmlpath = config.getoption("xmlpath", None)
    if not xmlpath or hasattr(config, "workerinput"):
        return
    # The file junitxml writes: the same expansion, against the same directory.
    path = Path(os.path.abspath(os.path.expanduser(os.path.expandvars(str(xmlpath)))))
    verdicts = JunitVerdicts(path, config.getoption("junitprefix", None) or None)
    config.stash[JUNIT_KEY] = verdicts
    config.pluginmanager.register(verdicts, "burnin-junit-verdicts")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """After junitxml wrote the file (its hook is not trylast), reshape our cases."""
    verdicts = session.config.stash.get(JUNIT_KEY, None)
    if verdicts is None or not verdicts.by_nodeid or not verdicts.path.is_file():
        return
    import xml.etree.ElementTree as ET

    from ..report.junit import junit_address, reshape_report

    keyed = {junit_address(n, verdicts.prefix): v for n, v in verdicts.by_nodeid.items()}
    try:
        reshape_report(verdicts.path, keyed, verdicts.prefix)
    except (ET.ParseError, OSError) as exc:
        session.config.get_terminal_writer().line(
            f"burnin: could not add the verdicts to the JUnit report {verdicts.path}: {exc}",
            red=True,
        )
