"""The faults issue 5 names, each against a real receiver on 127.0.0.1.

Delivery is at least once: whatever goes wrong, the notification stays in the
spool until a 2xx, and every copy the receiver sees carries the same dedup key.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from pytest_burnin.alerting import Notification, build_channel, deliver, flush
from pytest_burnin.alerting.channels import parse_retry_after
from pytest_burnin.alerting.spool import dead_letters, pending

from .receiver import Receiver, RefusingPort, Reply

FAST = {"backoff": 0.01, "max_backoff": 0.05}
REPO = Path(__file__).resolve().parents[2]


def webhook(url: str, **spec: Any) -> Any:
    return build_channel("hook", {"type": "webhook", "url": url + "/hook", **FAST, **spec})


def test_500_then_200_is_delivered_on_retry(
    receiver: Receiver, notification: Notification, tmp_path: Path
) -> None:
    receiver.script.extend([Reply(500), Reply(200)])
    result = deliver(notification, webhook(receiver.url, retries=2), spool_dir=tmp_path)
    assert result.delivered and result.attempts == 2 and result.status == 200
    assert result.latency is not None and 0 < result.latency < 5
    assert receiver.keys() == [notification.dedup_key] * 2
    assert pending(tmp_path) == []


@pytest.mark.parametrize("status", [408, 429, 502, 503])
def test_retryable_statuses(receiver: Receiver, notification: Notification, status: int) -> None:
    receiver.script.append(Reply(status))
    result = deliver(notification, webhook(receiver.url, retries=1))
    assert result.delivered and result.attempts == 2


def test_retry_after_is_honoured_and_capped(receiver: Receiver, notification: Notification) -> None:
    receiver.script.extend([Reply(429, {"Retry-After": "3600"}), Reply(503, {"Retry-After": "0"})])
    waits: list[float] = []
    channel = webhook(receiver.url, retries=2, retry_after_cap=0.3)
    result = deliver(notification, channel, sleep=waits.append)
    assert result.delivered and result.attempts == 3
    assert waits[0] == pytest.approx(0.3)  # an hour asked, the cap given
    assert waits[1] <= 0.05  # "0" does not shorten below our own backoff, nor stretch it


def test_4xx_is_permanent_and_dead_lettered(
    receiver: Receiver, notification: Notification, tmp_path: Path
) -> None:
    receiver.default = Reply(400, body=b"invalid_blocks")
    result = deliver(notification, webhook(receiver.url, retries=3), spool_dir=tmp_path)
    assert not result.delivered and result.attempts == 1 and result.status == 400
    assert result.dead_lettered and not result.spooled
    assert result.last_error == f"hook: POST {receiver.url}/hook: HTTP 400: invalid_blocks"
    assert pending(tmp_path) == [] and len(dead_letters(tmp_path)) == 1
    assert flush(tmp_path, [webhook(receiver.url)]) == []  # not retried forever


def test_hang_past_timeout_is_spooled_then_flushed(
    receiver: Receiver, notification: Notification, tmp_path: Path
) -> None:
    receiver.default = Reply(stall=True)
    channel = webhook(receiver.url, retries=0, timeout=0.3)
    t0 = time.monotonic()
    result = deliver(notification, channel, spool_dir=tmp_path)
    assert time.monotonic() - t0 < 3
    assert not result.delivered and result.spooled
    assert result.last_error == f"hook: POST {receiver.url}/hook: timed out after 0.3s"
    assert len(pending(tmp_path)) == 1

    receiver.default = Reply(200)
    (flushed,) = flush(tmp_path, [channel])
    assert flushed.delivered and flushed.dedup_key == notification.dedup_key
    assert pending(tmp_path) == []
    assert receiver.keys() == [notification.dedup_key] * 2  # a repeat, recognisable as one


def test_refused_for_the_whole_run_then_flushed_exactly_once(
    notification: Notification, tmp_path: Path
) -> None:
    port = RefusingPort()
    receiver = None
    try:
        channel = webhook(port.url, retries=2)
        result = deliver(notification, channel, spool_dir=tmp_path)
        assert not result.delivered and result.attempts == 3 and result.spooled
        assert result.last_error == f"hook: POST {port.url}/hook: connection refused"

        receiver = port.serve()  # the receiver comes back
        (flushed,) = flush(tmp_path, {"hook": channel})
        assert flushed.delivered and flushed.attempts == 1
        assert flush(tmp_path, {"hook": channel}) == []  # nothing left to send
        assert receiver.keys() == [notification.dedup_key]
        assert receiver.requests[0].json()["dedupKey"] == notification.dedup_key
    finally:
        port.close()
        if receiver is not None:
            receiver.stop()


def test_flush_keeps_entries_of_unknown_channels(
    notification: Notification, tmp_path: Path
) -> None:
    port = RefusingPort()
    try:
        deliver(notification, webhook(port.url, retries=0), spool_dir=tmp_path)
    finally:
        port.close()
    (result,) = flush(tmp_path, {})
    assert not result.delivered and result.spooled
    assert result.last_error == "channel 'hook' is not configured; left in the spool"
    assert len(pending(tmp_path)) == 1


def test_latency_of_a_flushed_entry_counts_from_the_first_hand_off(
    receiver: Receiver, notification: Notification, tmp_path: Path
) -> None:
    receiver.script.append(Reply(503))
    channel = webhook(receiver.url, retries=0)
    deliver(notification, channel, spool_dir=tmp_path, handed_off_at=time.time() - 30)
    (flushed,) = flush(tmp_path, [channel])
    assert flushed.latency is not None and 30 <= flushed.latency < 35


# A child process delivers, stalls at the receiver and is killed with SIGKILL.
CHILD = """
import json, sys
from pytest_burnin.alerting import Notification, build_channel, deliver, flush
spec, note, spool, mode = json.loads(sys.argv[1])
channel = build_channel("hook", spec)
if mode == "deliver":
    deliver(Notification.from_json(note), channel, spool_dir=spool)
