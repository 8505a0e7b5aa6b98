"""Label sets: an immutable, hashable, sorted tuple of (name, value) pairs.

A tuple of pairs is used instead of a dict because series identity is looked up
millions of times during evaluation; tuples hash and compare fast and need no
copying when shared between samples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Labels = tuple[tuple[str, str], ...]

METRIC_NAME = "__name__"
EMPTY: Labels = ()


def labels_from(pairs: Mapping[str, str] | Iterable[tuple[str, str]]) -> Labels:
    """Build a Labels value; empty values are dropped, as in Prometheus."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return tuple(sorted((k, v) for k, v in items if v != ""))


def get(labels: Labels, name: str) -> str:
    """The value of ``name`` or "" when absent (Prometheus' convention)."""
    for k, v in labels:
        if k == name:
            return v
    return ""


def without_name(labels: Labels) -> Labels:
    return tuple(p for p in labels if p[0] != METRIC_NAME)


def with_label(labels: Labels, name: str, value: str) -> Labels:
    """Set (or, with an empty value, remove) one label."""
    rest = [p for p in labels if p[0] != name]
    if value != "":
        rest.append((name, value))
    return tuple(sorted(rest))


def format_labels(labels: Labels) -> str:
    """Prometheus' String() form: ``name{a="1", b="2"}``."""
    name = get(labels, METRIC_NAME)
    inner = ", ".join(f'{k}="{_escape(v)}"' for k, v in labels if k != METRIC_NAME)
    if name and not inner:
        return name
    return f"{name}{{{inner}}}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
