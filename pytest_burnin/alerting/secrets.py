"""``${ENV_VAR}`` references in channel specs, and keeping their values out of output.

A channel keeps the *template* (``https://hooks.slack.com/services/${SLACK_PATH}``)
and expands it at each attempt, so neither the spec model nor the spool ever
holds a credential. Every expanded value is registered with a ``Redactor``; any
text the alerting code emits (results, logs, exceptions) goes through it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

REDACTED = "***"

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Hooks whose path *is* the credential: keep the recognisable prefix only.
_SECRET_PATH_PREFIXES = ("/services/", "/api/webhooks/", "/webhookb2/", "/workflows/")


class MissingSecretError(ValueError):
    """A ``${VAR}`` the environment does not define. Names the variable, never a value.

    A ValueError: like any bad spec value, callers may catch it as one."""

    def __init__(self, variable: str, where: str = "") -> None:
        self.variable = variable
        self.where = where
        place = f" (referenced by {where})" if where else ""
        super().__init__(f"environment variable {variable} is not set{place}")


class Secret(str):
    """A credential: a ``str`` for every library that needs the value, but its repr is
    ``'***'``, so a traceback shown with ``pytest -l``/``--showlocals`` (which prints
    each frame's locals with repr) or written to JUnit XML never holds the value.

    Operations return plain ``str`` (``"Basic " + s``): wrap such results again.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(REDACTED)


class Environment(Mapping[str, str]):
    """A read-only view of the environment (``os.environ`` by default, read live) whose
    repr names no value: a frame holding it as a local prints nothing secret under
    ``pytest -l``, where ``os.environ`` itself would print every variable."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = os.environ if env is None else env

    def __getitem__(self, name: str) -> str:
        return self._env[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._env)

    def __len__(self) -> int:
        return len(self._env)

    def __repr__(self) -> str:
        return f"<environment: {len(self._env)} variables>"


def references(template: str) -> list[str]:
    """The variable names a template refers to, in order of appearance."""
    return _REFERENCE.findall(template)


def expand(
    template: str,
    env: Mapping[str, str],
    redactor: Redactor | None = None,
    *,
    where: str = "",
) -> str:
    """Replace every ``${VAR}`` with its value; register values with ``redactor``.
    The result is a ``Secret`` (redacted repr) when it took any value.

    ``$$`` is not special and a lone ``$`` stays as it is: only the braced form
    is a reference, so URLs and passwords containing ``$`` survive untouched.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = env.get(name)
        if value is None:
            raise MissingSecretError(name, where)
        if redactor is not None:
            redactor.add(value)
        return value

    expanded = _REFERENCE.sub(substitute, template)
    # Only a string that took a value from the environment may hold a credential.
    return Secret(expanded) if references(template) else expanded


def redact_url(url: str) -> str:
    """A URL fit for a message: no userinfo, no query, no secret hook path.

    ``https://user:pw@example.com/hook?token=x`` -> ``https://***@example.com/hook?***``;
    ``https://hooks.slack.com/services/T0/B0/XYZ`` -> ``https://hooks.slack.com/services/***``.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return REDACTED
    if not parts.scheme or not host:
        return REDACTED
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None:
        netloc += f":{port}"
    if parts.username is not None or parts.password is not None:
        netloc = f"{REDACTED}@{netloc}"
    path = parts.path
    for prefix in _SECRET_PATH_PREFIXES:
        at = path.find(prefix)
        if at >= 0 and len(path) > at + len(prefix):
            path = path[: at + len(prefix)] + REDACTED
            break
    query = REDACTED if parts.query else ""
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def secret_path_parts(path: str) -> list[str]:
    """The parts of a URL path that may be a credential: what follows a known hook
    prefix, and any segment long enough to be a token (16+ characters)."""
    parts = [seg for seg in path.split("/") if len(seg) >= 16]
    for prefix in _SECRET_PATH_PREFIXES:
        at = path.find(prefix)
        if at >= 0 and len(path) > at + len(prefix):
            parts.append(path[at + len(prefix) :])
    return parts


class Redactor:
    """Replaces known secret values (and their URL-encoded forms) with ``***``.

    Longest values first, so a secret that contains another is hidden whole.
    Safe to share between threads: ``add`` only ever grows an immutable tuple.
    """

    def __init__(self, secrets: Iterable[str] = (), *, parent: Redactor | None = None) -> None:
        self._secrets: tuple[str, ...] = ()
        self._parent = parent
        for s in secrets:
            self.add(s)

    def add(self, secret: str) -> None:
        if not secret or secret in self._secrets:
            return
        if self._parent is not None:
            self._parent.add(secret)
        forms = {secret, quote(secret, safe=""), quote(secret, safe="/:")}
        merged = set(self._secrets) | {f for f in forms if f}
        self._secrets = tuple(sorted(merged, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} values)"


# Every value any channel expanded, for output we do not write ourselves: urllib3
# logs the request line (path and query: a Slack hook's secret) at DEBUG.
PROCESS = Redactor()


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets hidden, before any handler sees it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = self.redactor(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


# A logger's filters do not see its children's records: name each module that logs.
_FILTERED_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "pytest_burnin.alerting",
)


def install_log_redaction() -> None:
    """Attach the process-wide filter to the loggers that may quote a URL (idempotent)."""
    for name in _FILTERED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter(PROCESS))
