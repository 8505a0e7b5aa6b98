"""The email channel against a real SMTP server on 127.0.0.1 (aiosmtpd) with STARTTLS."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from pytest_burnin.alerting import Notification, build_channel, deliver

from .receiver import free_port

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd is needed for a real SMTP server")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

BASE = "https://git.example/ingest/blob/main"


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (IP SAN) and its key, with cryptography or openssl."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if not shutil.which("openssl"):
            pytest.skip("neither the cryptography package nor the openssl CLI is available")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return cert, key
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )  # fmt: skip
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


class Mailbox:
    """Records messages; answers DATA from a script (then 250)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes, bool]] = []
        self.script: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.authenticated)
        )
        return self.script.pop(0) if self.script else "250 Message accepted"


def authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"burnin", b"s3cret")
    return AuthResult(success=ok, handled=False)  # False: aiosmtpd sends the 535


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[Mailbox, int, Path]]:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox()
    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        auth_require_tls=True,
        authenticator=authenticator,
        ready_timeout=10,
    )
    controller.start()
    try:
        yield box, port, cert
    finally:
        controller.stop()


def channel(port: int, cert: Path, **spec: Any) -> Any:
    base = {
        "type": "email",
        "host": "127.0.0.1",
        "port": port,
        "from": "burnin@example.com",
        "to": ["oncall@example.com", "lead@example.com"],
        "username": "burnin",
        "password": "${BURNIN_SMTP_PASSWORD}",
        "ca_file": str(cert),
        "runbook_base_url": BASE,
        "subject_prefix": "[burnin]",
        "backoff": 0.01,
    }
    return build_channel("mail", {**base, **spec}, env={"BURNIN_SMTP_PASSWORD": "s3cret"})


def test_delivers_over_starttls_with_login(
    smtp: tuple[Mailbox, int, Path], notification: Notification
) -> None:
    box, port, cert = smtp
    result = deliver(notification, channel(port, cert))
    assert result.delivered and result.attempts == 1, result.last_error
    ((sender, rcpts, raw, authenticated),) = box.messages
    assert sender == "burnin@example.com"
    assert rcpts == ["oncall@example.com", "lead@example.com"]
    assert authenticated
    msg = email.message_from_bytes(raw, policy=default)
    assert msg["Subject"].startswith("[burnin] [FIRING] IntegrityRateHigh (critical): ")
    assert msg["X-Burnin-Dedup-Key"] == notification.dedup_key
    plain = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"Runbook: {BASE}/docs/runbooks/integrity.md" in plain
    assert "Remediation: Pause the scorer rollout" in plain
    assert f'href="{BASE}/docs/runbooks/integrity.md"' in html


def test_temporary_failure_is_retried_permanent_is_not(
    smtp: tuple[Mailbox, int, Path], notification: Notification, tmp_path: Path
) -> None:
    box, port, cert = smtp
    box.script = ["451 Try again later"]
    result = deliver(notification, channel(port, cert, retries=2))
    assert result.delivered and result.attempts == 2

    box.script = ["554 Message rejected"]
    rejected = deliver(notification, channel(port, cert, retries=2), spool_dir=tmp_path / "s")
    assert not rejected.delivered and rejected.attempts == 1 and rejected.dead_lettered
    assert rejected.last_error == f"mail: SMTP 127.0.0.1:{port}: 554 Message rejected"


def test_wrong_password_is_not_retried_but_kept(
    smtp: tuple[Mailbox, int, Path], notification: Notification, tmp_path: Path
) -> None:
    _, port, cert = smtp
    ch = build_channel(
        "mail",
        {"type": "email", "host": "127.0.0.1", "port": port, "from": "a@example.com",
         "to": "b@example.com", "username": "burnin", "password": "${PW}", "ca_file": str(cert),
         "backoff": 0.01},
        env={"PW": "wrong-password"},
    )  # fmt: skip
    result = deliver(notification, ch, spool_dir=tmp_path)
    assert not result.delivered and result.attempts == 1
    assert result.last_error == f"mail: SMTP 127.0.0.1:{port}: login refused (535)"
    assert result.spooled  # kept for the first flush after the password is fixed


def test_untrusted_certificate_is_a_config_error(
    smtp: tuple[Mailbox, int, Path], notification: Notification
) -> None:
    _, port, _ = smtp
    result = deliver(notification, channel(port, Path("/nonexistent"), ca_file=""))
    assert not result.delivered and result.attempts == 1
    assert result.last_error is not None and "TLS certificate not trusted" in result.last_error
