"""A real Alertmanager on 127.0.0.1 with its receivers pointed at local capture servers.

Alertmanager 0.25 is Debian's ``prometheus-alertmanager``; 0.33.1 is the binary
named by ``BURNIN_ALERTMANAGER_033`` (fetched by ``.ci/run``). Every receiver URL
points at one HTTP capture server (path = receiver name) and e-mail at one SMTP
server (aiosmtpd), so a test posts alerts and reads back the exact bytes sent.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

EXTERNAL_URL = "http://am.example:9093"


def binaries() -> dict[str, str | None]:
    """version -> path of the Alertmanager binary, or None when it is not here."""
    v025 = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    v033 = os.environ.get("BURNIN_ALERTMANAGER_033") or None
    if v033 and not Path(v033).is_file():
        v033 = None
    return {"0.25": v025, "0.33": v033}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Captured:
    path: str
    headers: dict[str, str]
    body: bytes


class HTTPCapture:
    def __init__(self) -> None:
        self.got: list[Captured] = []
        self.cond = threading.Condition()
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with capture.cond:
                    capture.got.append(Captured(self.path, dict(self.headers), body))
                    capture.cond.notify_all()
                # Rocket.Chat reads a JSON "success" and retries without it; the
                # others take a plain 200 (Slack wants the text "ok").
                json_reply = "rocketchat" in self.path
                reply = b'{"success":true}' if json_reply else b"ok"
                self.send_response(200)
                if json_reply:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, pred: Callable[[Captured], bool], timeout: float = 20) -> Captured:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for c in self.got:
                    if pred(c):
                        return c
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"nothing arrived within {timeout}s; got {[c.path for c in self.got]}"
                    )
                self.cond.wait(left)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SMTPCapture:
    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.got: list[tuple[str, list[str], bytes]] = []
        self.cond = threading.Condition()
        capture = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                with capture.cond:
                    capture.got.append(
                        (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
                    )
                    capture.cond.notify_all()
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait(
        self, pred: Callable[[bytes], bool], timeout: float = 20
    ) -> tuple[str, list[str], bytes]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for g in self.got:
                    if pred(g[2]):
                        return g
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no e-mail arrived within {timeout}s")
                self.cond.wait(left)

    def stop(self) -> None:
        self.controller.stop()


SYSTEM_SHARE = Path("/usr/share/prometheus/alertmanager")


def _command(binary: str, args: list[str]) -> list[str]:
    """Debian's build reads default.tmpl from /usr/share/prometheus/alertmanager.

    An unpacked sid binary would read the system's 0.25 templates there, so it runs
    in a private mount namespace where its own share folder is bound over that path
    (the system's files are untouched).
    """
    share = Path(binary).resolve().parents[1] / "share" / "prometheus" / "alertmanager"
    if not share.is_dir() or share == SYSTEM_SHARE:
        return [binary, *args]
    unshare = shutil.which("unshare")
    if unshare is None:
        raise RuntimeError("unshare is needed to give an unpacked Alertmanager its own templates")
    script = f'mount --bind "{share}" "{SYSTEM_SHARE}" && exec "$0" "$@"'
    return [unshare, "-m", "sh", "-c", script, binary, *args]


@contextmanager
def running_alertmanager(binary: str, config: str, workdir: Path) -> Iterator[str]:
    """Start Alertmanager with ``config``; yield its base URL; stop it by pid."""
    workdir.mkdir(parents=True, exist_ok=True)
    cfg = workdir / "alertmanager.yml"
    cfg.write_text(config, encoding="utf-8")
    port = free_port()
    log = (workdir / "alertmanager.log").open("wb")
    args = [f"--config.file={cfg}", f"--storage.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
            f"--web.external-url={EXTERNAL_URL}"]  # fmt: skip
    proc = subprocess.Popen(_command(binary, args), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise AssertionError((workdir / "alertmanager.log").read_text()[-2000:])
            try:
                if requests.get(url + "/-/ready", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("Alertmanager did not become ready in 20s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def post_alerts(url: str, alerts: list[dict[str, Any]]) -> None:
    r = requests.post(url + "/api/v2/alerts", json=alerts, timeout=5)
    assert r.status_code == 200, r.text
