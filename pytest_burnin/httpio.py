"""Bounded HTTP exchanges: a wall-clock deadline, a capped body, credential-safe redirects.

``requests``' ``timeout`` bounds each socket read, not the exchange: a server
that sends one byte a second keeps a request alive for as long as it likes.
``exchange`` starts a watchdog timer that shuts the exchange's sockets down
when its deadline passes, which wakes the blocked read whatever phase it is in
(connect, headers, body); the body is also read in chunks with the deadline
checked between them. The Prometheus source and every HTTP channel use it.

Redirects are followed here, never by ``requests``: requests copies every
header of the first request to the next hop, so a server redirecting to
another host would receive ``X-Api-Key`` or ``X-Scope-OrgID``. A hop to another
origin (scheme, host or port) is sent without the credentials.

Imports nothing from pytest.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = [
    "Answer",
    "Deadline",
    "DeadlineExceeded",
    "exchange",
    "guarded_session",
    "same_origin",
]

REDIRECTS = frozenset({301, 302, 303, 307, 308})


class DeadlineExceeded(Exception):
    """The whole exchange (connect, headers, body, redirects) took longer than allowed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"no complete answer within {seconds:g}s (wall-clock deadline)")


class Deadline:
    """A wall-clock budget; when it runs out, every socket it watches is shut down.

    Used as a context manager, it is the current deadline of its thread, so the
    guarded connections below register their sockets with it as they use them.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._timer: threading.Timer | None = None
        self._previous: Deadline | None = None

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self) -> None:
        if self.expired or self.remaining() <= 0:
            self.expired = True
            raise DeadlineExceeded(self.seconds)

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            elif all(s is not sock for s in self._socks):
                self._socks.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            socks, self._socks = self._socks, []
        for sock in socks:
            _shut(sock)

    def __enter__(self) -> Deadline:
        self._previous = getattr(_CURRENT, "deadline", None)
        _CURRENT.deadline = self
        self._timer = threading.Timer(max(0.0, self.remaining()), self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        _CURRENT.deadline = self._previous


_CURRENT = threading.local()


def _shut(sock: socket.socket) -> None:
    # shutdown, not close: it wakes a read blocked in another thread, and the owner
    # still closes the file descriptor itself (closing it here could hit a reused fd).
    with contextlib.suppress(OSError, ValueError):
        sock.shutdown(socket.SHUT_RDWR)


def _register(conn: HTTPConnection) -> None:
    deadline: Deadline | None = getattr(_CURRENT, "deadline", None)
    if deadline is not None:
        deadline.watch(getattr(conn, "sock", None))


class _GuardedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)  # a kept-alive connection is reused without a new connect
        super().request(*args, **kwargs)


class _GuardedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)
        super().request(*args, **kwargs)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


def guarded_session() -> requests.Session:
    """A session whose connections a ``Deadline`` can interrupt."""
    session = requests.Session()
    adapter = _GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def same_origin(a: str, b: str) -> bool:
    """Same scheme, host and port (default ports filled in)."""

    def origin(url: str) -> tuple[str, str, int | None]:
        parts = urlsplit(url)
        default = {"http": 80, "https": 443}.get(parts.scheme)
        return parts.scheme, (parts.hostname or "").lower(), parts.port or default

    try:
        return origin(a) == origin(b)
    except ValueError:
        return False


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    url: str  # after redirects
    hops: tuple[str, ...] = field(default=())  # the URLs redirected to, in order

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def _read(resp: requests.Response, deadline: Deadline, max_body: int | None) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_content(8192):
        deadline.check()
        chunks.append(chunk)
        size += len(chunk)
        if max_body is not None and size >= max_body:
            break  # the rest is not read: the connection is dropped, not pooled
    return b"".join(chunks)[:max_body]


def exchange(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout: float,
    deadline: float,
    max_body: int | None = None,
    follow: int = 0,
    credentials: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Answer:
    """One request (plus up to ``follow`` redirects) finished within ``deadline`` seconds.

    ``credentials`` (``auth``, ``headers``, ``cert``) go with every hop to the
    first URL's origin and with none to another one. Raises ``DeadlineExceeded``
    or ``requests.RequestException``; a redirect status with ``follow`` spent is
    returned as the answer, for the caller to report.
    """
    creds = dict(credentials or {})
    hops: list[str] = []
    with Deadline(deadline) as guard:
        current = url
        try:
            while True:
                guard.check()
                extra = creds if same_origin(url, current) else {}
                if "headers" in extra and "headers" in kwargs:
                    extra = {**extra, "headers": {**kwargs["headers"], **extra["headers"]}}
                resp = session.request(
                    method,
                    current,
                    timeout=(min(timeout, max(guard.remaining(), 0.001)), timeout),
                    allow_redirects=False,
                    stream=True,
                    **{**kwargs, **extra},
                )
                with resp:
                    location = resp.headers.get("Location")
                    if resp.status_code in REDIRECTS and location and len(hops) < follow:
                        current = urljoin(current, location)
                        hops.append(current)
                        kwargs.pop("params", None)  # the new URL carries its own query
                        if resp.status_code == 303:
                            method, kwargs = "GET", {k: v for k, v in kwargs.items() if k != "data"}
                        continue
                    body = _read(resp, guard, max_body)
                    return Answer(
                        resp.status_code,
                        resp.reason or "",
                        dict(resp.headers),
                        body,
                        current,
                        tuple(hops),
                    )
        except requests.RequestException:
            if guard.expired:
                raise DeadlineExceeded(deadline) from None
            raise
        except OSError:
            # A socket shut down under urllib3 can surface as a bare OSError.
            if guard.expired:
                raise DeadlineExceeded(deadline) from None
            raise


@contextlib.contextmanager
def bounded(seconds: float) -> Iterator[Deadline]:
    """A ``Deadline`` for non-HTTP code (SMTP): ``watch`` its socket."""
    with Deadline(seconds) as guard:
        yield guard
