"""One settings object for the plugin and the ``burnin`` command.

The pytest layer builds it from ``config.getini``; the command builds it from
the project's ini file, found the way pytest finds its rootdir. Both go
through :func:`Settings.from_values`, so the two can never read a setting
differently. Pure core: no pytest import.
"""

from __future__ import annotations

import configparser
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths, promql_mode
from .errors import BurninError
from .store.location import is_postgres, masked


@dataclass(frozen=True)
class IniOption:
    name: str
    type: str  # "args", "bool" or "string", as pytest's Parser.addini
    default: Any
    help: str


# Every ini setting of pytest-burnin: the plugin registers these with pytest,
# the command reads them from the ini file. Help text reads as one sentence.
INI_OPTIONS = (
    IniOption(
        "burnin_specs",
        "args",
        [paths.DEFAULT_SPECS],
        "folders or files (relative to the rootdir) that --burnin collects.",
    ),
    IniOption(
        "burnin_exclude",
        "args",
        list(paths.DEFAULT_EXCLUDE),
        "globs, relative to each burnin_specs folder, of YAML files that are not specs.",
    ),
    IniOption(
        "burnin_rule_files",
        "args",
        [],
        "globs of Prometheus rule files to lint as burn-in items (outside burnin_specs too).",
    ),
    IniOption(
        "burnin_promtool_files",
        "args",
        [],
        "globs of promtool test files to collect as burn-in items.",
    ),
    IniOption(
        "burnin_spool",
        "string",
        paths.DEFAULT_SPOOL,
        "folder where alerts that could not be delivered wait for the next run or `burnin flush`.",
    ),
    IniOption(
        "burnin_store",
        "string",
        paths.DEFAULT_STORE,
        "the history store that burn-in items judge: a SQLite file (relative to the rootdir) or "
        "postgresql://USER@HOST:PORT/DB (password from BURNIN_STORE_PASSWORD or PGPASSWORD).",
    ),
    IniOption(
        "burnin_promql_compat",
        "string",
        "3",
        "PromQL semantics: 3 (Prometheus 3, default) or 2 (closed range windows, as 2.x).",
    ),
    IniOption(
        "burnin_in_progress_passes",
        "bool",
        False,
        "a healthy burn-in with days left passes as 'on track' (default: fails until the exit).",
    ),
    IniOption(
        "burnin_lint",
        "args",
        [],
        "rule-lint check severities, e.g. runbook-url:error for-duration:off (docs/lint.md).",
    ),
    IniOption(
        "burnin_promtool_run",
        "args",
        [],
        "promtool test rules --run: Go regular expressions; only test groups whose names "
        "match one run, the others are deselected.",
    ),
    IniOption(
        "burnin_promtool_ignore_unknown_fields",
        "bool",
        False,
        "promtool test rules --ignore-unknown-fields: unknown keys in the rule files that "
        "tests load are ignored instead of failing the test.",
    ),
    IniOption(
        "burnin_compact_progress",
        "bool",
        True,
        "above 240 items, a progress dot stands for several passing burn-in items and file "
        "names are left out, so a large all-green run stays short; false: one dot per item.",
    ),
)
INI_DEFAULTS = {o.name: o.default for o in INI_OPTIONS}


class SettingsError(BurninError):
    """A setting has a value pytest-burnin cannot use."""


@dataclass(frozen=True)
class Settings:
    """What a run or a command needs to know about the project, resolved to paths."""

    rootdir: Path
    inifile: Path | None = None
    spec_paths: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = paths.DEFAULT_EXCLUDE
    rule_files: tuple[str, ...] = ()
    promtool_files: tuple[str, ...] = ()
    spool: Path = Path(paths.DEFAULT_SPOOL)
    store: Path = Path(paths.DEFAULT_STORE)
    promql_compat: int = 3
    in_progress_passes: bool = False
    lint: tuple[tuple[str, str], ...] = ()  # burnin_lint: (check, severity)
    promtool_run: tuple[str, ...] = ()  # burnin_promtool_run: group-name regexes
    promtool_ignore_unknown_fields: bool = False
    compact_progress: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_values(
        cls, rootdir: Path, get: Callable[[str], Any], inifile: Path | None = None
    ) -> Settings:
        """Build from a getter of ini values (``config.getini`` or the ini file's)."""
        root = rootdir.resolve()
        compat_text = str(get("burnin_promql_compat")).strip()
        if compat_text not in ("2", "3"):
            raise SettingsError(
                _located(inifile, "burnin_promql_compat", f"must be 2 or 3, got {compat_text!r}")
            )

        def under_root(value: Any) -> Path:
            p = Path(str(value))
            return p if p.is_absolute() else root / p

        return cls(
            rootdir=root,
            inifile=inifile,
            spec_paths=tuple(under_root(p).resolve() for p in get("burnin_specs")),
            exclude=tuple(str(g) for g in get("burnin_exclude")),
            rule_files=tuple(str(g) for g in get("burnin_rule_files")),
            promtool_files=tuple(str(g) for g in get("burnin_promtool_files")),
            spool=under_root(get("burnin_spool")).resolve(),
            store=under_root(get("burnin_store")),
            promql_compat=int(compat_text),
            in_progress_passes=_flag(get, "burnin_in_progress_passes", inifile),
            lint=_lint(get("burnin_lint"), inifile),
            promtool_run=_regexes(get("burnin_promtool_run"), inifile),
            promtool_ignore_unknown_fields=_flag(
                get, "burnin_promtool_ignore_unknown_fields", inifile
            ),
            compact_progress=_flag(get, "burnin_compact_progress", inifile),
        )

    @classmethod
    def discover(cls, start: Path | None = None) -> Settings:
        """The project's settings for the ``burnin`` command, from its ini file."""
        rootdir, inifile, values = find_ini(start or Path.cwd())
        return cls.from_values(rootdir, lambda name: _ini_value(name, values), inifile)

    def describe(self) -> str:
        """One line naming what makes a run reproducible (pytest's header, every command)."""

        def shown(p: Path) -> str:
            try:
                return p.relative_to(self.rootdir).as_posix() or "."
            except ValueError:
                return str(p)

        specs = ", ".join(shown(p) for p in self.spec_paths) or "none"
        return (
            f"burnin: specs {specs}; store {masked(self.store) if is_postgres(self.store) else shown(self.under_root(self.store))}; "
            f"spool {shown(self.spool)}; {promql_mode.describe(self.promql_compat)}"
        )

    def under_root(self, value: str | Path) -> Path:
        p = Path(value)
        return p if p.is_absolute() else self.rootdir / p


