"""One model of the project, for the plugin and every ``burnin`` command.

Given :class:`~pytest_burnin.settings.Settings` and the kind handlers, a
:class:`Project` finds the spec files, loads and validates them (each file on
its own: one bad file does not hide the others), applies the exclusions,
checks that no two entries of a kind share a name anywhere in the project,
and answers "entries of kind K", "the source named S", "the channel named C"
and "the store". Pure core: no pytest import.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .errors import BurninError, EvaluationError, SpecError, display_path
from .kinds import Expanding, KindHandler, Referring

if TYPE_CHECKING:
    from .settings import Settings
    from .spec.loader import Document
    from .spec.model import Entry

# Kinds whose entries are looked up by name elsewhere (``source: x``, ``channel: y``)
# or that name a verdict: two of the same name anywhere in the project are an error.
# Items derived from rule and test files are told apart by their file instead.
_FILE_SCOPED = frozenset(
    {"PromtoolTest", "Rule", "SLOAlerts", "Docs", "Generated", "Routing", "Notify"}
)


def is_excluded(path: Path, folder: Path, exclude: Sequence[str] = paths.DEFAULT_EXCLUDE) -> bool:
    try:
        inner = path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return False
    return any(fnmatch.fnmatch(inner, g) for g in exclude)


def find_spec_files(
    given: Iterable[Path], exclude: Sequence[str] = paths.DEFAULT_EXCLUDE
) -> list[Path]:
    """The YAML spec files under folders (minus the excluded) and the files named."""
    out: list[Path] = []
    for p in given:
        if p.is_dir():
            found = (f for f in p.rglob("*") if f.suffix in paths.SPEC_SUFFIXES and f.is_file())
            out.extend(sorted(f for f in found if not is_excluded(f, p, exclude)))
        else:
            out.append(p)
    return out


def entry_from_document(doc: Document, kind: str, handler: KindHandler) -> Entry:
    from .spec.model import Entry
    from .spec.schema import validate

    if handler.schema is not None:
        validate(doc, handler.schema)
    meta = doc.data.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(name, str) or not name:
        raise doc.error(
            ("metadata",), "metadata.name is required", hint="name the entry: metadata: {name: ...}"
        )
    return Entry(kind, name, doc)


@dataclass
class Loaded:
    """One spec file: its entries with their handlers, or the error that stopped it."""

    path: Path
    entries: list[tuple[Entry, KindHandler]] = field(default_factory=list)
    error: SpecError | None = None


@dataclass
class Project:
    settings: Settings
    # The kind handlers, or a function giving them on first use (the plugin's
    # hook, whose conftest.py implementations register during collection).
    kinds_from: Mapping[str, KindHandler] | Callable[[], Mapping[str, KindHandler]]
    # Files named explicitly (on the command line), loaded besides the spec paths.
    extra_files: list[Path] = field(default_factory=list)
    _files: dict[Path, Loaded] = field(default_factory=dict)
    _all_loaded: bool = False

    @property
    def kinds(self) -> Mapping[str, KindHandler]:
        if callable(self.kinds_from):
            self.kinds_from = self.kinds_from()
        return self.kinds_from

    # -- files -----------------------------------------------------------------

    def spec_files(self) -> list[Path]:
        """Every spec file of the project: under ``burnin_specs``, plus those named."""
        found = find_spec_files(
            [p for p in self.settings.spec_paths if p.exists()], self.settings.exclude
        )
        seen = {f.resolve() for f in found}
        found.extend(f for f in self.extra_files if f.resolve() not in seen)
        return found

    def is_spec_file(self, path: Path) -> bool:
        """Is this YAML file one of the project's specs (under a spec path, not excluded)?"""
        path = path.resolve()
        if path.suffix not in paths.SPEC_SUFFIXES:
            return False
        for folder in self.settings.spec_paths:
            if path == folder:
                return True
            if folder in path.parents:
                return not is_excluded(path, folder, self.settings.exclude)
        return False

    def load(self, path: Path) -> Loaded:
        """One file's entries (cached); a spec error is kept, not raised."""
        key = path.resolve()
        if key not in self._files:
            loaded = Loaded(path)
            try:
                loaded.entries = self._load_file(path)
            except SpecError as exc:
                loaded.error = exc
            self._files[key] = loaded
        return self._files[key]

    def entries_of_file(self, path: Path) -> list[tuple[Entry, KindHandler]]:
        """One file's entries, for collection: its own error, or a duplicate elsewhere, raises."""
        loaded = self.load(path)
        if loaded.error is not None:
            raise loaded.error
        self._check_duplicates(loaded)
        return loaded.entries

    def load_all(self) -> list[Loaded]:
        """Every spec file, loaded; errors are kept per file."""
        out = [self.load(p) for p in self.spec_files()]
        self._all_loaded = True
        return out

    def errors(self) -> list[SpecError]:
        """Every spec error of the project, duplicates included, in file order."""
        return [error for _, error in self.file_errors()]

    def file_errors(self) -> list[tuple[Path, SpecError]]:
        """Each spec file's error, keyed by that file: the error may name another
        file it reads (an alertmanager.yml, a rule file), and must still be shown."""
        out: list[tuple[Path, SpecError]] = []
        for loaded in self.load_all():
            if loaded.error is not None:
                out.append((loaded.path, loaded.error))
                continue
            try:
                self._check_duplicates(loaded)
            except SpecError as exc:
                out.append((loaded.path, exc))
        return out

    def reference_errors(self) -> list[tuple[Entry, str]]:
        """Every entry naming an entry the project lacks (or has twice), with the message."""
        out: list[tuple[Entry, str]] = []
        for loaded in self.load_all():
            for entry, handler in loaded.entries:
                if isinstance(handler, Referring):
                    try:
                        handler.check_references(entry, self)
                    except EvaluationError as exc:
                        out.append((entry, str(exc)))
        return out

    # -- entries ---------------------------------------------------------------

    def entries(self, kind: str | None = None) -> list[Entry]:
        """Every loaded entry of the project (of one kind), in file order."""
        if not self._all_loaded:
            self.load_all()
        out: list[Entry] = []
        for loaded in self._files.values():
            out.extend(e for e, _ in loaded.entries if kind is None or e.kind == kind)
        return out

    def handler(self, kind: str) -> KindHandler:
        return self.kinds[kind]

    def named(self, kind: str, name: str | None, near: Entry | None = None) -> Entry:
        """The one entry of ``kind`` called ``name``; without a name, the only one there is.

        Raises EvaluationError naming what is defined when there is none, or
        when the name is given twice in the project (never a silent pick).
        """
        where = f"{near.where(kind.lower())}: " if near is not None else ""
        found: dict[str, list[Entry]] = {}
        for e in self.entries(kind):
            found.setdefault(e.name, []).append(e)
        defined = ", ".join(sorted(found)) or "none"
        if name is None:
            if len(found) == 1:
                name = next(iter(found))
            elif not found:
                raise EvaluationError(f"{where}no {kind} entry found; add a 'kind: {kind}' spec")
            else:
                raise EvaluationError(
                    f"{where}{len(found)} {kind} entries are defined ({defined}); "
                    f"name one with '{kind.lower()}:'"
                )
        if name not in found:
            raise EvaluationError(f"{where}no {kind} {name!r} (defined: {defined})")
        if len(found[name]) > 1:
            places = ", ".join(f"{display_path(e.path)}:{e.line}" for e in found[name])
            raise EvaluationError(
                f"{where}{kind} {name!r} is defined {len(found[name])} times ({places}); "
                "give each its own metadata.name"
            )
        return found[name][0]

    @property
    def store(self) -> Path:
        return self.settings.store

    # -- internals -------------------------------------------------------------

    def _load_file(self, path: Path) -> list[tuple[Entry, KindHandler]]:
        from .spec.model import document_kind, load_spec_file, unknown_kind

        if not path.exists():
            raise SpecError(path, "no such spec file", hint="check the path, or remove it")
        out: list[tuple[Entry, KindHandler]] = []
        seen: dict[str, Entry] = {}
        for doc in load_spec_file(path):
            kind = document_kind(doc)
            handler = self.kinds.get(kind)
            if handler is None:
                raise unknown_kind(doc, kind, [k for k in self.kinds if not k.startswith("Prom")])
            if isinstance(handler, Expanding):
                entries = handler.expand(doc)
            else:
                entries = [entry_from_document(doc, kind, handler)]
            for entry in entries:
                handler.check(entry)
                first = seen.get(entry.item_name)
                if first is not None:
                    raise SpecError(
                        path,
                        f"duplicate entry {entry.item_name!r} (first defined on line {first.line})",
                        line=entry.line,
                        col=1,
                        hint="give each entry of a kind its own metadata.name",
                        source_text=doc.text,
                    )
                seen[entry.item_name] = entry
                out.append((entry, handler))
        return out

    def _check_duplicates(self, loaded: Loaded) -> None:
        """An entry whose (kind, name) an earlier file of the project already defines."""
        if not self._all_loaded:
            self.load_all()
        if not any(e.kind not in _FILE_SCOPED for e, _ in loaded.entries):
            return
        first_seen: dict[tuple[str, str], Entry] = {}
        for path in sorted(self._files):
            for e, _ in self._files[path].entries:
                if e.kind not in _FILE_SCOPED:
                    first_seen.setdefault((e.kind, e.name), e)
        for e, _ in loaded.entries:
            first = first_seen.get((e.kind, e.name))
            if first is not None and first is not e and first.path.resolve() != e.path.resolve():
                raise e.doc.error(
                    ("metadata", "name") if not e.anchor else e.anchor,
                    f"duplicate {e.kind} {e.name!r}: {display_path(first.path)}:{first.line} "
                    "defines it too",
                    hint="names are project-wide: rename one of them (or exclude one file)",
                )