else:
    print(json.dumps([r.__dict__ for r in flush(spool, [channel])]))
"""


def _child(*args: Any) -> list[str]:
    return [sys.executable, "-c", CHILD, json.dumps(args)]


def test_sigkill_mid_delivery_then_flush_from_a_fresh_process(
    receiver: Receiver, notification: Notification, tmp_path: Path
) -> None:
    receiver.default = Reply(stall=True)
    spec = {"type": "webhook", "url": receiver.url + "/hook", "timeout": 30, "retries": 0}
    spool = str(tmp_path / "spool")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(_child(spec, notification.to_json(), spool, "deliver"), env=env)
    try:
        assert receiver.wait_for(1, timeout=20), "the child never reached the receiver"
        assert len(pending(Path(spool))) == 1  # spooled before the first attempt
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert len(pending(Path(spool))) == 1  # the kill lost nothing

    receiver.default = Reply(200)
    out = subprocess.run(
        _child(spec, None, spool, "flush"), env=env, capture_output=True, timeout=60, check=True
    )
    (result,) = json.loads(out.stdout)
    assert result["delivered"] and result["dedup_key"] == notification.dedup_key
    assert pending(Path(spool)) == []
    assert receiver.keys() == [notification.dedup_key] * 2
    assert {r.json()["dedupKey"] for r in receiver.requests} == {notification.dedup_key}


@pytest.mark.parametrize("status", [401, 403])
def test_credential_errors_are_not_retried_but_stay_spooled(
    receiver: Receiver, notification: Notification, tmp_path: Path, status: int
) -> None:
    receiver.script.append(Reply(status, body=b"invalid token"))
    channel = webhook(receiver.url, retries=3)
    result = deliver(notification, channel, spool_dir=tmp_path)
    assert not result.delivered and result.attempts == 1 and result.spooled
    assert result.last_error is not None and result.last_error.endswith("invalid token")
    (flushed,) = flush(tmp_path, [channel])  # credentials fixed: the next flush delivers
    assert flushed.delivered


def test_retry_after_as_http_date(receiver: Receiver, notification: Notification) -> None:
    when = format_datetime(datetime.now(timezone.utc) + timedelta(hours=1), usegmt=True)
    receiver.script.append(Reply(503, {"Retry-After": when}))
    waits: list[float] = []
    channel = webhook(receiver.url, retries=1, retry_after_cap=0.2)
    assert deliver(notification, channel, sleep=waits.append).delivered
    assert waits == [pytest.approx(0.2)]


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 28, 10, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sat, 28 Nov 2026 10:00:30 GMT", now) == 30
    assert parse_retry_after("Sat, 28 Nov 2026 09:00:00 GMT", now) == 0  # in the past
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_a_huge_error_body_is_cut(receiver: Receiver, notification: Notification) -> None:
    receiver.default = Reply(400, body=b"x" * 500_000)
    result = deliver(notification, webhook(receiver.url))
    assert result.last_error == f"hook: POST {receiver.url}/hook: HTTP 400: " + "x" * 200
