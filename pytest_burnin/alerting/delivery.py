"""Delivery: spool first, attempt with timeouts, back off, and account for every try.

At least once: a notification is on disk before the first attempt and leaves
it only after a 2xx, so a receiver may see a repeat (after a kill or a lost
response) but always with the same dedup key (``Idempotency-Key`` header and
``dedupKey`` in the body), which lets it drop the repeat. Slack and email
cannot, so every 2xx is journaled (journal.py) and never sent again; what
remains is a kill between the receiver taking a request and that journal entry.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import journal, spool
from .base import Attempt, Channel, Policy
from .model import Notification

log = logging.getLogger("pytest_burnin.alerting")

Sleep = Callable[[float], None]
Clock = Callable[[], float]


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one notification on one channel. Holds no secret: errors are redacted."""

    channel: str
    dedup_key: str
    delivered: bool
    attempts: int
    latency: float | None = None  # seconds from hand-off to the 2xx; None unless delivered
    last_error: str | None = None
    status: int | None = None
    spooled: bool = False  # still pending on disk: the next flush sends it
    dead_lettered: bool = False  # rejected for good (4xx): moved to <spool>/dead/
    dead_path: Path | None = None  # where it lies now, when dead_lettered
    # Acknowledged (2xx) before, by this or an earlier process (journal.py): not sent again.
    already_acknowledged: bool = False
    # An earlier attempt was cut off (kill, crash) with the request maybe received:
    # the receiver may see this one twice (same dedup key).
    possible_repeat: bool = False


def backoff_delay(
    failures: int, policy: Policy, retry_after: float | None, rng: Callable[[], float]
) -> float:
    """Exponential backoff with equal jitter, or the server's Retry-After if longer (capped).

    Jitter keeps many gates that failed together from retrying together; half
    of the step is kept fixed so the wait still grows with each failure.
    """
    step = min(policy.max_backoff, policy.backoff * 2.0 ** (failures - 1))
    delay = step / 2 + rng() * step / 2
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.retry_after_cap))
    return delay


def _attempts(
    notification: Notification,
    channel: Channel,
    *,
    entry: Path | None,
    handed_off_at: float,
    sleep: Sleep,
    clock: Clock,
    rng: Callable[[], float],
) -> DeliveryResult:
    policy = channel.policy
    key = notification.dedup_key
    started = clock()
    last = Attempt("retry", error="not attempted")
    tries = 0
    repeat = False
    for tries in range(1, policy.retries + 2):
        if entry is not None and journal.begin_attempt(entry) and tries == 1:
            repeat = True
            log.warning("%s: %s: an earlier attempt was cut off; may repeat", channel.name, key)
        last = channel.attempt(notification, policy.timeout)
        if last.outcome == "ok":
            latency = max(0.0, clock() - handed_off_at)
            if entry is not None:
                journal.acknowledge(entry, channel.name, key)
            log.debug("%s: delivered %s in %.3fs (%d attempts)", channel.name, key, latency, tries)
            return DeliveryResult(
                channel.name, key, True, tries, latency, None, last.status, possible_repeat=repeat
            )
        if entry is not None and (
            last.status is not None or last.outcome != "retry" or last.unsent
        ):
            # Answered, or never sent (a config error, a refused connection): nothing
            # of ours is in flight.
            journal.end_attempt(entry)
        log.warning("%s: attempt %d for %s failed: %s", channel.name, tries, key, last.error)
        if last.outcome != "retry" or tries > policy.retries:
            break
        delay = backoff_delay(tries, policy, last.retry_after, rng)
        # Past the deadline the alert is late anyway: leave it to the spool and the next
        # flush instead of holding the run (and the other alerts) hostage.
        if clock() - started + delay + policy.timeout > policy.deadline:
            break
        sleep(delay)
    dead: Path | None = None
    if last.outcome == "rejected" and entry is not None:
        dead = spool.dead_letter(entry, last.error)
        journal.end_attempt(entry)
    return DeliveryResult(
        channel.name,
        key,
        delivered=False,
        attempts=tries,
        last_error=last.error,
        status=last.status,
        spooled=entry is not None and dead is None,
        dead_lettered=dead is not None,
        dead_path=dead,
        possible_repeat=repeat,
    )


