"""The built-in channels: generic webhook, Slack, Alertmanager and a JSON-lines file
(email is in smtp.py). Each makes one attempt; base.py has the contract.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from ..httpio import REDIRECTS, DeadlineExceeded, exchange, guarded_session
from . import payload
from .base import DEFAULT_POLICY, Attempt, Channel, ChannelBase, Outcome, Policy
from .model import Notification
from .secrets import MissingSecretError, Secret, redact_url, references, secret_path_parts

__all__ = [
    "DEFAULT_POLICY",
    "AlertmanagerChannel",
    "Attempt",
    "Channel",
    "FileChannel",
    "HttpChannel",
    "Outcome",
    "Policy",
    "SlackChannel",
    "WebhookChannel",
    "classify_status",
    "parse_retry_after",
]


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def classify_status(status: int) -> Outcome:
    """2xx delivered; 408, 429 and 5xx worth retrying; 401/403/407 mean *our* credentials
    are wrong (kept in the spool for after the fix); any other code rejects the request."""
    if 200 <= status < 300:
        return "ok"
    if status in (408, 429) or status >= 500:
        return "retry"
    if status in (401, 403, 407):
        return "config"
    return "rejected"


def _network_reason(exc: BaseException, timeout: float) -> str:
    """Why a request failed, from the exception's *type* only: requests' messages
    quote the URL path and query, which may be the secret."""
    if isinstance(exc, requests.Timeout):
        return f"timed out after {timeout:g}s"
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, TimeoutError):
            return f"timed out after {timeout:g}s"
        todo += [x for x in (e.__cause__, e.__context__, getattr(e, "reason", None)) if x]
        todo += [a for a in e.args if isinstance(a, BaseException)]
    return f"connection error ({type(exc).__name__})"


_MAX_BODY = 64 * 1024  # of an answer: enough for an error message, never a flood


class HttpChannel(ChannelBase):
    """POST a rendered body to a URL; subclasses choose the body (and the path)."""

    type = "webhook"

    def __init__(
        self,
        name: str,
        url: str,
        *,
        policy: Policy = DEFAULT_POLICY,
        headers: Mapping[str, str] | None = None,
        runbook_base_url: str = "",
        external_url: str = "",
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(name, policy, env)
        self._url = url
        self._headers = dict(headers or {})
        self.runbook_base_url = runbook_base_url
        self.external_url = external_url
        # One session per channel: keep-alive saves a TCP (and TLS) handshake per alert.
        self._session = guarded_session()

    def _templates(self) -> dict[str, str]:
        return {"url": self._url, **{f"header {k}": v for k, v in self._headers.items()}}

    def prepare(self, notification: Notification) -> Notification:
        """Absolute runbook links and the channel's external URL, before rendering."""
        n = payload.with_runbook_links(notification, self.runbook_base_url)
        if not n.external_url and self.external_url:
            n = replace(n, external_url=self.external_url)
        return n

    def endpoint(self, url: str) -> str:
        return url

    def render(self, notification: Notification) -> bytes:
        return payload.render_webhook(self.prepare(notification), receiver=self.name)

    def _resolve_url(self) -> str:
        url = self._expand(self._url, "url")
        if references(self._url):
            # The whole URL may be one variable; requests and servers quote its parts
            # (path, query, password) on their own, so hide those too.
            parts = urlsplit(url)
            for part in (parts.query, parts.password or "", *secret_path_parts(parts.path)):
                self.redactor.add(part)
        return Secret(self.endpoint(url))  # endpoint() returns a plain str

    def attempt(self, notification: Notification, timeout: float) -> Attempt:
        try:
            url = self._resolve_url()
            headers = {k: self._expand(v, f"header {k}") for k, v in self._headers.items()}
        except MissingSecretError as exc:
            return self._fail("config", str(exc))
        body = self.render(notification)
        shown = redact_url(url)
        try:
            # timeout is a wall-clock deadline on the whole exchange (httpio): a
            # receiver sending a byte a second cannot hold the run.
            resp = exchange(
                self._session,
                "POST",
                url,
                data=body,
                headers=payload.headers_for(notification, headers),
                timeout=timeout,
                deadline=timeout,
                max_body=_MAX_BODY,
                follow=0,  # a redirect would turn the POST into a GET and may carry secrets
            )
        except DeadlineExceeded:
            return self._fail("retry", f"POST {shown}: timed out after {timeout:g}s")
        except requests.RequestException as exc:
            reason = _network_reason(exc, timeout)
            refused = reason == "connection refused"
            return self._fail("retry", f"POST {shown}: {reason}", unsent=refused)
        outcome = classify_status(resp.status)
        if outcome == "ok":
            return Attempt("ok", status=resp.status)
        detail = resp.body[:200].decode("utf-8", "replace").strip() if outcome != "retry" else ""
        if resp.status in REDIRECTS:
            where = redact_url(urljoin(url, resp.headers.get("Location", "")))
            detail = f"redirect to {where} not followed; set url to the final address"
        what = f"POST {shown}: HTTP {resp.status}" + (f": {detail}" if detail else "")
        failed = self._fail(outcome, what.replace("\n", " "), resp.status)
        return replace(failed, retry_after=parse_retry_after(resp.headers.get("Retry-After")))

    def close(self) -> None:
        self._session.close()


class WebhookChannel(HttpChannel):
    """Alertmanager's webhook JSON (version 4): existing webhook receivers read it."""

    type = "webhook"


class SlackChannel(HttpChannel):
    """A Slack incoming webhook: Block Kit with a Runbook button."""

    type = "slack"

    def render(self, notification: Notification) -> bytes:
        return payload.render_slack(self.prepare(notification))


class AlertmanagerChannel(HttpChannel):
    """Alertmanager's own API: it then groups, silences and routes as configured there."""

    type = "alertmanager"

    def endpoint(self, url: str) -> str:
        base = url.rstrip("/")
        return base if base.endswith("/api/v2/alerts") else base + "/api/v2/alerts"

    def render(self, notification: Notification) -> bytes:
        return payload.render_alertmanager(self.prepare(notification))


class FileChannel(ChannelBase):
    """JSON lines appended to a file and fsynced: local runs and CI artefacts."""

    type = "file"

    def __init__(
        self,
        name: str,
        path: str,
        *,
        policy: Policy = DEFAULT_POLICY,
        runbook_base_url: str = "",
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(name, policy, env)
        self.path = path
        self.runbook_base_url = runbook_base_url

    def _templates(self) -> dict[str, str]:
        return {"path": self.path}

    def render(self, notification: Notification) -> bytes:
        n = payload.with_runbook_links(notification, self.runbook_base_url)
        return payload.render_file_line(n, receiver=self.name)

    def attempt(self, notification: Notification, timeout: float) -> Attempt:
        try:
            path = Path(self._expand(self.path, "path"))
        except MissingSecretError as exc:
            return self._fail("config", str(exc))
        line = self.render(notification)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                # One write of the whole line: O_APPEND keeps concurrent writers' lines whole.
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            return self._fail(
                "retry", f"append to {path.name}: {exc.strerror or type(exc).__name__}"
            )
        return Attempt("ok")
