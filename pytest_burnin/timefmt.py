"""Instants as text: one form for every timestamp a user reads."""

from __future__ import annotations

from datetime import datetime, timezone


def iso(t_ms: int) -> str:
    """A Unix time in milliseconds as RFC 3339 in UTC, to the second (``2026-11-24T00:00:00Z``)."""
    return datetime.fromtimestamp(t_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
