"""Open a page in headless Chromium: the DOM after scripts ran, and a screenshot.

Plain helpers (no pytest). Every run gets its own profile folder, no network
services, and a timeout; the process is ours and ends with the call.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 90
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=3000",  # lets the page's load handler run before the dump
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(
    page: Path, *extra: str, profile_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    exe = chromium()
    assert exe is not None
    if profile_dir is not None:  # the caller's new, empty folder (a test's tmp_path)
        profile_dir.mkdir(parents=True, exist_ok=False)
        return _chromium(exe, page, str(profile_dir), extra)
    with tempfile.TemporaryDirectory(prefix="burnin-chromium-") as profile:
        return _chromium(exe, page, profile, extra)


def _chromium(
    exe: str, page: Path, profile: str, extra: tuple[str, ...]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [exe, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def dump_dom(page: Path) -> tuple[str, str]:
    """(DOM after load, Chromium's log on stderr with console messages)."""
    proc = _run(page, "--dump-dom", "--enable-logging=stderr", "--v=0")
    return proc.stdout, proc.stderr


def screenshot(
    page: Path, png: Path, size: str = "1200,2600", profile_dir: Path | None = None
) -> None:
    _run(
        page,
        f"--screenshot={png}",
        f"--window-size={size}",
        "--hide-scrollbars",
        profile_dir=profile_dir,
    )
