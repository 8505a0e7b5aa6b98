"""The on-disk spool: one file per notification not yet acknowledged by its channel.

Written *before* the first attempt and removed only after a 2xx, so a crash,
a kill or a dead receiver loses nothing; the next ``flush`` sends it again
with the same dedup key. Files are immutable once written (a rename makes
them appear whole) and locked with ``flock`` while a process delivers them,
so two processes flushing one spool do not both send the same entry.

The file holds the notification and the channel's *name*, never its URL or
credentials: those are resolved from the spec and environment at delivery.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .model import Notification

if sys.platform != "win32":
    import fcntl

FORMAT = "burnin-spool/1"
DEAD = "dead"  # sub-folder for notifications a receiver rejected for good (4xx)
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class SpoolError(Exception):
    """A spool file that cannot be read back (truncated by hand, another version)."""


@dataclass(frozen=True)
class SpoolEntry:
    path: Path
    channel: str
    dedup_key: str
    handed_off_at: float  # Unix seconds: latency is measured from here, across processes
    notification: Notification


def entry_path(spool_dir: Path, channel: str, dedup_key: str) -> Path:
    """Deterministic per (channel, dedup key): spooling the same notification twice is one file."""
    digest = hashlib.sha256(f"{channel}\0{dedup_key}".encode()).hexdigest()[:24]
    return Path(spool_dir) / f"{_UNSAFE.sub('_', channel)[:40]}--{digest}.json"


def _fsync_dir(directory: Path) -> None:
    # The rename or unlink is durable only once the directory itself is synced.
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(spool_dir: Path, channel: str, notification: Notification, handed_off_at: float) -> Path:
    """Store a notification atomically (temp file, fsync, rename); keep an existing entry."""
    spool_dir = Path(spool_dir)
    spool_dir.mkdir(parents=True, exist_ok=True)
    path = entry_path(spool_dir, channel, notification.dedup_key)
    if path.exists():
        # Already pending (a repeat hand-off): keep the first hand-off time and inode.
        return path
    record = {
        "format": FORMAT,
        "channel": channel,
        "dedupKey": notification.dedup_key,
        "handedOffAt": handed_off_at,
        "notification": notification.to_json(),
    }
    tmp = spool_dir / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "xb") as f:
            f.write(json.dumps(record, ensure_ascii=False, indent=1).encode())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(spool_dir)
    return path


def read(path: Path) -> SpoolEntry:
    try:
        record = json.loads(Path(path).read_bytes())
        if record.get("format") != FORMAT:
            raise SpoolError(f"{path.name}: not a {FORMAT} file")
        return SpoolEntry(
            path=Path(path),
            channel=str(record["channel"]),
            dedup_key=str(record["dedupKey"]),
            handed_off_at=float(record["handedOffAt"]),
            notification=Notification.from_json(record["notification"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SpoolError(f"{Path(path).name}: unreadable spool entry ({exc})") from None


def pending(spool_dir: Path) -> list[Path]:
    """Entries waiting for delivery, oldest first (temp files and dead letters excluded)."""
    directory = Path(spool_dir)
    if not directory.is_dir():
        return []
    paths = [p for p in directory.glob("*.json") if p.is_file()]
    return sorted(paths, key=lambda p: (p.stat().st_mtime, p.name))


def dead_letters(spool_dir: Path) -> list[Path]:
    """Entries a receiver rejected (kept for a person: fix and move back to retry)."""
    folder = Path(spool_dir) / DEAD
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def remove(path: Path) -> None:
    # No directory fsync here: should a crash undo the unlink, the entry is sent
    # again with the same dedup key, which at-least-once allows; it saves an fsync
    # per alert.
    Path(path).unlink(missing_ok=True)


REASON_SUFFIX = ".reason"  # next to a dead letter: why it was refused, for `burnin flush`


def dead_letter(path: Path, reason: str = "") -> Path:
    """Move an entry its receiver rejected out of the way; kept for a person to read.

    ``reason`` (already redacted) is written next to it first, so the entry is never
    in ``dead/`` without its reason for longer than a crash between two renames.
    """
    path = Path(path)
    target = path.parent / DEAD / path.name
    target.parent.mkdir(exist_ok=True)
    note = target.with_name(target.name + REASON_SUFFIX)
    tmp = note.with_name(f".{note.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text((reason or "no reason recorded").strip() + "\n", encoding="utf-8")
        os.replace(tmp, note)
    finally:
        tmp.unlink(missing_ok=True)
    os.replace(path, target)
    _fsync_dir(target.parent)
    _fsync_dir(path.parent)
    return target


def dead_reason(dead: Path) -> str:
    """Why a dead letter was refused ("no reason recorded" for one from an older version)."""
    note = Path(dead).with_name(Path(dead).name + REASON_SUFFIX)
    try:
        return note.read_text(encoding="utf-8").strip() or "no reason recorded"
    except OSError:
        return "no reason recorded"


def revive(dead: Path) -> Path:
    """Put a dead letter back in the spool, for the next flush to deliver."""
    dead = Path(dead)
    target = dead.parent.parent / dead.name
    os.replace(dead, target)
    dead.with_name(dead.name + REASON_SUFFIX).unlink(missing_ok=True)
    _fsync_dir(target.parent)
    return target


def drop(dead: Path) -> None:
    """Discard a dead letter a person has dealt with (and its reason)."""
    dead = Path(dead)
    dead.unlink(missing_ok=True)
    dead.with_name(dead.name + REASON_SUFFIX).unlink(missing_ok=True)


@contextlib.contextmanager
def claimed(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on a spool entry; yields False if another process has it
    or the entry is gone (delivered meanwhile). The kernel drops the lock if we die."""
    try:
        f: IO[bytes] = open(path, "rb")  # noqa: SIM115 - held open for the lock's lifetime
    except FileNotFoundError:
        yield False
        return
    try:
        if sys.platform != "win32":
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                same = os.stat(path).st_ino == os.fstat(f.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # removed (delivered) between our open and our lock
                yield False
                return
        yield True
    finally:
        f.close()
