"""The channel contract: one attempt, classified. Retrying is delivery.py's job.

Every built-in channel keeps its spec's *templates* and expands ``${VAR}``
references at each attempt (secrets.py), so a channel object, its repr and the
spool never hold a credential. An attempt never raises for a delivery problem:
it returns an ``Attempt`` whose ``error`` is already redacted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from .model import Notification
from .secrets import (
    PROCESS,
    Environment,
    MissingSecretError,
    Redactor,
    expand,
    install_log_redaction,
    references,
)

# ok: delivered. retry: may succeed later (5xx, 408, 429, network, timeout).
# rejected: the receiver refused this notification for good (other 4xx, SMTP 5xx).
# config: our side is wrong (a missing variable, credentials, TLS); not retried now,
# but kept in the spool so the first flush after the fix delivers it.
Outcome = Literal["ok", "retry", "rejected", "config"]


@dataclass(frozen=True)
class Policy:
    """Per-channel delivery bounds, all in seconds."""

    timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 30.0
    retry_after_cap: float = 60.0
    # No retry starts after this many seconds: an alert is owed within 2 minutes of
    # the breach, and a waiting notification is safe in the spool for the next flush.
    deadline: float = 90.0


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    status: int | None = None
    retry_after: float | None = None
    error: str = ""
    # Nothing left this machine (a refused connection): a retry cannot be a repeat.
    unsent: bool = False


class Channel(Protocol):
    """What delivery needs of a channel. Implement it to add a channel type."""

    name: str
    type: str
    policy: Policy
    redactor: Redactor

    def attempt(self, notification: Notification, timeout: float) -> Attempt:
        """Send once, within ``timeout`` seconds; classify the result."""
        ...

    def check(self) -> None:
        """Raise ``MissingSecretError`` if a referenced variable is not set."""
        ...

    def close(self) -> None: ...


class ChannelBase:
    """What every built-in channel shares: a name, a policy, and secrets resolved late."""

    type = "base"

    def __init__(self, name: str, policy: Policy, env: Mapping[str, str] | None) -> None:
        self.name = name
        self.policy = policy
        self.redactor = Redactor(parent=PROCESS)
        install_log_redaction()
        self._env = env  # None: os.environ at each attempt, so a rotated secret is seen

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _expand(self, template: str, where: str) -> str:
        env = Environment(self._env)
        return expand(template, env, self.redactor, where=f"channel {self.name!r} {where}")

    def _templates(self) -> dict[str, str]:
        return {}

    def check(self) -> None:
        env = Environment(self._env)
        for where, template in self._templates().items():
            for var in references(template):
                if var not in env:
                    raise MissingSecretError(var, f"channel {self.name!r} {where}")

    def close(self) -> None:
        pass

    def _fail(
        self, outcome: Outcome, what: str, status: int | None = None, *, unsent: bool = False
    ) -> Attempt:
        error = self.redactor(f"{self.name}: {what}")
        return Attempt(outcome, status=status, error=error, unsent=unsent)
