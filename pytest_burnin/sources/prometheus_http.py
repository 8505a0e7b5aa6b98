"""HTTP details of the ``prometheus`` source: auth from the environment, URL redaction,
and turning ``requests`` failures and answers into one-line reasons.

Split from prometheus.py so that module keeps to the API and its queries.
"""

from __future__ import annotations

import email.utils
import errno
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.auth import AuthBase

from ..alerting.secrets import Secret
from ..httpio import Answer


def redact_url(url: str) -> str:
    """The URL with userinfo and query values replaced by ``***``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = urlencode(
        [(k, "***") for k, _ in parse_qsl(parts.query, keep_blank_values=True)], safe="*"
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class _EnvAuth(AuthBase):
    """Adds the auth headers to each request; its repr names variables, not values."""

    def __init__(self, headers: dict[str, str], origin: str, secrets: list[str]) -> None:
        self._headers = headers
        self._origin = origin
        self._secrets = secrets

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers.update(self._headers)
        return r

    def __repr__(self) -> str:
        return f"<auth from {self._origin}>"

    def secrets(self) -> list[str]:
        """Every value to scrub from messages: headers as sent and the variables' values."""
        values = [*self._headers.values(), *self._secrets]
        values += [Secret(v.split(" ", 1)[1]) for v in self._headers.values() if " " in v]
        # Longest first, so a token is replaced whole before any part of it. Values
        # under 4 characters (a tenant "1") are left: replacing them would garble
        # every message, and they cannot be meaningful secrets.
        return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


def _is_read_timeout(exc: BaseException) -> bool:
    if isinstance(exc, requests.ReadTimeout):
        return True
    # A body that stalls after the headers arrives as ConnectionError(ReadTimeoutError).
    return any(type(e).__name__ == "ReadTimeoutError" for e in _chain(exc))


def _connection_reason(exc: BaseException) -> str:
    for e in _chain(exc):
        if isinstance(e, ConnectionRefusedError) or getattr(e, "errno", None) == errno.ECONNREFUSED:
            return "connection refused"
        if type(e).__name__ == "SSLError" and e is not exc:
            return f"TLS error: {_one_line(e)}"
        if isinstance(e, requests.ConnectTimeout):
            return "connect timeout"
    return f"cannot connect: {type(exc).__name__}"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what it wraps (urllib3 keeps causes in args and .reason)."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend([e.__cause__, e.__context__, getattr(e, "reason", None), *e.args])


def _one_line(exc: BaseException) -> str:
    # Exception texts can quote a URL (with userinfo) or an object's repr; keep one line.
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


def _http_reason(resp: Answer) -> str:
    detail = ""
    try:
        body = json.loads(resp.body)
        if isinstance(body, dict) and body.get("status") == "error":
            detail = f": {body.get('errorType', 'error')}: {body.get('error', '')}"
    except ValueError:
        pass
    return f"HTTP {resp.status} {resp.reason or ''}".rstrip() + detail


def _auth_hint(status: int) -> str:
    if status in (401, 403):
        return " (check bearer_token_env, basic_auth or headers_env and the variables' values)"
    return ""


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
