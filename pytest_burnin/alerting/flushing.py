"""``burnin flush`` as a pure function: deliver the spool, and never let a dead letter hide.

A notification a receiver refused for good (a 404, a redirect, another 4xx) is
moved to ``<spool>/dead/`` with its reason. It is a failure where it happened,
and it stays one: every flush lists the dead letters and exits non-zero until a
person either sends them again (``--retry-dead``, after fixing the channel) or
discards them (``--drop-dead``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import spool
from .base import Channel
from .delivery import DeliveryResult, flush

RETRY_HINT = (
    "inspect them, fix the channel, then `burnin flush --retry-dead` to send them again "
    "or `burnin flush --drop-dead` to discard them"
)


@dataclass(frozen=True)
class DeadLetter:
    path: Path
    channel: str
    dedup_key: str
    reason: str

    @classmethod
    def at(cls, path: Path) -> DeadLetter:
        try:
            entry = spool.read(path)
            channel, key = entry.channel, entry.dedup_key
        except spool.SpoolError:
            channel, key = "?", path.name
        return cls(path, channel, key, spool.dead_reason(path))


def dead_letters(spool_dir: Path) -> list[DeadLetter]:
    return [DeadLetter.at(p) for p in spool.dead_letters(Path(spool_dir))]


def dead_notice(spool_dir: Path) -> list[str]:
    """The lines that keep dead letters visible (none when there are none)."""
    dead = dead_letters(spool_dir)
    if not dead:
        return []
    folder = Path(spool_dir) / spool.DEAD
    lines = [f"{len(dead)} dead notification(s) in {folder} (refused for good by a receiver):"]
    lines += [f"  {d.channel}: {d.dedup_key}: dead: {d.reason}" for d in dead]
    return [*lines, RETRY_HINT]


def describe(r: DeliveryResult) -> str:
    """One result in words, for any output that lists what a flush did."""
    if r.already_acknowledged:
        return "delivered before a restart (journal); not sent again"
    if r.delivered:
        return "delivered" + (" (an earlier attempt was cut off: may repeat)" * r.possible_repeat)
    if r.dead_lettered:
        return f"dead: {r.last_error}"
    return f"still pending: {r.last_error}"


@dataclass(frozen=True)
class FlushSummary:
    spool_dir: Path
    results: list[DeliveryResult] = field(default_factory=list)
    pending: int = 0
    dead: list[DeadLetter] = field(default_factory=list)
    revived: int = 0
    dropped: int = 0

    @property
    def exit_code(self) -> int:
        """0 only when nothing is left: neither pending nor dead."""
        return 1 if self.pending or self.dead else 0

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.revived:
            out.append(f"{self.revived} dead notification(s) put back in the spool")
        if self.dropped:
            out.append(f"{self.dropped} dead notification(s) discarded")
        out += [f"{r.channel}: {r.dedup_key}: {describe(r)}" for r in self.results]
        out.append(f"{self.pending} notification(s) still pending in {self.spool_dir}")
        return out + dead_notice(self.spool_dir)


def flush_spool(
    spool_dir: Path,
    channels: Mapping[str, Channel] | Iterable[Channel],
    *,
    retry_dead: bool = False,
    drop_dead: bool = False,
    **options: Any,
) -> FlushSummary:
    """Handle the dead letters as asked, deliver what is pending, and say what is left.

    ``options`` go to ``delivery.flush`` (sleep, clock, rng, limit).
    """
    if retry_dead and drop_dead:
        raise ValueError("--retry-dead and --drop-dead exclude each other")
    spool_dir = Path(spool_dir)
    revived = dropped = 0
    for dead in spool.dead_letters(spool_dir):
        if retry_dead:
            spool.revive(dead)
            revived += 1
        elif drop_dead:
            spool.drop(dead)
            dropped += 1
    results = flush(spool_dir, channels, **options) if spool_dir.is_dir() else []
    return FlushSummary(
        spool_dir,
        results,
        pending=len(spool.pending(spool_dir)),
        dead=dead_letters(spool_dir),
        revived=revived,
        dropped=dropped,
    )
