"""tests/binaries.py finds each Prometheus tool by env var, sid cache or PATH, checking versions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import binaries

REAL_ENV = dict(os.environ)


def _fake(folder: Path, name: str, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / name
    exe.write_text(f"#!/bin/sh\necho '{name}, version {version} (branch: x, revision: y)'\n")
    exe.chmod(0o755)
    return exe


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    binaries.version_of.cache_clear()
    for wanted in binaries.WANTED.values():
        if wanted.env_var:
            monkeypatch.delenv(wanted.env_var, raising=False)
    monkeypatch.setenv("BURNIN_SID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "path"))


def test_system_tool_is_found_on_path_with_its_version(tmp_path: Path) -> None:
    exe = _fake(tmp_path / "path", "promtool", "2.42.0")
    found = binaries.find("promtool")
    assert (found.path, found.version) == (str(exe), "2.42.0")


def test_a_3x_promtool_on_path_is_not_taken_for_the_2x_reference(tmp_path: Path) -> None:
    _fake(tmp_path / "path", "promtool", "3.5.3+ds1")
    with pytest.raises(binaries.BinaryMissing, match=r"reports version 3\.5\.3\+ds1, not 2\.x"):
        binaries.find("promtool")


def test_sid_tool_from_the_cache_folder(tmp_path: Path) -> None:
    exe = _fake(tmp_path / "cache" / "root" / "usr" / "bin", "prometheus", "3.5.3+ds1")
    _fake(tmp_path / "path", "prometheus", "2.42.0")
    found = binaries.find("prometheus-3.5")
    assert (found.path, found.version) == (str(exe), "3.5.3+ds1")
    assert binaries.find("prometheus").version == "2.42.0"


def test_env_var_wins_over_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(tmp_path / "cache" / "root" / "usr" / "bin", "amtool", "0.33.1")
    chosen = _fake(tmp_path / "elsewhere", "amtool", "0.33.1")
    monkeypatch.setenv("BURNIN_AMTOOL_033", str(chosen))
    assert binaries.find("amtool-0.33").path == str(chosen)


def test_wrong_env_var_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake(tmp_path / "cache" / "root" / "usr" / "bin", "promtool", "3.5.3")
    monkeypatch.setenv("BURNIN_PROMTOOL_35", str(tmp_path / "nope"))
    with pytest.raises(binaries.BinaryMissing, match=r"from \$BURNIN_PROMTOOL_35\) is not an exec"):
        binaries.find("promtool-3.5")


def test_missing_tool_says_how_to_get_it() -> None:
    reason = binaries.missing("alertmanager-0.33")
    assert reason is not None
    assert ".ci/fetch-sid-binaries" in reason and "BURNIN_ALERTMANAGER_033" in reason
    reason = binaries.missing("alertmanager")
    assert reason is not None and "prometheus-alertmanager" in reason


def test_alertmanager_under_either_name(tmp_path: Path) -> None:
    exe = _fake(tmp_path / "path", "alertmanager", "0.25.0")
    assert binaries.find("alertmanager").path == str(exe)


def test_require_skips_with_the_reason() -> None:
    with pytest.raises(pytest.skip.Exception, match=r"promtool-3\.5 is not available"):
        binaries.require("promtool-3.5")


def test_the_real_machine_tools_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the real PATH and cache, a found tool reports the version its key promises."""
    for name in ("PATH", "BURNIN_SID_CACHE", *(w.env_var for w in binaries.WANTED.values())):
        if name and name in REAL_ENV:
            monkeypatch.setenv(name, REAL_ENV[name])
        elif name:
            monkeypatch.delenv(name, raising=False)
    for tool, wanted in binaries.WANTED.items():
        try:
            found = binaries.find(tool)
        except binaries.BinaryMissing:
            continue
        assert found.version.startswith(wanted.version_prefix)
        assert os.access(found.path, os.X_OK)
