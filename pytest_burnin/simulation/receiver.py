"""A webhook receiver on 127.0.0.1: where simulated alerts really cross HTTP.

It records each request with the monotonic time it arrived, so delivery
latency is measured at the receiving end, as a person's channel would see it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on receipt

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Receiver:
    """Start with ``start()``; ``url`` is where to post; ``stop()`` always."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                got = Received(self.path, dict(self.headers.items()), body, time.monotonic())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver._arrived:
                    receiver.received.append(got)
                    receiver._arrived.notify_all()

            def log_message(self, format: str, *args: Any) -> None:
                return  # quiet: the test output is for verdicts

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Receiver:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="burnin-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait_for(self, path: str, after: int = 0, timeout: float = 10.0) -> Received | None:
        """The first request to ``path`` beyond the first ``after`` ones, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                hits = [r for r in self.received if r.path == path]
                if len(hits) > after:
                    return hits[after]
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._arrived.wait(left)
