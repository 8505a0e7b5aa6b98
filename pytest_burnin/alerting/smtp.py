"""The email channel: SMTP with STARTTLS, credentials from the environment."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from typing import Any

from ..httpio import Deadline
from . import payload
from .base import DEFAULT_POLICY, Attempt, ChannelBase, Outcome, Policy
from .model import Notification
from .secrets import MissingSecretError


def _smtp_outcome(code: int) -> Outcome:
    # 4yz is "try again later", 5yz "this will not work": RFC 5321's own split.
    return "retry" if 400 <= code < 500 else "rejected"


class _BoundedSMTP(smtplib.SMTP):
    """SMTP whose sockets a ``Deadline`` can shut: smtplib's timeout is per read, so
    a server answering a byte a second would otherwise hold the run."""

    def __init__(self, guard: Deadline, timeout: float) -> None:
        self._guard = guard
        super().__init__(timeout=timeout)

    def connect(self, host: str = "localhost", port: int = 0, source_address: Any = None) -> Any:
        self._host = host  # what SMTP(host) sets: STARTTLS checks the certificate against it
        return super().connect(host, port, source_address)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock: socket.socket = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self._guard.watch(sock)
        return sock

    def starttls(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        reply = super().starttls(*args, **kwargs)
        self._guard.watch(self.sock)  # the TLS socket replaced the plain one
        return reply


class EmailChannel(ChannelBase):
    """Sends a plain-text + HTML message. Never logs in over an unencrypted link."""

    type = "email"

    def __init__(
        self,
        name: str,
        *,
        host: str,
        port: int = 587,
        sender: str,
        to: Sequence[str],
        starttls: bool = True,
        username: str = "",
        password: str = "",
        ca_file: str = "",
        subject_prefix: str = "",
        runbook_base_url: str = "",
        policy: Policy = DEFAULT_POLICY,
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(name, policy, env)
        if username and not starttls:
            raise ValueError(f"channel {name!r}: username given without starttls: true")
        if not to:
            raise ValueError(f"channel {name!r}: 'to' names no recipient")
        self.host, self.port, self.sender, self.to = host, port, sender, list(to)
        self.starttls = starttls
        self._username, self._password = username, password
        self.ca_file = ca_file  # absolute, or relative to the working directory
        self.subject_prefix = subject_prefix
        self.runbook_base_url = runbook_base_url

    def _templates(self) -> dict[str, str]:
        return {"host": self.host, "username": self._username, "password": self._password}

    def render(self, notification: Notification) -> bytes:
        n = payload.with_runbook_links(notification, self.runbook_base_url)
        msg = payload.email_message(
            n, sender=self.sender, recipients=self.to, subject_prefix=self.subject_prefix
        )
        return msg.as_bytes()

    def _tls(self) -> ssl.SSLContext | Attempt:
        try:
            return ssl.create_default_context(cafile=self.ca_file or None)
        except (OSError, ValueError) as exc:
            why = "no such file" if isinstance(exc, FileNotFoundError) else type(exc).__name__
            return self._fail("config", f"ca_file {self.ca_file!r}: {why}")

    def attempt(self, notification: Notification, timeout: float) -> Attempt:
        try:
            host = self._expand(self.host, "host")
            user = self._expand(self._username, "username")
        except MissingSecretError as exc:
            return self._fail("config", str(exc))
        context = self._tls() if self.starttls else None
        if isinstance(context, Attempt):
            return context
        message = self.render(notification)
        where = f"SMTP {host}:{self.port}"
        with Deadline(timeout) as guard:
            try:
                with _BoundedSMTP(guard, timeout) as smtp:
                    smtp.connect(host, self.port)
                    smtp.ehlo()
                    if context is not None:
                        smtp.starttls(context=context)
                        smtp.ehlo()
                    if user:
                        # Expanded here, so no other frame's locals ever hold it (and
                        # this one holds a Secret, whose repr is '***').
                        smtp.login(user, self._expand(self._password, "password"))
                    smtp.sendmail(self.sender, self.to, message)
            except MissingSecretError as exc:
                return self._fail("config", str(exc))
            except UnicodeError:
                # An empty label (mail..example.com) fails IDNA encoding in getaddrinfo.
                return self._fail(
                    "config", f"host {host!r} is not a valid host name; check the channel's host"
                )
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                outcome: Outcome = "retry" if all(400 <= c < 500 for c in codes) else "rejected"
                return self._fail(outcome, f"{where}: recipients refused ({codes})")
            except smtplib.SMTPAuthenticationError as exc:
                return self._fail("config", f"{where}: login refused ({exc.smtp_code})")
            except smtplib.SMTPNotSupportedError:
                return self._fail("config", f"{where}: server does not offer STARTTLS")
            except smtplib.SMTPResponseException as exc:
                err = exc.smtp_error
                text = err.decode(errors="replace") if isinstance(err, bytes) else ""
                return self._fail(_smtp_outcome(exc.smtp_code), f"{where}: {exc.smtp_code} {text}")
            except ssl.SSLCertVerificationError as exc:
                return self._fail(
                    "config", f"{where}: TLS certificate not trusted ({exc.verify_message})"
                )
            except (OSError, smtplib.SMTPException) as exc:
                # Timeouts, refusals, resets, a dropped link: all worth another try.
                reason = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
                if guard.expired or guard.remaining() <= 0:
                    reason = f"no complete exchange within {timeout:g}s"
                elif isinstance(exc, ConnectionRefusedError):
                    reason = "connection refused"
                refused = isinstance(exc, ConnectionRefusedError)
                return self._fail("retry", f"{where}: {reason}", unsent=refused)
        return Attempt("ok", status=250)
