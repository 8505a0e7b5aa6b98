"""The counter reset hint a native histogram sample reads back with from Prometheus' TSDB."""

from __future__ import annotations

from .float_histogram import GAUGE, NOT_RESET, UNKNOWN, FloatHistogram

# Prometheus' head cuts a chunk after this many samples.
SAMPLES_PER_CHUNK = 120


def stored_hint(
    prev: FloatHistogram | None, chunk_len: int, h: FloatHistogram
) -> tuple[FloatHistogram, int]:
    """The histogram as Prometheus' TSDB gives it back, and the new chunk length.

    The counter reset hint read back depends on the chunk: gauge histograms
    stay gauges; the first histogram of a chunk reads as "unknown", every later
    one as "not_reset". A chunk starts at the first histogram, after a float,
    at a counter reset, at a change of schema, zero threshold or custom bounds,
    and every SAMPLES_PER_CHUNK samples.
    """
    from .histogram_resets import detect_reset

    out = h.copy()
    if h.counter_reset_hint == GAUGE:
        return out, (chunk_len + 1 if prev is not None and prev.counter_reset_hint == GAUGE else 1)
    new_chunk = (
        prev is None
        or prev.counter_reset_hint == GAUGE
        or chunk_len >= SAMPLES_PER_CHUNK
        or h.counter_reset_hint == "reset"
        or prev.schema != h.schema
        or prev.zero_threshold != h.zero_threshold
        or prev.custom_values != h.custom_values
        or detect_reset(h, prev)
    )
    out.counter_reset_hint = UNKNOWN if new_chunk else NOT_RESET
    return out, 1 if new_chunk else chunk_len + 1