def _already(channel: str, key: str) -> DeliveryResult:
    log.info("%s: %s was acknowledged before; not sent again", channel, key)
    return DeliveryResult(channel, key, True, 0, already_acknowledged=True)


def deliver(
    notification: Notification,
    channel: Channel,
    *,
    spool_dir: Path | None = None,
    handed_off_at: float | None = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    rng: Callable[[], float] = random.random,
    resend: bool = False,
) -> DeliveryResult:
    """Deliver one notification to one channel, spooling it first when ``spool_dir`` is set.

    With a spool, a notification this channel already acknowledged (journal.py) is
    not sent again (a job killed and run again does not repeat its alerts to Slack
    or email) unless ``resend`` (a simulation measuring delivery each run).

    ``handed_off_at`` (Unix seconds, default now) is when the alert was handed to
    delivery (pass the breach time to measure breach-to-receipt); ``latency`` is
    measured from it. Returns within about ``channel.policy.deadline`` seconds and
    never raises for delivery problems: what is not delivered stays in the spool.
    """
    t0 = clock() if handed_off_at is None else handed_off_at
    if spool_dir is None:
        return _attempts(
            notification, channel, entry=None, handed_off_at=t0, sleep=sleep, clock=clock, rng=rng
        )
    if not resend and journal.acknowledged(
        spool.entry_path(Path(spool_dir), channel.name, notification.dedup_key)
    ):
        return _already(channel.name, notification.dedup_key)
    path = spool.write(Path(spool_dir), channel.name, notification, t0)
    with spool.claimed(path) as ours:
        if not ours:
            # Another process is delivering this very entry, or just did: not lost, not ours.
            return DeliveryResult(
                channel.name,
                notification.dedup_key,
                False,
                0,
                last_error=f"{channel.name}: being delivered by another process",
                spooled=True,
            )
        return _attempts(
            notification, channel, entry=path, handed_off_at=t0, sleep=sleep, clock=clock, rng=rng
        )


def flush(
    spool_dir: Path,
    channels: Mapping[str, Channel] | Iterable[Channel],
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    rng: Callable[[], float] = random.random,
    limit: int | None = None,
) -> list[DeliveryResult]:
    """Retry every pending notification in ``spool_dir``, oldest first.

    Entries for a channel not in ``channels`` stay pending (the spec may come
    back), as do the rest of a channel's entries once one of them failed after
    all its retries; entries another process holds are skipped; unreadable
    files are moved to ``dead/``. At most ``limit`` entries are tried when given.
    """
    by_name = dict(channels) if isinstance(channels, Mapping) else {c.name: c for c in channels}
    journal.prune(Path(spool_dir))
    results: list[DeliveryResult] = []
    # A channel that just failed after all its retries is down: trying its other entries
    # now would cost a full retry cycle each (minutes for a long spool), for nothing.
    down: set[str] = set()
    for path in spool.pending(Path(spool_dir))[:limit]:
        with spool.claimed(path) as ours:
            if not ours:
                continue
            try:
                entry = spool.read(path)
            except spool.SpoolError as exc:
                log.error("spool: %s; moved to %s/", exc, spool.DEAD)
                spool.dead_letter(path, str(exc))
                continue
            if journal.acknowledged(path):
                # Acknowledged, then killed before the entry was removed: done already.
                journal.forget(path)
                results.append(_already(entry.channel, entry.dedup_key))
                continue
            channel = by_name.get(entry.channel)
            if channel is None or entry.channel in down:
                why = "failed earlier in this flush" if channel else "is not configured"
                results.append(
                    DeliveryResult(
                        entry.channel,
                        entry.dedup_key,
                        False,
                        0,
                        last_error=f"channel {entry.channel!r} {why}; left in the spool",
                        spooled=True,
                    )
                )
                continue
            result = _attempts(
                entry.notification,
                channel,
                entry=path,
                handed_off_at=entry.handed_off_at,
                sleep=sleep,
                clock=clock,
                rng=rng,
            )
            if result.spooled:
                down.add(channel.name)
            results.append(result)
    return results