def open_project(
    settings: Settings, kinds: Mapping[str, KindHandler], named: Sequence[Path] = ()
) -> Project:
    """A project over the settings' spec paths and the files or folders named."""
    extra: list[Path] = []
    for p in named:
        if not p.exists():
            raise BurninError(f"{p}: no such file or folder")
        extra.extend(find_spec_files([p], settings.exclude))
    return Project(settings, kinds, extra_files=extra)


def project_for_command(
    given: Sequence[str | Path] = (),
    *,
    store: str | Path | None = None,
    start: Path | None = None,
    announce: bool = False,
) -> Project:
    """The project a ``burnin`` command works on: the ini's settings and the built-in kinds.

    Paths given on the command line replace ``burnin_specs``; ``--store``
    replaces ``burnin_store``. Everything else is read as ``pytest --burnin`` reads it.
    With ``announce``, the settings line pytest prints in its header is printed first.
    """
    from dataclasses import replace

    from .registry import builtin_kinds
    from .settings import Settings

    settings = Settings.discover(start)
    if given:
        for p in given:
            if not Path(p).exists():
                raise BurninError(f"{p}: no such file or folder")
        settings = replace(settings, spec_paths=tuple(Path(p).resolve() for p in given))
    if store:
        settings = replace(settings, store=Path(store))
    if announce:
        print(settings.describe())
    return Project(settings, builtin_kinds())


def project_at(
    rootdir: Path, spec_paths: Sequence[Path] = (), store: Path | None = None, compat: int = 3
) -> Project:
    """A project rooted at ``rootdir`` with default settings (for embedding and tests)."""
    from .registry import builtin_kinds
    from .settings import Settings

    settings = Settings(
        rootdir=rootdir.resolve(),
        spec_paths=tuple(p.resolve() for p in spec_paths),
        store=store or Settings(rootdir).store,
        promql_compat=compat,
    )
    return Project(settings, builtin_kinds())
