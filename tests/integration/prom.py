"""Start and stop a real Prometheus on 127.0.0.1 over backfilled OpenMetrics data.

Plain helpers (no pytest), shared by the integration tests and the benchmark.
The server binds 127.0.0.1 on a free port, has no scrape targets, and is
stopped by its pid (terminate, wait, kill after a timeout).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import requests

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0

# No scrape_configs: the server only serves what was backfilled.
CONFIG = "global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\n"


def missing_tools() -> str | None:
    """Why the real server cannot run here, or None when it can."""
    absent = [tool for tool in ("promtool", "prometheus") if shutil.which(tool) is None]
    if absent:
        return f"{' and '.join(absent)} not installed (Debian package 'prometheus')"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def backfill(openmetrics: Path, data_dir: Path, promtool: str = "promtool") -> None:
    """Write TSDB blocks from an OpenMetrics file (promtool's fast form: 30-day blocks)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            promtool,
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=720h",
            str(openmetrics),
            str(data_dir),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


class PrometheusServer:
    """A ``prometheus`` process over ``data_dir``; use as a context manager or start/stop."""

    def __init__(
        self,
        data_dir: Path,
        workdir: Path,
        exe: str = "prometheus",
        extra_args: Sequence[str] = (),
    ) -> None:
        self.data_dir = data_dir
        self.workdir = workdir
        self.exe = exe  # the system's 2.42 by default; tests/binaries.py finds 3.5.3
        self.extra_args = list(extra_args)
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "prometheus.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> PrometheusServer:
        config = self.workdir / "prometheus.yml"
        config.write_text(CONFIG)
        self.port = free_port()
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [
                    self.exe,
                    f"--config.file={config}",
                    f"--storage.tsdb.path={self.data_dir}",
                    # The data is from Oct/Nov 2026: a short retention would delete it as old.
                    "--storage.tsdb.retention.time=100y",
                    f"--web.listen-address=127.0.0.1:{self.port}",
                    *self.extra_args,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
            )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prometheus exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if requests.get(f"{self.url}/-/ready", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"prometheus not ready after {READY_TIMEOUT_S:g}s:\n{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Terminate by pid, wait, and kill if it does not exit in time."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT_S)

    def __enter__(self) -> PrometheusServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
