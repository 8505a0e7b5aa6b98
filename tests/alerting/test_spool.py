"""The spool and the delivery loop, with a scripted in-memory channel and a fake clock."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pytest_burnin.alerting import Attempt, Notification, Policy, deliver, flush
from pytest_burnin.alerting import spool as sp
from pytest_burnin.alerting.delivery import backoff_delay
from pytest_burnin.alerting.secrets import Redactor

from .conftest import make_alert


@dataclass
class Scripted:
    """A Channel whose attempts follow a script; the last entry repeats."""

    script: list[Attempt]
    name: str = "scripted"
    type: str = "test"
    policy: Policy = field(default_factory=lambda: Policy(timeout=1, retries=3, backoff=1))
    redactor: Redactor = field(default_factory=Redactor)
    calls: int = 0

    def attempt(self, notification: Notification, timeout: float) -> Attempt:
        self.calls += 1
        return self.script[min(self.calls, len(self.script)) - 1]

    def check(self) -> None:
        pass

    def close(self) -> None:
        pass


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_write_is_atomic_idempotent_and_holds_no_channel_config(
    tmp_path: Path, notification: Notification
) -> None:
    path = sp.write(tmp_path, "slack-ops", notification, 100.0)
    again = sp.write(tmp_path, "slack-ops", notification, 200.0)
    assert path == again and sp.pending(tmp_path) == [path]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind
    record = json.loads(path.read_text())
    assert set(record) == {"format", "channel", "dedupKey", "handedOffAt", "notification"}
    assert record["handedOffAt"] == 100.0  # the first hand-off is kept
    entry = sp.read(path)
    assert entry.notification == notification and entry.channel == "slack-ops"


def test_same_notification_on_two_channels_is_two_entries(
    tmp_path: Path, notification: Notification
) -> None:
    a = sp.write(tmp_path, "a", notification, 1.0)
    b = sp.write(tmp_path, "b", notification, 1.0)
    assert a != b and len(sp.pending(tmp_path)) == 2


def test_an_entry_held_by_another_delivery_is_skipped(
    tmp_path: Path, notification: Notification
) -> None:
    path = sp.write(tmp_path, "scripted", notification, 1.0)
    channel = Scripted([Attempt("ok", status=200)])
    with sp.claimed(path) as ours:  # flock is per open file: a second open conflicts
        assert ours
        assert flush(tmp_path, [channel]) == []
        result = deliver(notification, channel, spool_dir=tmp_path)
        assert not result.delivered and result.spooled and result.attempts == 0
    assert channel.calls == 0
    assert [r.delivered for r in flush(tmp_path, [channel])] == [True]


def test_unreadable_entry_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "broken--x.json").write_text("{not json")
    assert flush(tmp_path, []) == []
    assert [p.name for p in sp.dead_letters(tmp_path)] == ["broken--x.json"]
    with pytest.raises(sp.SpoolError, match="unreadable spool entry"):
        sp.read(sp.dead_letters(tmp_path)[0])


def test_backoff_grows_with_equal_jitter_and_caps() -> None:
    p = Policy(backoff=1, max_backoff=5, retry_after_cap=10)
    assert [backoff_delay(n, p, None, lambda: 0.0) for n in (1, 2, 3, 4)] == [0.5, 1, 2, 2.5]
    assert [backoff_delay(n, p, None, lambda: 1.0) for n in (1, 2, 3, 4)] == [1, 2, 4, 5]
    assert backoff_delay(1, p, 7, lambda: 0.0) == 7  # Retry-After longer than our step
    assert backoff_delay(1, p, 3600, lambda: 0.0) == 10  # ...but capped


def test_retries_are_bounded(notification: Notification, tmp_path: Path) -> None:
    t = FakeTime()
    channel = Scripted([Attempt("retry", error="scripted: HTTP 503", status=503)])
    result = deliver(notification, channel, spool_dir=tmp_path, sleep=t.sleep, clock=t.clock,
                     rng=lambda: 1.0)  # fmt: skip
    assert channel.calls == 4 and result.attempts == 4
    assert t.sleeps == [1, 2, 4]
    assert result.last_error == "scripted: HTTP 503" and result.status == 503 and result.spooled


def test_deadline_stops_retrying_and_leaves_it_to_the_spool(
    notification: Notification, tmp_path: Path
) -> None:
    t = FakeTime()
    channel = Scripted(
        [Attempt("retry", retry_after=50)], policy=Policy(timeout=10, retries=5, deadline=90)
    )
    result = deliver(notification, channel, spool_dir=tmp_path, sleep=t.sleep, clock=t.clock)
    assert t.sleeps == [50]  # a second 50 s wait would end past the 90 s deadline
    assert result.attempts == 2 and result.spooled


def test_latency_is_from_hand_off(notification: Notification) -> None:
    t = FakeTime()
    channel = Scripted([Attempt("retry"), Attempt("ok", status=204)])
    result = deliver(notification, channel, sleep=t.sleep, clock=t.clock, rng=lambda: 0.0,
                     handed_off_at=t.now - 5)  # fmt: skip
    assert result.delivered and result.status == 204
    assert result.latency == pytest.approx(5.5)


def test_flush_oldest_first_and_limit(tmp_path: Path) -> None:
    notes = [Notification.of(make_alert(labels={"alertname": f"A{i}"})) for i in range(3)]
    for i, n in enumerate(notes):
        path = sp.write(tmp_path, "scripted", n, float(i))
        os.utime(path, (i, i))
    channel = Scripted([Attempt("ok")])
    first = flush(tmp_path, [channel], limit=2)
    assert [r.dedup_key for r in first] == [n.dedup_key for n in notes[:2]]
    assert [r.dedup_key for r in flush(tmp_path, [channel])] == [notes[2].dedup_key]


def test_flush_stops_trying_a_channel_that_is_down(tmp_path: Path) -> None:
    for i in range(5):
        sp.write(tmp_path, "scripted", Notification.of(make_alert(labels={"i": str(i)})), 1.0)
    t = FakeTime()
    channel = Scripted([Attempt("retry", error="scripted: connection refused")])
    results = flush(tmp_path, [channel], sleep=t.sleep, clock=t.clock)
    assert channel.calls == 4  # one entry's full retry cycle, not five
    assert [r.attempts for r in results] == [4, 0, 0, 0, 0]
    assert (
        results[1].last_error
        == "channel 'scripted' failed earlier in this flush; left in the spool"
    )
    assert len(sp.pending(tmp_path)) == 5
