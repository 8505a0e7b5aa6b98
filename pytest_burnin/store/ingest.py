"""Raw samples into the store: OpenMetrics / Prometheus text, and back out as a Storage.

Parsing reuses ``sources.openmetrics.load_text`` into a fresh ``Storage``, so a
malformed line (``path:line:col``) stores nothing; the samples are then
written in one transaction. Re-ingesting the same text is harmless: a
``(series, ts)`` pair is replaced, never duplicated.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..promql.labels import Labels
from ..promql.storage import Storage

if TYPE_CHECKING:
    import sqlite3

    from .sqlite import Store


def labels_text(labels: Labels) -> str:
    """Canonical text of a label set: JSON of its sorted pairs (reversible, one form per set)."""
    return json.dumps([list(p) for p in labels], separators=(",", ":"), ensure_ascii=False)


def labels_of(text: str) -> Labels:
    return tuple((str(k), str(v)) for k, v in json.loads(text))


def _nan_bits(v: float) -> int | None:
    if v == v:
        return None
    return int(struct.unpack(">q", struct.pack(">d", v))[0])


def _from_bits(bits: int) -> float:
    return float(struct.unpack(">d", struct.pack(">q", bits))[0])


@dataclass(frozen=True)
class IngestStats:
    series: int
    samples: int
    min_ts: int | None
    max_ts: int | None


def ingest_storage(store: Store, storage: Storage) -> IngestStats:
    """Persist every sample of ``storage`` in one transaction."""
    series = [s for s in storage if s.ts]

    def write(conn: sqlite3.Connection) -> int:
        count = 0
        for s in series:
            text = labels_text(s.labels)
            conn.execute("INSERT INTO series (labels) VALUES (?) ON CONFLICT DO NOTHING", (text,))
            sid = conn.execute("SELECT id FROM series WHERE labels = ?", (text,)).fetchone()[0]
            conn.executemany(
                "INSERT OR REPLACE INTO samples (series_id, ts, value, nan_bits)"
                " VALUES (?, ?, ?, ?)",
                (
                    (sid, t, None if math.isnan(v) else v, _nan_bits(v))
                    for t, v in zip(s.ts, s.vs, strict=True)
                ),
            )
            count += len(s.ts)
        return count

    samples = store.write(write)
    bounds = storage.time_bounds()
    return IngestStats(
        len(series), samples, bounds[0] if bounds else None, bounds[1] if bounds else None
    )


def ingest_text(
    store: Store,
    text: str,
    *,
    source: str = "<text>",
    default_timestamp_ms: int | None = None,
    content_type: str | None = None,
) -> IngestStats:
    """Parse exposition text (raises ``OpenMetricsError`` on bad input) and store its samples."""
    from ..openmetrics import load_text

    storage = Storage()
    load_text(
        text,
        storage,
        source=source,
        default_timestamp_ms=default_timestamp_ms,
        content_type=content_type,
    )
    return ingest_storage(store, storage)


def load_storage(
    store: Store, *, start_ms: int | None = None, end_ms: int | None = None
) -> Storage:
    """The store's raw samples (optionally only ``start_ms <= ts <= end_ms``) as a Storage."""
    lo = -(2**63) if start_ms is None else start_ms
    hi = 2**63 - 1 if end_ms is None else end_ms

    def read(conn: sqlite3.Connection) -> Storage:
        storage = Storage()
        cur = conn.cursor()
        cur.row_factory = None  # plain tuples: several times faster than sqlite3.Row here
        for sid, text in cur.execute("SELECT id, labels FROM series ORDER BY id").fetchall():
            rows = cur.execute(
                "SELECT ts, value, nan_bits FROM samples"
                " WHERE series_id = ? AND ts BETWEEN ? AND ? ORDER BY ts",
                (sid, lo, hi),
            ).fetchall()
            if not rows:
                continue
            series = storage.get_or_create(labels_of(text))
            # Rows arrive sorted by time: fill the lists directly (Series.append
            # would bisect for every sample).
            series.ts = [r[0] for r in rows]
            series.vs = [_from_bits(r[2]) if r[1] is None else r[1] for r in rows]
        return storage

    return store.read(read)
