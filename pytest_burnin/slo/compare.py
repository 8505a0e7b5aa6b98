"""Comparison with a previous recorded run: the history store's daily records.

The daily job (``burnin/records.py``) writes one value per (day, check name);
an SLO's check name is its entry name. ``previous: N`` takes the N-th most
recent record before the evaluation day, so re-running on the same day
compares with yesterday's record, not with itself.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..store.location import is_postgres


@dataclass
class Previous:
    day: str
    value: float


@dataclass
class Comparison:
    previous: Previous | None
    regression: float | None  # relative: 0.25 means 25% worse than the previous value
    limit: float

    @property
    def regressed(self) -> bool:
        return self.regression is not None and self.regression > self.limit


def parse_share(value: Any) -> float:
    """``10%`` or ``0.1``: a share."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return float(value.strip()[:-1]) / 100.0
    return float(value)


_PREVIOUS = (
    "SELECT day, value FROM daily_records WHERE check_name = ? AND day < ?"
    " AND value IS NOT NULL ORDER BY day DESC LIMIT 1 OFFSET ?"
)


def previous_record(store: Path, name: str, before_ms: int, n: int) -> Previous | None:
    """The ``n``-th most recent record of ``name`` on a day before ``before_ms``'s day."""
    day = datetime.fromtimestamp(before_ms / 1000, tz=timezone.utc).date().isoformat()
    if is_postgres(store):
        return _previous_in_database(store, name, day, n)
    if not store.is_file():
        return None
    # Read-only: a comparison must never create or migrate a store.
    conn = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
    try:  # the query is inside the try: a damaged file fails at its first read
        rows = conn.execute(_PREVIOUS, (name, day, n - 1)).fetchall()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            return None  # a store that has never had a daily record
        # A damaged store must not read as "no earlier record" (which passes).
        from ..errors import EvaluationError
        from ..store.sqlite import corrupt_message

        raise EvaluationError(corrupt_message(store, exc)) from None
    finally:
        conn.close()
    return Previous(str(rows[0][0]), float(rows[0][1])) if rows else None


def _previous_in_database(store: Path, name: str, day: str, n: int) -> Previous | None:
    from ..errors import EvaluationError
    from ..store.sqlite import Store, StoreError

    try:
        with Store(store) as db:
            rows = db.query(_PREVIOUS, (name, day, n - 1))
    except StoreError as exc:  # an unreachable database is never "no earlier record"
        raise EvaluationError(str(exc)) from None
    return Previous(str(rows[0][0]), float(rows[0][1])) if rows else None


def compare(
    measured: float, previous: Previous | None, lower_is_better: bool, limit: float
) -> Comparison:
    if previous is None:
        return Comparison(None, None, limit)
    before, now = previous.value, measured
    worse = now - before if lower_is_better else before - now
    if worse <= 0:
        regression = 0.0 if worse == 0 else worse / abs(before) if before else -1.0
    elif before == 0:
        regression = math.inf
    else:
        regression = worse / abs(before)
    return Comparison(previous, regression, limit)
