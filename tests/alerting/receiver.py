"""A real HTTP receiver on 127.0.0.1 for alerting tests: scripted answers, recorded requests.

Every request is recorded (path, headers, body) before it is answered; the
answer is the next scripted ``Reply`` or ``default``. A ``stall`` reply holds
the connection until ``release()`` or ``STALL_MAX`` seconds, so a test can
make a delivery time out or be killed mid-request, and no thread outlives stop().
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STALL_MAX = 15.0


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    stall: bool = False  # hold the request until release()
    echo: bool = False  # answer with the request path and headers (leak tests)


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)  # wall clock on arrival, for latency

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, port: int = 0) -> None:
        self.requests: list[Received] = []
        self.script: deque[Reply] = deque()
        self.default = Reply()
        self._lock = threading.Condition()
        self._released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(size)
                got = Received("POST", self.path, dict(self.headers.items()), body)
                reply = receiver._record(got)
                if reply.stall:
                    receiver._released.wait(STALL_MAX)
                out = reply.body
                if reply.echo:
                    out = json.dumps({"path": self.path, "headers": got.headers}).encode()
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:
                    pass  # the client gave up (timeout, SIGKILL): nothing to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _record(self, got: Received) -> Reply:
        with self._lock:
            self.requests.append(got)
            reply = self.script.popleft() if self.script else self.default
            self._lock.notify_all()
        return reply

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: len(self.requests) >= count, timeout)

    def release(self) -> None:
        self._released.set()

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def keys(self) -> list[str]:
        return [r.headers.get("Idempotency-Key", "") for r in self.requests]


class RefusingPort:
    """A port that refuses connections: bound but never listening, so nobody else takes it.

    ``serve()`` then starts a Receiver on that very port (the refusal ends).
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self) -> Receiver:
        self.sock.close()
        return Receiver(self.port).start()

    def close(self) -> None:
        self.sock.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
