"""What the OpenSLO and Sloth readers share: typed field access naming file:line, and queries.

Their queries measure a moment (``rate(x[5m])``) where ours measure a window
(``increase(x[{{window}}])``). A query that already says ``{{window}}`` is kept;
otherwise it is summed over the window as a 1-minute subquery, so a ratio of
two such sums is a ratio of events, whatever the window.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import SpecError
from ..spec.loader import Document, Path_

NO_ITEM_KINDS = frozenset(
    {"SLI", "DataSource", "Service", "AlertPolicy", "AlertCondition", "AlertNotificationTarget"}
)
STEP = "1m"
_SELECTOR = re.compile(r"^\s*[A-Za-z_:][A-Za-z0-9_:]*\s*(\{[^{}]*\})?\s*$")
_UNITS_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 7 * 86_400_000}
_CALENDAR = {"1M": "month", "1w": "week", "7d": "week", "1d": "day", "24h": "day"}


def _dotted(path: Path_) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"


class Reader:
    """Reads one foreign document; every problem is a SpecError at the field's file:line:col."""

    def __init__(self, doc: Document, fmt: str) -> None:
        self.doc = doc
        self.fmt = fmt

    def node(self, path: Path_) -> Any:
        """The value at ``path``; a missing or mistyped step is the user's error, named."""
        node: Any = self.doc.data
        for i, key in enumerate(path):
            here = path[:i]
            found = (isinstance(node, list) and isinstance(key, int) and key < len(node)) or (
                isinstance(node, dict) and key in node
            )
            if found:
                node = node[key]
            else:
                raise self.doc.error(
                    here, f"{self.fmt} {_dotted(here)} has no {key!r}, which is required"
                )
        return node

    def get(self, path: Path_, key: str, kind: Any, *, required: bool = False) -> Any:
        parent = self.node(path)
        if not isinstance(parent, dict):
            raise self.doc.error(path, f"{self.fmt} {_dotted(path)} must be a mapping")
        if key not in parent:
            if required:
                raise self.doc.error(
                    path, f"{self.fmt} {_dotted(path)} has no {key!r}, which is required"
                )
            return None
        value = parent[key]
        if not isinstance(value, kind) or (
            isinstance(value, bool) and kind in (int, float, (int, float))
        ):
            want = getattr(kind, "__name__", "number")
            raise self.doc.error(
                (*path, key), f"{self.fmt} {_dotted((*path, key))} must be a {want}, got {value!r}"
            )
        return value

    def only(self, path: Path_, allowed: set[str]) -> None:
        """Refuse fields we do not read: judging an SLO while ignoring part of it is wrong."""
        node = self.node(path)
        if not isinstance(node, dict):
            raise self.doc.error(path, f"{self.fmt} {_dotted(path)} must be a mapping")
        for key in node:
            if key not in allowed:
                raise self.doc.error(
                    (*path, key),
                    f"unsupported {self.fmt} field {_dotted((*path, key))}",
                    hint=f"pytest-burnin reads, under {_dotted(path)}: {', '.join(sorted(allowed))}",
                )

    def unsupported(self, path: Path_, what: str, supported: str) -> SpecError:
        return self.doc.error(
            path, f"unsupported {self.fmt} {_dotted(path)}: {what}", hint=f"supported: {supported}"
        )


def as_window(r: Reader, path: Path_, duration: str, calendar: dict[str, Any] | None) -> Any:
    """An OpenSLO duration (28d, 1w, 1M) as our window: a PromQL duration or a calendar."""
    m = re.fullmatch(r"(\d+)([smhdwMQY])", duration.strip())
    if m is None:
        raise r.unsupported(
            path,
            f"duration {duration!r}",
            "a number and one unit: s, m, h, d, w, or 1M for a calendar month",
        )
    if calendar is not None:
        period = _CALENDAR.get(duration.strip())
        if period is None:
            raise r.unsupported(path, f"calendar duration {duration!r}", "1M, 1w (7d), 1d (24h)")
        out: dict[str, Any] = {
            "calendar": period,
            "time_zone": str(calendar.get("timeZone", "UTC")),
        }
        if "startTime" in calendar:
            out["start"] = str(calendar["startTime"])
        return out
    n, unit = int(m.group(1)), m.group(2)
    if unit not in _UNITS_MS:
        raise r.unsupported(
            path,
            f"rolling duration {duration!r}",
            "s, m, h, d, w (months vary: use a calendar window)",
        )
    return f"{n * 7}d" if unit == "w" else f"{n}{unit}"


def complement(x: float) -> float:
    return round(1.0 - x, 12)  # 1 - 0.99 is 0.010000000000000009 in binary


def bound(op: str, value: float) -> dict[str, float]:
    return {op: value}


def has_window(query: str) -> bool:
    return "{{window}}" in query or "{{ window }}" in query


def counter_query(query: str, counter: bool) -> str:
    """A count of events over ``{{window}}``: from a counter, or from a per-moment rate."""
    if has_window(query):
        return query
    if counter and _SELECTOR.match(query):
        return f"sum(increase({query.strip()}[{{{{window}}}}]))"
    if counter:
        return f"sum(increase(({query})[{{{{window}}}}:{STEP}]))"
    return f"sum(sum_over_time(({query})[{{{{window}}}}:{STEP}]))"


def threshold_share(query: str, symbol: str | None, value: float) -> str:
    """The share of 1-minute points over ``{{window}}`` where the value meets the threshold
    (``symbol`` given), or the value's mean over ``{{window}}``."""
    if symbol is None:
        return query if has_window(query) else f"avg_over_time(({query})[{{{{window}}}}:{STEP}])"
    return f"avg_over_time((({query}) {symbol} bool {value!r})[{{{{window}}}}:{STEP}])"


def native_document(
    doc: Document, anchor: Path_, native: dict[str, Any], metadata: dict[str, Any]
) -> Document:
    """The document as code that reads ``entry.spec`` should see it: the native spec at the anchor.

    Positions, path and text stay the original's, so every error still points
    at the line the user wrote; only the values at the entry's anchor change.
    """
    import copy
    import dataclasses

    data = copy.copy(doc.data)
    data["metadata"] = metadata
    node = data
    path = list(anchor or ("spec",))
    for key in path[:-1]:
        node[key] = copy.copy(node[key])
        node = node[key]
    node[path[-1]] = native
    return dataclasses.replace(doc, data=data)
