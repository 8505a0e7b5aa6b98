"""pytest collectors and items for spec files (glue: evaluation is in the core)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import BurninError, EvaluationError, ObjectiveMissed, SpecError, display_path
from ..kinds import Referring
from ..promql_mode import mode_line
from ..selection import alerts_concerned, service_of
from .markers import marker_of
from .state import STATE_KEY

if TYPE_CHECKING:
    from ..kinds import Evaluation, KindHandler
    from ..spec.model import Entry


# Kinds whose verdict is the embedded PromQL engine's: their failures name its mode.
_ENGINE_KINDS = frozenset({"PromtoolTest", "Simulation", "SLOAlerts"})


class _Crash:
    """What pytest's short summary and JUnit ``message`` read: our headline."""

    def __init__(self, message: str, path: str, lineno: int) -> None:
        self.message = message
        self.path = path
        self.lineno = lineno


class BurninFailureRepr:
    """A failure shown as its story: headline, indented detail, then file:line.

    Duck-types pytest's TerminalRepr (``toterminal``, ``reprcrash``), as
    pytest-cpp's failure representation does, so the short summary and the
    JUnit ``message`` attribute show the headline and no traceback is printed.
    """

    def __init__(self, headline: str, details: list[str], location: str) -> None:
        self.headline = headline
        self.details = details
        self.location = location
        path, _, line = location.rpartition(":")
        self.reprcrash = _Crash(headline, path, int(line) if line.isdigit() else 0)

    def toterminal(self, tw: Any) -> None:
        tw.line(self.headline, red=True, bold=True)
        for line in self.details:
            tw.line(f"  {line}")
        tw.line(self.location)

    def __str__(self) -> str:
        return "\n".join([self.headline, *(f"  {d}" for d in self.details), self.location])


class SpecFile(pytest.File):
    """A YAML spec file: one item per entry, or one collection error naming file:line."""

    def collect(self) -> Iterator[pytest.Item]:
        state = self.config.stash[STATE_KEY]
        try:
            collected = state.project.entries_of_file(Path(self.path))
        except SpecError as exc:
            raise self.CollectError(str(exc)) from None
        for entry, handler in collected:
            state.ctx.add_entry(entry)
            yield BurnInItem.from_parent(self, name=entry.item_name, entry=entry, handler=handler)


class BurnInItem(pytest.Item):
    """One spec entry. ``setup`` evaluates (could not -> error), ``runtest`` judges (missed -> fail)."""

    def __init__(self, *, entry: Entry, handler: KindHandler, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry = entry
        self.handler = handler
        self.evaluation: Evaluation | None = None
        self.add_marker(marker_of(entry.kind))
        self.user_properties.append(("burnin.kind", entry.kind))
        self.user_properties.append(("burnin.name", entry.name))
        for key in ("owner", "oncall", "runbook"):
            if key in entry.metadata:
                self.user_properties.append((key, str(entry.metadata[key])))
        self.user_properties.extend(handler.static_properties(entry))
        # -k <alert> selects every item about that alert, whatever its name says.
        self.extra_keyword_matches.update(alerts_concerned(entry))
        service = service_of(entry, self.user_properties)
        if service and ("service", service) not in self.user_properties:
            # The summary groups a fleet's items by service (a Sloth SLO has it already).
            self.user_properties.append(("burnin.service", service))

    def setup(self) -> None:
        ctx = self.config.stash[STATE_KEY].ctx
        if isinstance(self.handler, Referring):
            self.handler.check_references(self.entry, ctx.project)
        evaluation = self.handler.evaluate(self.entry, ctx)
        self.config.hook.pytest_burnin_evaluated(
            config=self.config, entry=self.entry, evaluation=evaluation
        )
        self.user_properties.extend(evaluation.properties)
        self.user_properties.append(("burnin.headline", evaluation.headline))
        self.evaluation = evaluation

    def runtest(self) -> None:
        assert self.evaluation is not None
        if self.evaluation.skipped is not None:
            pytest.skip(self.evaluation.skipped)
        if not self.evaluation.passed:
            raise ObjectiveMissed(self.evaluation.headline, self.evaluation.details)
        if self.evaluation.warning is not None and self.config.getoption("burnin_strict", False):
            raise ObjectiveMissed(self.evaluation.warning, self.evaluation.details)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        exc = excinfo.value
        location = f"{display_path(self.entry.path)}:{self.entry.line}"
        if isinstance(exc, ObjectiveMissed) and self.evaluation and self.evaluation.line:
            location = f"{display_path(self.entry.path)}:{self.evaluation.line}"
        if isinstance(exc, ObjectiveMissed):
            return BurninFailureRepr(exc.headline, [*exc.details, *self._mode()], location)
        if isinstance(exc, EvaluationError):
            lines = str(exc).splitlines() or ["could not evaluate"]
            head = f"{self.entry.item_name}: could not evaluate: {lines[0]}"
            return BurninFailureRepr(head, [*lines[1:], *self._mode()], location)
        if isinstance(exc, BurninError):
            lines = str(exc).splitlines() or [type(exc).__name__]
            return BurninFailureRepr(lines[0], lines[1:], location)
        return super().repr_failure(excinfo)

    def _mode(self) -> list[str]:
        """The PromQL mode that ran and its switch, for the kinds the embedded engine judges."""
        ctx = self.config.stash[STATE_KEY].ctx
        if self.entry.kind not in _ENGINE_KINDS or (
            self.entry.kind == "PromtoolTest" and ctx.engine != "embedded"
        ):
            return []
        return [mode_line(ctx.compat)]

    def reportinfo(self) -> tuple[Path, int, str]:
        return Path(self.path), self.entry.line - 1, self.entry.item_name


def make_report(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """pytest's own report, with our errors shown as their story instead of a traceback."""
    report = pytest.TestReport.from_item_and_call(item, call)
    if isinstance(item, BurnInItem) and call.excinfo is not None and report.failed:
        report.longrepr = item.repr_failure(call.excinfo)
    if isinstance(item, BurnInItem) and report.skipped and isinstance(report.longrepr, tuple):
        # A pending item is reported at its spec line, not where pytest.skip was called.
        _, _, reason = report.longrepr
        report.longrepr = (display_path(item.entry.path), item.entry.line, reason)
    return report
