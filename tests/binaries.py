"""One place to find the Prometheus binaries the tests run, or the reason to skip.

Two lines of each tool are references:

- the system's (Debian stable): promtool and prometheus 2.42, alertmanager and
  amtool 0.25, on PATH; they are the compat-2 references;
- Debian sid's: promtool and prometheus 3.5.3, alertmanager and amtool 0.33.1,
  the references of the default (Prometheus 3) mode. ``.ci/fetch-sid-binaries``
  unpacks them into a cache folder (never over the system's); tests find them
  through an environment variable or, failing that, the cache path.

``find(tool)`` answers a ``Binary`` or raises ``BinaryMissing`` whose message
says why and how to get it; ``require(tool)`` turns that into a pytest skip.
Versions are checked, so a 3.x promtool on PATH is never mistaken for 2.42.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

FETCH_HINT = "run .ci/fetch-sid-binaries (it unpacks Debian sid's packages into a cache folder)"


@dataclass(frozen=True)
class Wanted:
    """Where one tool is looked for and which version it must report."""

    executables: tuple[str, ...]  # names on PATH, or in the sid cache's usr/bin
    version_prefix: str  # "2." or "3.5." ...
    env_var: str | None  # the sid tools: an explicit path
    install_hint: str


WANTED: dict[str, Wanted] = {
    "promtool": Wanted(("promtool",), "2.", None, "Debian package 'prometheus' (bookworm)"),
    "prometheus": Wanted(("prometheus",), "2.", None, "Debian package 'prometheus' (bookworm)"),
    "alertmanager": Wanted(
        ("prometheus-alertmanager", "alertmanager"),
        "0.25.",
        None,
        "Debian package 'prometheus-alertmanager' (bookworm)",
    ),
    "amtool": Wanted(
        ("amtool",), "0.25.", None, "Debian package 'prometheus-alertmanager' (bookworm)"
    ),
    "promtool-3.5": Wanted(("promtool",), "3.5.", "BURNIN_PROMTOOL_35", FETCH_HINT),
    "prometheus-3.5": Wanted(("prometheus",), "3.5.", "BURNIN_PROMETHEUS_35", FETCH_HINT),
    "alertmanager-0.33": Wanted(
        ("prometheus-alertmanager", "alertmanager"), "0.33.", "BURNIN_ALERTMANAGER_033", FETCH_HINT
    ),
    "amtool-0.33": Wanted(("amtool",), "0.33.", "BURNIN_AMTOOL_033", FETCH_HINT),
}


class BinaryMissing(Exception):
    """The tool is absent or has the wrong version; the message says which and what to do."""


@dataclass(frozen=True)
class Binary:
    tool: str
    path: str
    version: str  # "2.42.0", "3.5.3+ds1" ...


def sid_cache_bin() -> Path:
    """Where .ci/fetch-sid-binaries unpacks sid's usr/bin (BURNIN_SID_CACHE overrides)."""
    cache = os.environ.get("BURNIN_SID_CACHE")
    if not cache:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        cache = str(Path(base) / "pytest-burnin" / "sid")
    return Path(cache) / "root" / "usr" / "bin"


@functools.cache
def version_of(path: str) -> str:
    """The version an executable reports (``promtool, version 2.42.0 (...)``), or ''."""
    try:
        proc = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    found = re.search(r"version (\S+)", proc.stdout + proc.stderr)
    return found.group(1) if found else ""


def _candidates(wanted: Wanted) -> list[tuple[str, str]]:
    """(path, where it came from) in the order they are tried."""
    if wanted.env_var is not None:
        explicit = os.environ.get(wanted.env_var)
        if explicit:
            # An explicit setting is the only candidate: a wrong one must be loud.
            return [(explicit, f"${wanted.env_var}")]
        cache = sid_cache_bin()
        return [(str(cache / exe), "the sid cache") for exe in wanted.executables]
    out = []
    for exe in wanted.executables:
        found = shutil.which(exe)
        if found is not None:
            out.append((found, "PATH"))
    return out


def find(tool: str) -> Binary:
    """The binary for ``tool`` (a key of WANTED) with the right version, or BinaryMissing."""
    wanted = WANTED[tool]
    tried = []
    for path, origin in _candidates(wanted):
        if not os.access(path, os.X_OK):
            tried.append(f"{path} (from {origin}) is not an executable file")
            continue
        version = version_of(path)
        if version.startswith(wanted.version_prefix):
            return Binary(tool, path, version)
        tried.append(
            f"{path} (from {origin}) reports version {version or '?'}, not {wanted.version_prefix}x"
        )
    where = "; ".join(tried) if tried else f"none of {', '.join(wanted.executables)} found"
    how = wanted.install_hint
    if wanted.env_var is not None:
        how += f", or set {wanted.env_var} to the binary"
    raise BinaryMissing(f"{tool} is not available ({where}): {how}")


def missing(tool: str) -> str | None:
    """Why ``tool`` cannot run here, or None when it can (for skipif marks)."""
    try:
        find(tool)
    except BinaryMissing as exc:
        return str(exc)
    return None


def require(tool: str) -> Binary:
    """The binary, or skip the calling test with the reason."""
    try:
        return find(tool)
    except BinaryMissing as exc:
        pytest.skip(str(exc))