TRUE = ("1", "true", "yes", "y", "on", "t")
FALSE = ("0", "false", "no", "n", "off", "f")


def _flag(get: Callable[[str], Any], name: str, inifile: Path | None) -> bool:
    """A bool setting; a value that is neither true nor false is a located error."""
    try:
        return bool(get(name))
    # pytest's getini wraps the ValueError in its UsageError, which the core
    # cannot name (no pytest import here); a getter for one value raises nothing else.
    except Exception as exc:
        raise SettingsError(_located(inifile, name, f"must be true or false ({exc})")) from None


def _lint(tokens: Any, inifile: Path | None) -> tuple[tuple[str, str], ...]:
    from .rules.lintconfig import LintConfigError, parse_assignments

    try:
        return tuple(parse_assignments(str(t) for t in tokens).items())
    except LintConfigError as exc:
        raise SettingsError(_located(inifile, "burnin_lint", str(exc))) from None


def _regexes(values: Any, inifile: Path | None) -> tuple[str, ...]:
    """Go regular expressions (as promtool's --run reads them); a bad one is a located error."""
    from .promql.goregex import RegexError, unanchored

    out = tuple(str(v) for v in values)
    for pattern in out:
        try:
            unanchored(pattern)
        except RegexError as exc:
            raise SettingsError(
                _located(inifile, "burnin_promtool_run", f"{pattern!r} is not a regex: {exc}")
            ) from None
    return out


def _located(inifile: Path | None, name: str, problem: str) -> str:
    """``file:line: name problem``, at the line that sets ``name`` in the ini file."""
    if inifile is None:
        return f"{name} {problem} (set it in your ini file)"
    from .errors import display_path

    line = None
    try:
        for n, text in enumerate(inifile.read_text(encoding="utf-8").splitlines(), 1):
            if text.strip().startswith(name) and text.strip()[len(name) :].lstrip()[:1] in "=:":
                line = n
                break
    except (OSError, UnicodeDecodeError):
        pass
    where = display_path(inifile) + (f":{line}" if line is not None else "")
    return f"{where}: {name} {problem}"


def _ini_value(name: str, values: dict[str, Any]) -> Any:
    option = next(o for o in INI_OPTIONS if o.name == name)
    if name not in values:
        return option.default
    raw = values[name]
    if option.type == "args":
        return shlex.split(raw) if isinstance(raw, str) else [str(v) for v in raw]
    if option.type == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text not in TRUE + FALSE:
            # as pytest's getini says it, so the run and the commands agree
            raise ValueError(f"invalid truth value {raw!r}")
        return text in TRUE
    return raw


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"{path}: cannot read it as TOML: {exc}") from None
    return data


def _ini_section(path: Path, section: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, configparser.Error) as exc:
        raise SettingsError(f"{path}: cannot read it as an ini file: {exc}") from None
    return dict(parser[section]) if parser.has_section(section) else None


def _config_in(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """pytest's ini files in its order of precedence, in one folder."""
    for name in ("pytest.ini", ".pytest.ini"):
        p = folder / name
        if p.is_file():
            return p, _ini_section(p, "pytest") or {}
    p = folder / "pyproject.toml"
    if p.is_file():
        table = _toml(p).get("tool", {}).get("pytest", {}).get("ini_options")
        if isinstance(table, dict):
            return p, table
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        p = folder / name
        if p.is_file():
            found = _ini_section(p, section)
            if found is not None:
                return p, found
    return None


def find_ini(start: Path) -> tuple[Path, Path | None, dict[str, Any]]:
    """(rootdir, inifile, values) as pytest finds them from ``start`` upwards.

    Without an ini file, the rootdir is ``start`` itself and every setting
    takes its default, as in pytest.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        found = _config_in(folder)
        if found is not None:
            inifile, values = found
            return folder, inifile, values
    return start, None, {}
