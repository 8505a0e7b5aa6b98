"""What the command line selects: folders given as spec folders, items by alert, items by service.

Pure core (no pytest): the plugin asks it which folders named on the command
line hold specs, which YAML files under them are specs, which alert names an
entry concerns (so ``-k <alert>`` selects the rule's lint, the promtool groups
and simulations that exercise it, its time to notify) and which service or
owner an entry belongs to (so the summary can group a fleet's items).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SpecError
from .paths import SPEC_SUFFIXES
from .project import find_spec_files, is_excluded

if TYPE_CHECKING:
    from .spec.model import Entry


def spec_folders_given(
    given: Iterable[Path],
    *,
    project_root: Path | None,
    spec_paths: Sequence[Path],
    test_paths: Sequence[Path],
    burnin: bool,
) -> list[Path]:
    """The folders named on the command line whose YAML files are collected as specs.

    A folder inside a spec path is one already. A folder that holds an existing
    spec path (the project root, ``.``) means "the project": its spec paths are
    collected with ``--burnin`` as always, and nothing more, so YAML elsewhere
    in the repository (CI workflows, manifests) is never read. Any other folder
    is a spec folder of its own with ``--burnin``; without it, neither a
    configured project's root (the ini file's folder) nor a folder holding or
    inside the Python tests (``testpaths``), whose YAML files are test data:
    ``pytest .`` or ``pytest tests/`` stays a plain run.
    """
    out: list[Path] = []
    for folder in given:
        folder = folder.resolve()
        if not folder.is_dir():
            continue
        if any(folder == p or p in folder.parents for p in spec_paths):
            out.append(folder)
        elif any(folder in p.parents for p in spec_paths if p.exists()):
            continue
        elif burnin or _outside_tests(folder, project_root, test_paths):
            out.append(folder)
    return out


def _outside_tests(folder: Path, project_root: Path | None, test_paths: Sequence[Path]) -> bool:
    if folder == project_root:
        return False
    return not any(folder == t or t in folder.parents or folder in t.parents for t in test_paths)


def specs_in_folder(
    folder: Path,
    exclude: Sequence[str],
    spec_paths: Sequence[Path],
    skip_dirs: Sequence[str] = (),
) -> list[Path]:
    """The spec files under a folder named on the command line.

    Inside a spec path, those ``--burnin`` collects there (its exclusions
    relative to the spec path); elsewhere, the YAML files that are specs by
    content, in the folders pytest recurses into (``skip_dirs``: its
    ``norecursedirs``; hidden folders and virtualenvs are never read).
    """
    folder = folder.resolve()
    for root in spec_paths:
        if folder == root or root in folder.parents:
            found = find_spec_files([root], exclude)
            return [f for f in found if folder in f.resolve().parents]
    out: list[Path] = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _skipped(Path(here) / d, skip_dirs))
        for name in sorted(files):
            path = Path(here) / name
            wanted = path.suffix in SPEC_SUFFIXES and not is_excluded(path, folder, exclude)
            if wanted and looks_like_spec(path):
                out.append(path)
    return out


def _skipped(folder: Path, skip_dirs: Sequence[str]) -> bool:
    if folder.name.startswith(".") or (folder / "pyvenv.cfg").is_file():
        return True
    return any(fnmatch.fnmatch(folder.name, pattern) for pattern in skip_dirs)


def looks_like_spec(path: Path) -> bool:
    """Does this YAML file hold something pytest-burnin reads?

    A ``burnin/*`` document, a Prometheus rule file, a promtool test file, a
    Sloth or OpenSLO file. A file that does not parse is reported rather than
    skipped: it sits in a folder the user asked to check.
    """
    from .spec.loader import load_documents
    from .spec.model import document_kind

    try:
        docs = load_documents(path)
    except SpecError:
        return True
    for doc in docs:
        api = doc.data.get("apiVersion") if isinstance(doc.data, dict) else None
        if isinstance(api, str) and api.startswith("burnin/"):
            return True
        try:
            document_kind(doc)
        except SpecError:
            continue
        return True
    return False


def alerts_concerned(entry: Entry) -> set[str]:
    """The alert names an entry is about: the rule it lints, the alerts its test makes
    fire or expects silent, the labels it routes, the alert whose time to notify it bounds."""
    names = set(entry.exercises)
    if entry.kind == "Notify":
        names.add(entry.name)
    payload = entry.payload
    group = payload[1] if isinstance(payload, tuple) and len(payload) == 2 else None
    for test in getattr(group, "alert_tests", ()) or ():
        if isinstance(getattr(test, "alertname", None), str):
            names.add(test.alertname)
    names.update(_alert_values(entry.spec))
    names.discard("")
    return names


def _alert_values(node: Any, depth: int = 0) -> Iterator[str]:
    """Strings under ``alert:`` or ``alertname:`` keys, at any depth a spec nests them."""
    if depth > 8:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("alert", "alertname") and isinstance(value, str):
                yield value
            elif key != "input_series" and isinstance(value, (dict, list)):
                yield from _alert_values(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, (dict, list)):
                yield from _alert_values(value, depth + 1)


def service_of(entry: Entry, properties: Iterable[tuple[str, object]] = ()) -> str:
    """The service an entry belongs to, else "".

    Its metadata's labels (``service``), a Sloth file's service (a property),
    else the one ``service`` its labels name (a rule's labels, a promtool
    test's expected labels, a routing test's labels), when they name only one.
    """
    meta = entry.metadata
    labels = meta.get("labels")
    top = entry.doc.data if isinstance(entry.doc.data, dict) else {}
    # burnin/v1 labels, then Sloth's top-level or Kubernetes-form service, OpenSLO's spec.service
    for source in (labels if isinstance(labels, dict) else {}, meta, top, entry.spec):
        if isinstance(source.get("service"), str):
            return str(source["service"])
    for key, value in properties:
        if key == "service" and value:
            return str(value)
    named = set(_label_values(entry.spec, "service"))
    return named.pop() if len(named) == 1 else ""


def _label_values(node: Any, label: str, depth: int = 0) -> Iterator[str]:
    """Values of one label in every ``labels:``/``exp_labels:`` mapping a spec nests."""
    if depth > 8:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("labels", "exp_labels") and isinstance(value, dict):
                if isinstance(value.get(label), str):
                    yield value[label]
            elif key != "input_series" and isinstance(value, (dict, list)):
                yield from _label_values(value, label, depth + 1)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, (dict, list)):
                yield from _label_values(value, label, depth + 1)
