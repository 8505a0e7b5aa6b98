"""What was sent and acknowledged, kept next to the spool so a restart does not send it again.

Webhook and Alertmanager receivers drop a repeat by its dedup key; Slack and
email cannot. Before this journal a job killed and run again sent every alert
it had already delivered once more. Now:

- before each attempt, ``<spool>/<entry>.attempt`` records that a request may be
  on the wire (fsynced), so a restart knows the entry may be a repeat;
- after a 2xx, ``<spool>/sent/<entry>`` records the acknowledgement (file and
  folder fsynced) *before* the entry is removed; ``deliver`` and ``flush`` skip
  any notification acknowledged there.

The window that remains: a kill after the receiver took the request and before
the acknowledgement file is created (the receiver's answer on its way back and
its parsing, about a millisecond locally; a power cut also loses the two fsyncs
that follow). The entry is then sent again, with the same dedup key
(at-least-once). The acknowledgements are kept for ``KEEP_S`` (a dedup key
names its alert's episode, so an older one never comes back).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

SENT = "sent"
ATTEMPT_SUFFIX = ".attempt"
KEEP_S = 30 * 86400.0


def _sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, text.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_dir(path.parent)


def sent_marker(entry: Path) -> Path:
    """Where the acknowledgement of a spool entry (same name, deterministic) is kept."""
    return entry.parent / SENT / entry.name


def acknowledged(entry: Path) -> bool:
    return sent_marker(entry).exists()


def acknowledge(entry: Path, channel: str, dedup_key: str) -> None:
    """Record a 2xx durably, then drop the entry and its attempt record."""
    marker = sent_marker(entry)
    marker.parent.mkdir(exist_ok=True)
    record = {"channel": channel, "dedupKey": dedup_key, "at": time.time()}
    # Created and written first, synced after: once the file exists in the page cache a
    # SIGKILL cannot undo it, so the window for a repeat after a kill is the few
    # microseconds before this open(), not the two fsyncs (tens of ms on a slow disk)
    # that make it survive a power cut too. Its existence is the record; a crash that
    # leaves it empty still means "acknowledged".
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, (json.dumps(record) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_dir(marker.parent)
    forget(entry)


def forget(entry: Path) -> None:
    """Drop a spool entry (delivered, or acknowledged before a restart) and its attempt."""
    entry.unlink(missing_ok=True)
    attempt_marker(entry).unlink(missing_ok=True)


def attempt_marker(entry: Path) -> Path:
    return entry.with_name(entry.name + ATTEMPT_SUFFIX)


def begin_attempt(entry: Path) -> bool:
    """Record that a request is about to go out; True when an earlier one was cut off
    (a kill or a crash mid-attempt), so this one may be a repeat at the receiver."""
    marker = attempt_marker(entry)
    earlier = marker.exists()
    _write_synced(marker, f"{time.time():.6f}\n")
    return earlier


def end_attempt(entry: Path) -> None:
    """The attempt got an answer (not a 2xx): no request of ours is in flight."""
    attempt_marker(entry).unlink(missing_ok=True)


def prune(spool_dir: Path, keep_s: float = KEEP_S, now: float | None = None) -> int:
    """Drop acknowledgements older than ``keep_s``; returns how many."""
    folder = Path(spool_dir) / SENT
    if not folder.is_dir():
        return 0
    limit = (time.time() if now is None else now) - keep_s
    gone = 0
    for marker in folder.glob("*.json"):
        try:
            if marker.stat().st_mtime < limit:
                marker.unlink()
                gone += 1
        except FileNotFoundError:
            continue
    return gone
