"""Per-run state kept on ``config.stash``: options, the run context, verdicts."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .context import RunContext
from .plugin import SPEC_SUFFIXES


@dataclass
class Result:
    nodeid: str
    kind: str
    name: str
    outcome: str  # "passed", "failed", "error"
    headline: str
    location: str
    warning: bool = False  # passed, outside a warning band (property verdict=warning)


@dataclass(eq=False)  # registered as a plugin, so it must stay hashable
class State:
    enabled: bool
    rootdir: Path
    spec_paths: list[Path]
    promtool_globs: list[str]
    exclude: list[str]
    named_spec_files: bool
    ctx: RunContext
    results: list[Result] = field(default_factory=list)
    collect_errors: list[str] = field(default_factory=list)

    @classmethod
    def from_config(cls, config: pytest.Config) -> State:
        root = config.rootpath
        spec_paths = [(root / p).resolve() for p in config.getini("burnin_specs")]
        compat_text = str(config.getini("burnin_promql_compat")).strip()
        if compat_text not in ("2", "3"):
            raise pytest.UsageError(
                f"burnin_promql_compat must be 2 or 3, got {compat_text!r} (set it in your ini file)"
            )
        named = any(
            str(a).split("::", 1)[0].endswith((".yaml", ".yml"))
            for a in config.invocation_params.args
        )
        return cls(
            enabled=bool(config.getoption("burnin", False)),
            rootdir=root,
            spec_paths=spec_paths,
            promtool_globs=[
                *config.getini("burnin_promtool_files"),
                *config.getini("burnin_rule_files"),
            ],
            exclude=list(config.getini("burnin_exclude")),
            named_spec_files=named,
            ctx=RunContext(
                rootdir=root,
                compat=int(compat_text),
                require_coverage=bool(config.getoption("burnin_require_coverage", False)),
                engine=str(config.getoption("burnin_engine", "embedded")),
                deliver=str(config.getoption("burnin_deliver", "local")),
                spool_dir=(root / str(config.getini("burnin_spool"))).resolve(),
            ),
        )

    def wants(self, path: Path) -> bool:
        """Is this YAML file one of ours without being named on the command line?"""
        path = path.resolve()
        try:
            rel = path.relative_to(self.rootdir).as_posix()
        except ValueError:
            rel = path.as_posix()
        if any(fnmatch.fnmatch(rel, g) for g in self.promtool_globs):
            return True
        if not self.enabled:
            return False
        for folder in self.spec_paths:
            if path == folder:
                return True
            if folder in path.parents:
                # Config, data and evidence files live beside specs without being specs.
                from .spec.model import is_excluded

                return not is_excluded(path, folder, self.exclude)
        return False

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
        self.results.append(
            Result(
                nodeid=report.nodeid,
                kind=str(props.get("burnin.kind", "")),
                name=str(props.get("burnin.name", "")),
                outcome=outcome,
                headline=headline,
                location=f"{path}:{(line or 0) + 1}",
                warning=props.get("verdict") == "warning",
            )
        )

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and str(report.nodeid).endswith(SPEC_SUFFIXES):
            text = str(report.longrepr)
            self.collect_errors.append(text.splitlines()[0] if text else report.nodeid)


STATE_KEY = pytest.StashKey[State]()
