"""Per-run state kept on ``config.stash``: options, the run context, verdicts."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..context import RunContext
from ..paths import SPEC_SUFFIXES
from ..project import Project
from ..settings import Settings, SettingsError

if TYPE_CHECKING:
    from ..kinds import KindHandler


@dataclass
class Result:
    nodeid: str
    kind: str
    name: str
    outcome: str  # "passed", "failed", "error"
    headline: str
    location: str
    warning: bool = False  # passed, outside a warning band (property verdict=warning)
    service: str = ""  # from the spec's labels (selection.service_of)
    owner: str = ""  # metadata.owner


@dataclass(eq=False)  # registered as a plugin, so it must stay hashable
class State:
    config: pytest.Config
    settings: Settings
    enabled: bool
    named_spec_files: bool
    ctx: RunContext
    results: list[Result] = field(default_factory=list)
    collect_errors: list[str] = field(default_factory=list)
    # Spec files under folders named on the command line (selection.spec_folders_given).
    given_specs: frozenset[Path] = frozenset()

    @classmethod
    def from_config(cls, config: pytest.Config) -> State:
        try:
            settings = Settings.from_values(config.rootpath, config.getini, config.inipath)
        except SettingsError as exc:
            raise pytest.UsageError(str(exc)) from None
        named = [
            Path(str(a).split("::", 1)[0])
            for a in config.invocation_params.args
            if str(a).split("::", 1)[0].endswith(SPEC_SUFFIXES)
        ]
        project = Project(settings, _kinds(config))
        invoked = config.invocation_params.dir
        project.extra_files = [p if p.is_absolute() else invoked / p for p in named]
        enabled = bool(config.getoption("burnin", False))
        given = _specs_in_folders_given(config, settings, enabled)
        project.extra_files.extend(given)
        return cls(
            config=config,
            settings=settings,
            enabled=enabled,
            named_spec_files=bool(named or given),
            given_specs=frozenset(given),
            ctx=RunContext(
                project=project,
                require_coverage=bool(config.getoption("burnin_require_coverage", False)),
                engine=str(config.getoption("burnin_engine", "embedded")),
                deliver=str(config.getoption("burnin_deliver", "local")),
                release=bool(config.getoption("burnin_release", False)),
            ),
        )

    @property
    def project(self) -> Project:
        return self.ctx.project

    @property
    def spec_paths(self) -> tuple[Path, ...]:
        return self.settings.spec_paths

    def wants(self, path: Path) -> bool:
        """Is this YAML file one of ours without being named on the command line?"""
        path = path.resolve()
        try:
            rel = path.relative_to(self.settings.rootdir).as_posix()
        except ValueError:
            rel = path.as_posix()
        globs = (*self.settings.promtool_files, *self.settings.rule_files)
        if any(fnmatch.fnmatch(rel, g) for g in globs) or path in self.given_specs:
            return True
        return self.enabled and self.project.is_spec_file(path)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Remember each burn-in item's verdict for the summary (under xdist too).

        State is registered as a plugin, like junitxml's reporter, so this runs
        in the controller with reports that crossed from xdist workers.
        """
        props = dict(report.user_properties)
        if "burnin.kind" not in props:
            return
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        outcome = "error" if report.when == "setup" and report.failed else report.outcome
        headline = str(props.get("burnin.headline", ""))
        if report.failed and report.longrepr is not None:
            crash = getattr(report.longrepr, "reprcrash", None)
            text = str(getattr(crash, "message", None) or report.longrepr)
            headline = text.splitlines()[0] if text else headline
        path, line, _ = report.location
        where = failure_location(report) or f"{path}:{(line or 0) + 1}"
        self.results.append(
            Result(
                nodeid=report.nodeid,
                kind=str(props.get("burnin.kind", "")),
                name=str(props.get("burnin.name", "")),
                outcome=outcome,
                headline=headline,
                location=where,
                warning=props.get("verdict") == "warning",
                service=str(props.get("burnin.service", props.get("service", ""))),
                owner=str(props.get("owner", "")),
            )
        )

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and str(report.nodeid).endswith(SPEC_SUFFIXES):
            text = str(report.longrepr)
            self.collect_errors.append(text.splitlines()[0] if text else report.nodeid)


def failure_location(report: pytest.TestReport) -> str | None:
    """Where a failure points (the objective missed, the failing assertion), when it says.

    Our failure's last line is its ``file:line``; under xdist only that text crosses.
    """
    if not report.failed or report.longrepr is None:
        return None
    last = str(report.longrepr).rstrip().rpartition("\n")[2]
    file, _, line = last.rpartition(":")
    return last if line.isdigit() and file == report.location[0] else None


def _specs_in_folders_given(config: pytest.Config, settings: Settings, enabled: bool) -> list[Path]:
    """The spec files under folders named on the command line (not testpaths' defaults)."""
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return []
    from ..selection import spec_folders_given, specs_in_folder

    invoked = config.invocation_params.dir
    given = [invoked / str(a).split("::", 1)[0] for a in config.args]
    testpaths = [(config.rootpath / str(t)).resolve() for t in config.getini("testpaths")]
    folders = spec_folders_given(
        given,
        project_root=settings.rootdir if config.inipath else None,
        spec_paths=settings.spec_paths,
        test_paths=testpaths,
        burnin=enabled,
    )
    found: dict[Path, None] = {}
    for folder in folders:
        skip = [str(d) for d in config.getini("norecursedirs")]
        for f in specs_in_folder(folder, settings.exclude, settings.spec_paths, skip):
            found.setdefault(f.resolve(), None)
    return list(found)


def _kinds(config: pytest.Config) -> Callable[[], dict[str, KindHandler]]:
    """The kinds every plugin offers, asked for on first use: conftest.py files
    below the rootdir register their hooks during collection, not before."""

    def provide() -> dict[str, KindHandler]:
        from .markers import KIND_MARKERS, marker_of

        kinds: dict[str, KindHandler] = {}
        for result in config.hook.pytest_burnin_spec_kinds(config=config):
            for handler in result:
                kinds.setdefault(handler.kind, handler)
        for kind in kinds:
            if kind not in KIND_MARKERS:  # a plugin's kind: its items get a marker too
                config.addinivalue_line(
                    "markers", f"{marker_of(kind)}: pytest-burnin {kind} items."
                )
        return kinds

    return provide


STATE_KEY = pytest.StashKey[State]()
