"""The ``file`` metric source: OpenMetrics / Prometheus text files on disk.

A spec names it as ``{"type": "file", "path": "data/ingest.om"}``; the path is
relative to the spec file's folder, may be a glob (``data/*.om``) or a list of
paths and globs, and every file found is merged into one Storage.

Parsed files are cached for the life of the process, keyed by each file's
resolved path, mtime and size: fifty SLOs that share a file parse it once,
and an edited file is read again. The cached Storage is shared, so callers
must treat it as read-only (the engine only reads).
"""

from __future__ import annotations

import glob
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..openmetrics import LoadStats, load_file
from ..promql.storage import Storage
from ..timefmt import iso as _iso

__all__ = ["FileSource", "FileSourceError", "clear_cache"]

_CACHE_SIZE = 8  # distinct file sets kept; old ones go first, so memory stays bounded


class FileSourceError(ValueError):
    """The spec is wrong or its files cannot be read: could-not-evaluate, never a pass."""


@dataclass(frozen=True)
class _Loaded:
    storage: Storage
    stats: tuple[LoadStats, ...]
    bounds: tuple[int, int] | None


_FileKey = tuple[str, int, int]  # resolved path, mtime in ns, size
_cache: OrderedDict[tuple[_FileKey, ...], _Loaded] = OrderedDict()
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


class FileSource:
    """Series read from files; loads lazily on first use."""

    def __init__(
        self,
        paths: Sequence[str],
        *,
        base_dir: Path,
        default_timestamp_ms: int | None = None,
    ) -> None:
        if not paths:
            raise FileSourceError("file source: 'path' names no file")
        self.patterns = tuple(paths)
        self.base_dir = base_dir
        self.default_timestamp_ms = default_timestamp_ms
        self._loaded: _Loaded | None = None

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], *, base_dir: str | Path) -> FileSource:
        """Build from ``{"type": "file", "path": ..., "timestamp": ...}``.

        ``timestamp`` (RFC 3339 or unix seconds) is given to samples written
        without one; without it such samples are an error, because a wall-clock
        default would make results drift from run to run.
        """
        kind = spec.get("type", "file")
        if kind != "file":
            raise FileSourceError(f"file source: type is {kind!r}, expected 'file'")
        unknown = set(spec) - {"type", "path", "timestamp", "name"}
        if unknown:
            raise FileSourceError(f"file source: unknown key(s) {', '.join(sorted(unknown))}")
        raw = spec.get("path")
        if isinstance(raw, str):
            paths = [raw]
        elif isinstance(raw, list) and raw and all(isinstance(p, str) for p in raw):
            paths = list(raw)
        else:
            raise FileSourceError("file source: 'path' must be a string or a list of strings")
        ts = spec.get("timestamp")
        return cls(paths, base_dir=Path(base_dir), default_timestamp_ms=_parse_timestamp(ts))

    def files(self) -> list[Path]:
        """The files the patterns name now, resolved, sorted, without repeats."""
        found: dict[Path, None] = {}
        for pattern in self.patterns:
            full = Path(pattern) if Path(pattern).is_absolute() else self.base_dir / pattern
            if any(c in pattern for c in "*?["):
                hits = sorted(glob.glob(str(full), recursive=True))
                if not hits:
                    raise FileSourceError(f"file source: no file matches {str(full)!r}")
                for h in hits:
                    if Path(h).is_file():
                        found[Path(h).resolve()] = None
            elif full.is_file():
                found[full.resolve()] = None
            else:
                raise FileSourceError(f"file source: no such file {str(full)!r}")
        return list(found)

    def _load(self) -> _Loaded:
        if self._loaded is not None:
            return self._loaded
        keys = []
        for f in self.files():
            try:
                st = f.stat()
            except OSError as e:
                raise FileSourceError(f"file source: cannot read {str(f)!r}: {e}") from e
            keys.append((str(f), st.st_mtime_ns, st.st_size))
        cache_key = (*keys, ("", self.default_timestamp_ms or 0, 0))
        with _lock:
            hit = _cache.get(cache_key)
            if hit is not None:
                _cache.move_to_end(cache_key)
                self._loaded = hit
                return hit
            # Parse under the lock: concurrent first users wait for one parse
            # instead of each doing their own.
            storage = Storage()
            stats = []
            for path, _, _ in keys:
                try:
                    stats.append(
                        load_file(path, storage, default_timestamp_ms=self.default_timestamp_ms)
                    )
                except OSError as e:
                    raise FileSourceError(f"file source: cannot read {path!r}: {e}") from e
            loaded = _Loaded(storage, tuple(stats), storage.time_bounds())
            _cache[cache_key] = loaded
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        self._loaded = loaded
        return loaded

    def storage(self) -> Storage:
        """All series of all files (shared, read-only)."""
        return self._load().storage

    def load_stats(self) -> tuple[LoadStats, ...]:
        return self._load().stats

    def time_bounds(self) -> tuple[int, int]:
        """First and last sample time in ms: the data's end is the default evaluation time."""
        bounds = self._load().bounds
        if bounds is None:
            raise FileSourceError(f"file source: {self._names()} holds no samples")
        return bounds

    def describe(self) -> str:
        """One line for headers and reports; it shows counts once the files are loaded."""
        text = f"file {self._names()}"
        if self._loaded is None:
            return text
        st = self._loaded.stats
        samples = sum(s.samples for s in st)
        series = len(self._loaded.storage)
        text += f" ({series} series, {samples} samples"
        if self._loaded.bounds is not None:
            lo, hi = self._loaded.bounds
            text += f", {_iso(lo)} .. {_iso(hi)}"
        return text + ")"

    def _names(self) -> str:
        return ", ".join(self.patterns)


def _parse_timestamp(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise FileSourceError(f"file source: bad timestamp {value!r}")
    if isinstance(value, (int, float)):
        return round(value * 1000)
    if isinstance(value, datetime):  # YAML reads an unquoted RFC 3339 time as one
        dt = value
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as e:
            raise FileSourceError(f"file source: bad timestamp {value!r}: {e}") from None
    else:
        raise FileSourceError(f"file source: bad timestamp {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return round(dt.timestamp() * 1000)
