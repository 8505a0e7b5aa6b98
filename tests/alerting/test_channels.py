"""Each channel against a real receiver on 127.0.0.1 (email: test_email.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_burnin.alerting import (
    ChannelSpecError,
    Notification,
    build_channel,
    channel_from_document,
    deliver,
)
from pytest_burnin.alerting.channels import FileChannel, Policy

from .conftest import make_alert
from .receiver import Receiver

BASE = "https://git.example/ingest/blob/main"


def test_webhook_posts_v4_json_with_idempotency_key(
    receiver: Receiver, notification: Notification
) -> None:
    spec = {"type": "webhook", "url": receiver.url + "/hook", "headers": {"X-Team": "ingest"}}
    channel = build_channel("ops-webhook", spec)
    result = deliver(notification, channel)
    assert result.delivered and result.attempts == 1 and result.status == 200
    (got,) = receiver.requests
    assert got.path == "/hook"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Idempotency-Key"] == notification.dedup_key
    assert got.headers["X-Team"] == "ingest"
    body = got.json()
    assert body["version"] == "4" and body["receiver"] == "ops-webhook"
    assert body["dedupKey"] == notification.dedup_key
    assert body["alerts"][0]["fingerprint"] == notification.alerts[0].fingerprint


def test_slack_posts_blocks_with_runbook_button(
    receiver: Receiver, notification: Notification
) -> None:
    spec = {"type": "slack", "url": receiver.url + "/services/T0/B0/X", "runbook_base_url": BASE}
    result = deliver(notification, build_channel("slack-ops", spec))
    assert result.delivered
    blocks = receiver.requests[0].json()["blocks"]
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    assert actions["elements"][0]["url"] == BASE + "/docs/runbooks/integrity.md"


def test_alertmanager_posts_v2_list_to_its_api(
    receiver: Receiver, notification: Notification
) -> None:
    result = deliver(
        notification, build_channel("am", {"type": "alertmanager", "url": receiver.url})
    )
    assert result.delivered
    (got,) = receiver.requests
    assert got.path == "/api/v2/alerts"
    body = got.json()
    assert isinstance(body, list) and body[0]["labels"]["alertname"] == "IntegrityRateHigh"
    assert set(body[0]) == {"labels", "annotations", "startsAt", "generatorURL"}


def test_file_channel_appends_one_fsynced_line_per_notification(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "alerts.jsonl"
    channel = build_channel("local", {"type": "file", "path": str(out)})
    assert isinstance(channel, FileChannel)
    for i in range(3):
        result = deliver(Notification.of(make_alert(labels={"alertname": f"A{i}"})), channel)
        assert result.delivered
    lines = out.read_bytes().splitlines()
    assert [json.loads(x)["alerts"][0]["labels"]["alertname"] for x in lines] == ["A0", "A1", "A2"]


def test_file_channel_failure_is_retryable(tmp_path: Path, notification: Notification) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    channel = FileChannel("local", str(blocker / "alerts.jsonl"), policy=Policy(retries=0))
    result = deliver(notification, channel)
    assert not result.delivered and result.last_error
    assert "append to alerts.jsonl" in result.last_error


def test_spec_values_become_a_policy() -> None:
    spec = {
        "type": "webhook",
        "url": "http://x",
        "timeout": "1500ms",
        "retries": 5,
        "backoff": 0.25,
        "max_backoff": "10s",
        "retry_after_cap": "2m",
        "deadline": "100s",
    }
    assert build_channel("w", spec).policy == Policy(1.5, 5, 0.25, 10.0, 120.0, 100.0)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"type": "sms"}, "type: expected one of webhook, slack"),
        ({"type": "webhook"}, "'url' is required"),
        ({"type": "webhook", "url": "x", "timeout": "soon"}, "timeout: not a valid duration"),
        ({"type": "webhook", "url": "x", "retries": 11}, "retries: expected 0..10"),
        ({"type": "email", "host": "h", "from": "a@b", "to": []}, "names no recipient"),
        (
            {"type": "email", "host": "h", "from": "a@b", "to": "c@d", "starttls": False,
             "username": "u"},
            "username given without starttls",
        ),
    ],
)  # fmt: skip
def test_bad_specs_are_clear_errors(spec: dict[str, object], message: str) -> None:
    with pytest.raises(ChannelSpecError, match=message):
        build_channel("c", spec)


def test_channel_from_document() -> None:
    doc = {
        "apiVersion": "burnin/v1",
        "kind": "Channel",
        "metadata": {"name": "ops"},
        "spec": {"type": "slack", "url": "https://hooks.slack.com/services/${X}"},
    }
    channel = channel_from_document(doc, env={})
    assert (channel.name, channel.type) == ("ops", "slack")
    with pytest.raises(Exception, match="environment variable X is not set"):
        channel.check()


def test_email_recipients_as_a_comma_separated_string() -> None:
    spec = {"type": "email", "host": "h", "from": "a@b.c", "to": "x@y.z, w@y.z"}
    channel = build_channel("mail", spec)
    assert channel.to == ["x@y.z", "w@y.z"]  # type: ignore[attr-defined]
