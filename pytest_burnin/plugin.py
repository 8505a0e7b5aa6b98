"""The pytest layer: options, collection of spec files, the terminal summary.

Glue only. Everything that evaluates lives in the pure core; this module
imports nothing of it at import time, so a plain ``pytest`` run in a project
that has the plugin installed pays for two hook calls per file and no more.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .items import SpecFile
    from .state import State

SPEC_SUFFIXES = (".yaml", ".yml")

# pytest glue of the optional parts (burn-in, release gate, reports): each is a
# small plugin module that imports nothing heavy at import time, registered
# here so its options and hooks load with this plugin (and leave with -p no:burnin).
GLUE_MODULES = (
    "pytest_burnin.alertmanager.glue",
    "pytest_burnin.burnin.glue",
    "pytest_burnin.release.glue",
    "pytest_burnin.report.glue",
    "pytest_burnin.slo.gen_glue",
    "pytest_burnin.slo.glue",
)


def _present(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


pytest_plugins = [m for m in GLUE_MODULES if _present(m)]
KIND_MARKERS = {
    "SLO": "burnin_slo",
    "Source": "burnin_source",
    "Simulation": "burnin_simulation",
    "PromtoolTest": "burnin_promtool",
    "Rule": "burnin_rule",
    "Channel": "burnin_channel",
    "BurnIn": "burnin_burnin",
    "MetricsCheck": "burnin_metricscheck",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the options of the ``burnin`` group and the ini settings."""
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
    parser.addini(
        "burnin_specs",
        type="args",
        default=["slo_specs"],
        help="folders or files (relative to the rootdir) that --burnin collects.",
    )
    parser.addini(
        "burnin_exclude",
        type="args",
        default=["config/*", "data/*", "evidence/*", "signoffs.yaml", "ga.yaml"],  # DEFAULT_EXCLUDE
        help="globs, relative to each burnin_specs folder, of YAML files that are not specs.",
    )
    parser.addini(
        "burnin_rule_files",
        type="args",
        default=[],
        help="globs of Prometheus rule files to lint as burn-in items (outside burnin_specs too).",
    )
    parser.addini(
        "burnin_promtool_files",
        type="args",
        default=[],
        help="globs of promtool test files to collect as burn-in items.",
    )
    parser.addini(
        "burnin_spool",
        default=".burnin/spool",
        help="folder where alerts that could not be delivered wait for the next run or `burnin flush`.",
    )
    parser.addini(
        "burnin_promql_compat",
        default="3",
        help="PromQL semantics: 3 (Prometheus 3, default) or 2 (closed range windows, as 2.x).",
    )


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Add the ``pytest_burnin_*`` hook specifications."""
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    """Register markers and the built-in kinds; widen the collection under --burnin."""
    for marker in KIND_MARKERS.values():
        kind = marker.removeprefix("burnin_")
        config.addinivalue_line("markers", f"{marker}: pytest-burnin {kind} items.")
    from .state import STATE_KEY, State

    state = State.from_config(config)
    config.stash[STATE_KEY] = state
    if state.enabled or state.named_spec_files or state.promtool_globs:
        # Only then can burn-in items exist: a plain run does not pay for the hooks.
        config.pluginmanager.register(state, "burnin-state")
    if not config.pluginmanager.has_plugin("burnin-builtin"):
        from . import builtin

        config.pluginmanager.register(builtin, "burnin-builtin")
    from .builtin import make_channel_factory, make_source_factory

    state.ctx.make_source = make_source_factory(config)
    state.ctx.make_channel = make_channel_factory(config)
    if state.enabled:
        _add_spec_paths(config, state)
    if state.ctx.deliver == "real" and not config.getoption("burnin_allow_real_in_ci"):
        from .simulation.kind import running_in_ci

        if running_in_ci():
            raise pytest.UsageError(
                "--burnin-deliver=real would page real people from CI; "
                "add --burnin-allow-real-delivery-in-ci if this drill is intended"
            )
    if state.enabled or state.named_spec_files:
        # One bad spec file must not hide the verdicts of the others: it is
        # reported as a collection error and the run still fails.
        config.option.continue_on_collection_errors = True


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
        for result in state.ctx.flush_spool():
            word = "delivered" if result.delivered else "still pending"
            session.config.get_terminal_writer().line(
                f"burnin: spooled alert {result.dedup_key} to {result.channel}: {word}"
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
    """Say what --burnin collects and with which PromQL semantics."""
    from .state import STATE_KEY

    state = config.stash.get(STATE_KEY, None)
    if state is None or not state.enabled:
        return None
    paths = ", ".join(str(_rel(p, config.rootpath)) for p in state.spec_paths)
    return [f"burnin: specs {paths}; PromQL compat {state.ctx.compat}"]


def _rel(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path
