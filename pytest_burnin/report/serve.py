"""``burnin serve-metrics``: ``/metrics`` and the HTML report at ``/``, on 127.0.0.1.

Both are rendered afresh from the store and the latest-run snapshot on every
request (the daily job and test runs update them underneath), through the same
pure functions as the textfile and the report file.

Only requests whose ``Host`` header names this server (127.0.0.1, localhost or
[::1] with its port, or a name given with ``--allow-host``) are answered: a web
page in a browser on this machine could otherwise read the report through DNS
rebinding (its own name resolving to 127.0.0.1). Others get 421.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Page = Callable[[], bytes]
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


def _has_port(host: str) -> bool:
    # "[::1]" has colons but no port; "[::1]:9464" and "name:9464" have one.
    return host.rsplit("]", 1)[-1].count(":") == 1


# What ``generate_latest`` writes. Not CONTENT_TYPE_LATEST: newer prometheus_client
# versions advertise text format 1.0.0 there while still rendering 0.0.4.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Handler(BaseHTTPRequestHandler):
    server: MetricsServer

    def do_GET(self) -> None:
        refusal = self.server.refuse_host(self.headers.get_all("Host") or [])
        if refusal:
            code, why = refusal
            self._send(code, "text/plain; charset=utf-8", why.encode())
            return
        path = self.path.split("?", 1)[0]
        route = self.server.routes.get(path)
        if route is None:
            self._send(404, "text/plain; charset=utf-8", b"not found: try /metrics or /\n")
            return
        content_type, page = route
        try:
            body = page()
        except Exception as exc:  # a broken store must show as a 500, not kill the server
            self._send(500, "text/plain; charset=utf-8", f"{type(exc).__name__}: {exc}\n".encode())
            return
        self._send(200, content_type, body)

    def _send(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # Prometheus scrapes every few seconds: keep the terminal quiet


class MetricsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        port: int,
        metrics: Page,
        html: Page | None = None,
        *,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        self.routes: dict[str, tuple[str, Page]] = {"/metrics": (CONTENT_TYPE, metrics)}
        if html is not None:
            self.routes["/"] = ("text/html; charset=utf-8", html)
        super().__init__(("127.0.0.1", port), _Handler)
        self._thread: threading.Thread | None = None
        bound = self.server_address[1]
        self.allowed_hosts = {f"{name}:{bound}" for name in LOCAL_NAMES}
        for host in allowed_hosts:
            host = host.strip().lower()
            # A name without a port means this server's port, as for the local names.
            self.allowed_hosts.add(host if _has_port(host) else f"{host}:{bound}")

    def refuse_host(self, hosts: list[str]) -> tuple[int, str] | None:
        """None when the request's single Host header names this server, else (code, why)."""
        if len(hosts) != 1:
            return 400, "exactly one Host header is required\n"
        host = hosts[0].strip().lower()
        if not _has_port(host):
            host += ":80"
        if host in self.allowed_hosts:
            return None
        return 421, (
            "this server answers only to Host 127.0.0.1, localhost or [::1] with its port; "
            "start it with --allow-host NAME to serve another name\n"
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> MetricsServer:
        """Serve from a background thread (tests); ``serve_forever`` for the command."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="burnin-metrics", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
