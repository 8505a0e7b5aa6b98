"""A canary secret planted through the environment must appear in no output at all."""

from __future__ import annotations

import logging
import secrets as random_secrets
from pathlib import Path
from urllib.parse import quote

import pytest

from pytest_burnin.alerting import (
    MissingSecretError,
    Notification,
    build_channel,
    deliver,
    flush,
)

from .receiver import Receiver, RefusingPort, Reply

FAST = {"backoff": 0.01, "max_backoff": 0.02}


@pytest.fixture
def canary(monkeypatch: pytest.MonkeyPatch) -> str:
    value = "canary" + random_secrets.token_hex(12)
    monkeypatch.setenv("BURNIN_CANARY_PATH", f"T0/B0/{value}")
    monkeypatch.setenv("BURNIN_CANARY_TOKEN", value)
    return value


def assert_nowhere(canary: str, *texts: str, spool: Path | None = None) -> None:
    forms = {canary, quote(canary, safe="")}
    for text in texts:
        for form in forms:
            assert form not in text
    if spool is not None:
        for path in spool.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert not any(form.encode() in data for form in forms), path


def test_canary_in_path_header_and_echoing_receiver(
    canary: str,
    receiver: Receiver,
    notification: Notification,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # urllib3 logs the request line at DEBUG
    spec = {
        "type": "slack",
        "url": receiver.url + "/services/${BURNIN_CANARY_PATH}",
        "headers": {"Authorization": "Bearer ${BURNIN_CANARY_TOKEN}"},
        "retries": 1,
        **FAST,
    }
    channel = build_channel("slack-ops", spec)
    # The receiver quotes the secret path and header back in its error bodies.
    receiver.script.extend([Reply(503, echo=True), Reply(404, echo=True)])
    result = deliver(notification, channel, spool_dir=tmp_path)
    assert not result.delivered and result.dead_lettered
    assert result.last_error is not None and "***" in result.last_error
    assert receiver.requests[0].headers["Authorization"] == f"Bearer {canary}"  # it was sent

    receiver.script.extend([Reply(503, echo=True), Reply(503, echo=True)])
    spooled = deliver(Notification.of(*notification.alerts, external_url="x"), channel,
                      spool_dir=tmp_path)  # fmt: skip
    assert spooled.spooled
    texts = [repr(result), str(result.last_error), repr(spooled), repr(channel), caplog.text]
    texts += [r.getMessage() for r in caplog.records]
    assert_nowhere(canary, *texts, spool=tmp_path)
    assert any("slack-ops" in r.getMessage() for r in caplog.records)  # logging did happen
    assert any("hooks" in t or "/services/***" in t for t in texts)


def test_canary_as_whole_url_with_query(
    canary: str,
    receiver: Receiver,
    notification: Notification,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("BURNIN_HOOK_URL", f"{receiver.url}/hook?token={canary}")
    channel = build_channel("hook", {"type": "webhook", "url": "${BURNIN_HOOK_URL}", "retries": 0})
    receiver.default = Reply(400, echo=True)
    result = deliver(notification, channel, spool_dir=tmp_path)
    assert result.last_error is not None
    assert result.last_error.startswith(f"hook: POST {receiver.url}/hook?***: HTTP 400")
    assert_nowhere(canary, repr(result), caplog.text, spool=tmp_path)


def test_canary_in_connection_errors_and_bad_header_values(
    canary: str,
    notification: Notification,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    port = RefusingPort()
    try:
        refused = build_channel(
            "hook", {"type": "webhook", "url": port.url + "/x/${BURNIN_CANARY_TOKEN}", "retries": 0}
        )
        r1 = deliver(notification, refused, spool_dir=tmp_path)
        assert r1.last_error is not None and "connection refused" in r1.last_error
        # A header value requests refuses to send: its message would quote the value.
        monkeypatch.setenv("BURNIN_CANARY_TOKEN", canary + "\n")
        bad_header = build_channel(
            "bad",
            {"type": "webhook", "url": port.url, "headers": {"X": "${BURNIN_CANARY_TOKEN}"},
             "retries": 0},
        )  # fmt: skip
        r2 = deliver(notification, bad_header, spool_dir=tmp_path)
        assert r2.last_error is not None and "InvalidHeader" in r2.last_error
        r3 = flush(tmp_path, [refused, bad_header])
    finally:
        port.close()
    assert_nowhere(canary, repr(r1), repr(r2), repr(r3), caplog.text, spool=tmp_path)


def test_missing_variable_error_names_it_and_nothing_else(
    canary: str, notification: Notification, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BURNIN_CANARY_PATH")
    channel = build_channel(
        "hook",
        {
            "type": "webhook",
            "url": "http://127.0.0.1:9/${BURNIN_CANARY_TOKEN}/${BURNIN_CANARY_PATH}",
        },
    )
    with pytest.raises(MissingSecretError) as info:
        channel.check()
    assert str(info.value) == (
        "environment variable BURNIN_CANARY_PATH is not set (referenced by channel 'hook' url)"
    )
    result = deliver(notification, channel)
    assert result.last_error == (
        "hook: environment variable BURNIN_CANARY_PATH is not set (referenced by channel 'hook' url)"
    )
    assert result.attempts == 1  # a config error is not retried...
    assert_nowhere(canary, repr(result), str(info.value))


def test_email_credentials_never_shown(canary: str, notification: Notification) -> None:
    port = RefusingPort()
    try:
        channel = build_channel(
            "mail",
            {"type": "email", "host": "127.0.0.1", "port": port.port, "from": "a@b.c",
             "to": "d@e.f", "username": "burnin", "password": "${BURNIN_CANARY_TOKEN}",
             "retries": 0},
        )  # fmt: skip
        result = deliver(notification, channel)
    finally:
        port.close()
    assert result.last_error == f"mail: SMTP 127.0.0.1:{port.port}: connection refused"
    assert_nowhere(canary, repr(result), repr(channel))
