"""The pytest layer: options, collection of spec files, the terminal summary.

Glue only. Everything that evaluates lives in the pure core; this module
imports nothing of it at import time, so a plain ``pytest`` run in a project
that has the plugin installed pays for two hook calls per file and no more.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import EvaluationError
from ..paths import SPEC_SUFFIXES

if TYPE_CHECKING:
    from ..alerting.base import Channel
    from ..context import RunContext
    from ..release.model import ChecklistItem, Evidence
    from ..sources import MetricSource
    from ..spec.model import Entry
    from .items import SpecFile
    from .state import State

# The pytest layer's other modules, each a plugin of its own: the built-in
# behaviour as trylast hook implementations, the burn-in's daily record, the
# release gate's ordering, promtool's --run selection, compact progress dots,
# the report outputs and the SLO alert proofs.
pytest_plugins = [
    "pytest_burnin.plugin.defaults",
    "pytest_burnin.plugin.burnin_glue",
    "pytest_burnin.plugin.junit_glue",
    "pytest_burnin.plugin.release_glue",
    "pytest_burnin.plugin.promtool_glue",
    "pytest_burnin.plugin.progress_glue",
    "pytest_burnin.plugin.report_glue",
    "pytest_burnin.plugin.slo_glue",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Every option and ini setting of pytest-burnin, in one group."""
    from ..settings import INI_OPTIONS

    group = parser.getgroup("burnin", "release and SLO gate (pytest-burnin)")
    group.addoption(
        "--burnin",
        action="store_true",
        dest="burnin",
        default=False,
        help="collect every spec under the burnin_specs paths and run it as a test.",
    )
    group.addoption(
        "--burnin-require-coverage",
        action="store_true",
        dest="burnin_require_coverage",
        default=False,
        help="fail each alerting rule that no promtool test or simulation exercises.",
    )
    group.addoption(
        "--burnin-engine",
        choices=("embedded", "promtool"),
        default="embedded",
        dest="burnin_engine",
        help="run promtool test files with the embedded engine (default) or a real promtool.",
    )
    group.addoption(
        "--burnin-deliver",
        choices=("local", "real"),
        default="local",
        dest="burnin_deliver",
        help="where simulations deliver alerts: a receiver on 127.0.0.1 (default) or their channel.",
    )
    group.addoption(
        "--burnin-allow-real-delivery-in-ci",
        action="store_true",
        default=False,
        dest="burnin_allow_real_in_ci",
        help="let --burnin-deliver=real send to real channels when CI is set.",
    )
    group.addoption(
        "--burnin-strict",
        action="store_true",
        dest="burnin_strict",
        default=False,
        help="fail SLOs that meet their objective but not their warning band.",
    )
    group.addoption(
        "--burnin-release",
        action="store_true",
        dest="burnin_release",
        default=False,
        help="fail every checklist item that is incomplete, pending sign-offs included.",
    )
    group.addoption(
        "--burnin-record",
        nargs="?",
        const="yesterday",
        default=None,
        metavar="DAY",
        dest="burnin_record",
        help="before judging, record the burn-in's checks for DAY (default yesterday, UTC).",
    )
    group.addoption(
        "--burnin-html",
        default=None,
        metavar="PATH",
        dest="burnin_html",
        help="write a self-contained HTML report (charts, calendar, timeline) to PATH.",
    )
    group.addoption(
        "--burnin-textfile",
        default=None,
        metavar="PATH",
        dest="burnin_textfile",
        help="write the exporter's metrics to PATH for node_exporter's textfile collector.",
    )
    group.addoption(
        "--burnin-pushgateway",
        default=None,
        metavar="URL",
        dest="burnin_pushgateway",
        help="push the exporter's metrics to the Prometheus Pushgateway at URL.",
    )
    for option in INI_OPTIONS:
        parser.addini(option.name, help=option.help, type=option.type, default=option.default)  # type: ignore[arg-type]


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Add the ``pytest_burnin_*`` hook specifications."""
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    """Register markers and the built-in kinds; widen the collection under --burnin."""
    from .markers import KIND_MARKERS

    for marker in KIND_MARKERS.values():
        kind = marker.removeprefix("burnin_")
        config.addinivalue_line("markers", f"{marker}: pytest-burnin {kind} items.")
    from .state import STATE_KEY, State

    state = State.from_config(config)
    config.stash[STATE_KEY] = state
    if (
        state.enabled
        or state.named_spec_files
        or state.settings.promtool_files
        or state.settings.rule_files
    ):
        # Only then can burn-in items exist: a plain run does not pay for the hooks.
        config.pluginmanager.register(state, "burnin-state")
    state.ctx.make_source = _make_source(config)
    state.ctx.make_channel = _make_channel(config)
    state.ctx.checklist_check = _checklist_check(config)
    state.ctx.results = _results(config, state)
    if state.enabled:
        _add_spec_paths(config, state)
    if state.ctx.deliver == "real" and not config.getoption("burnin_allow_real_in_ci"):
        from ..simulation.kind import running_in_ci

        if running_in_ci():
            raise pytest.UsageError(
                "--burnin-deliver=real would page real people from CI; "
                "add --burnin-allow-real-delivery-in-ci if this drill is intended"
            )
    if state.enabled or state.named_spec_files:
        # One bad spec file must not hide the verdicts of the others: it is
        # reported as a collection error and the run still fails.
        config.option.continue_on_collection_errors = True


def _make_source(config: pytest.Config) -> Any:
    def factory(entry: Entry, ctx: RunContext) -> MetricSource:
        source: MetricSource | None = config.hook.pytest_burnin_make_source(
            config=config, entry=entry, ctx=ctx
        )
        if source is None:
            raise EvaluationError(
                f"{entry.where('type')}: no plugin provides source type {entry.spec.get('type')!r}"
            )
        return source

    return factory


def _make_channel(config: pytest.Config) -> Any:
    def factory(entry: Entry) -> Channel:
        channel: Channel | None = config.hook.pytest_burnin_make_channel(config=config, entry=entry)
        if channel is None:
            raise EvaluationError(
                f"{entry.where('type')}: no plugin provides channel type {entry.spec.get('type')!r}"
            )
        return channel

    return factory


def _checklist_check(config: pytest.Config) -> Any:
    def check(item: ChecklistItem, ctx: RunContext) -> Evidence | None:
        result: Evidence | None = config.hook.pytest_burnin_checklist_check(
            config=config, item=item, ctx=ctx
        )
        return result

    return check


def _results(config: pytest.Config, state: State) -> Any:
    def results() -> list[Any]:
        if hasattr(config, "workerinput"):
            # Each xdist worker sees only its own items' outcomes.
            raise EvaluationError(
                "a gate item needs every outcome of the run in one process: run the "
                "release gate without -n (or with -p no:xdist)"
            )
        return list(state.results)

    return results


def _add_spec_paths(config: pytest.Config, state: State) -> None:
    given_by_user = config.args_source == pytest.Config.ArgsSource.ARGS
    args = list(config.args) if given_by_user else []
    for spec_path in state.spec_paths:
        if spec_path.exists() and not any(_covers(Path(a), spec_path) for a in args):
            args.append(str(spec_path))
    config.args[:] = args or [str(p) for p in state.spec_paths]


def _covers(arg: Path, path: Path) -> bool:
    arg = Path(str(arg).split("::", 1)[0]).resolve()
    return path == arg or arg in path.parents


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SpecFile | None:
    """Collect spec files: under the spec paths with --burnin, or named on the command line."""
    if file_path.suffix not in SPEC_SUFFIXES:
        return None
    from .state import STATE_KEY

    state = parent.config.stash[STATE_KEY]
    if not (parent.session.isinitpath(file_path) or state.wants(file_path)):
        return None
    from .items import SpecFile

    spec_file: SpecFile = SpecFile.from_parent(parent, path=file_path)
    return spec_file


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> pytest.TestReport | None:
    """Show our own errors (could not evaluate) as their message, not a traceback.

    A plain ``tryfirst`` implementation, not a wrapper: wrappers cost every
    test of every run, and this only concerns burn-in items.
    """
    if type(item).__name__ != "BurnInItem":
        return None
    from .items import make_report

    return make_report(item, call)


def pytest_collection_finish(session: pytest.Session) -> None:
    """With real delivery, first send what earlier runs left in the spool."""
    from .state import STATE_KEY

    state = session.config.stash.get(STATE_KEY, None)
    if state is not None and state.ctx.deliver == "real":
        from ..alerting.flushing import describe

        for result in state.ctx.flush_spool():
            session.config.get_terminal_writer().line(
                f"burnin: spooled alert {result.dedup_key} to {result.channel}: {describe(result)}"
            )


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop what the run started: the simulations' receiver, channel sessions."""
    from .state import STATE_KEY

    state = config.stash.get(STATE_KEY, None)
    if state is not None:
        state.ctx.close()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print the compact burn-in section: what was evaluated, what failed, where to look."""
    from .state import STATE_KEY

    state = config.stash.get(STATE_KEY, None)
    if state is not None and (state.results or state.enabled):
        from .summary import write_summary

        write_summary(terminalreporter, config, state)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """Say what --burnin collects, where its state lives, with which PromQL semantics."""
    from .state import STATE_KEY

    state = config.stash.get(STATE_KEY, None)
    if state is None or not (state.enabled or state.named_spec_files):
        return None
    return [state.settings.describe()]
