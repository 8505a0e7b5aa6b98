"""Hostile local HTTP servers for the deadline and redirect tests (127.0.0.x only).

``Server(answer)`` records each request's headers and answers with ``answer``:
``trickle(...)`` sends a response one byte a second (a server that defeats a
per-read timeout), ``redirect(url)`` answers 302, ``json_answer(...)`` a body.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]


Answer = Callable[[BaseHTTPRequestHandler, "Server"], None]


class Server:
    def __init__(self, answer: Answer, host: str = "127.0.0.1") -> None:
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                owner.seen.append(Seen(self.command, self.path, dict(self.headers.items())))
                answer(self, owner)

            do_GET = do_POST = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}"

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def trickle(body: bytes = b'{"status":"success","data":{}}', *, in_headers: bool = False) -> Answer:
    """Answer one byte a second: in the status line and headers, or in the body."""

    def answer(h: BaseHTTPRequestHandler, server: Server) -> None:
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        slow, fast = (head + body, b"") if in_headers else (body, head)
        try:
            h.wfile.write(fast)
            h.wfile.flush()
            for i in range(len(slow)):
                if server.stopping.wait(1.0):
                    return
                h.wfile.write(slow[i : i + 1])
                h.wfile.flush()
        except OSError:
            return
        h.close_connection = True

    return answer


def redirect(location: str, status: int = 302) -> Answer:
    def answer(h: BaseHTTPRequestHandler, server: Server) -> None:
        h.send_response(status)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return answer


def json_answer(doc: object, status: int = 200) -> Answer:
    body = json.dumps(doc).encode()

    def answer(h: BaseHTTPRequestHandler, server: Server) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return answer


def second_loopback() -> str | None:
    """127.0.0.2 where the machine routes it (Linux does), else None."""
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
    except OSError:
        return None
    return "127.0.0.2"


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def elapsed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.monotonic()
    try:
        out: object = fn()
    except Exception as exc:  # the tests inspect what was raised
        out = exc
    return time.monotonic() - t0, out


class TrickleTCP:
    """A TCP server that answers every connection with ``data``, one byte a second
    (an SMTP greeting that never finishes within a per-read timeout)."""

    def __init__(self, data: bytes = b"220 slow.example ESMTP ready\r\n" * 10) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = int(self.sock.getsockname()[1])
        self.data = data
        self.stopping = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            for i in range(len(self.data)):
                if self.stopping.wait(1.0):
                    return
                try:
                    conn.sendall(self.data[i : i + 1])
                except OSError:
                    return

    def __enter__(self) -> TrickleTCP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.sock.close()
