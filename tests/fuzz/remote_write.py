"""Prometheus remote write (protocol 1.0) encoded by hand: no protobuf or snappy package.

The message is small (prometheus.WriteRequest: repeated TimeSeries of Label
and Sample), so it is written directly in protobuf's wire format. Snappy's
block format allows a stream made only of literal chunks, which every snappy
decoder (Go's included) reads; the payload is not compressed, and need not be.

Remote write is what keeps staleness markers (the exact NaN bit pattern) and
label values with newlines: OpenMetrics backfill would lose both.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

import requests

from pytest_burnin.promql.labels import Labels
from pytest_burnin.promql.storage import STALE_NAN

STALE = "stale"


def varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64  # int64 in two's complement, as protobuf encodes negatives
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field_bytes(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def _sample(t_ms: int, value: float | str) -> bytes:
    v = STALE_NAN if value == STALE else float(value)
    # field 1 value (double, wire type 1), field 2 timestamp (int64 varint)
    return b"\x09" + struct.pack("<d", v) + b"\x10" + varint(t_ms)


def write_request(series: Iterable[tuple[Labels, list[tuple[int, float | str]]]]) -> bytes:
    out = bytearray()
    for labels, samples in series:
        ts = bytearray()
        for name, value in labels:  # sorted by name, as remote write requires
            label = _field_bytes(1, name.encode()) + _field_bytes(2, value.encode())
            ts += _field_bytes(1, label)
        for t, v in samples:
            ts += _field_bytes(2, _sample(t, v))
        out += _field_bytes(1, bytes(ts))
    return bytes(out)


def snappy_literal(data: bytes) -> bytes:
    """Snappy block format with literal chunks only (valid, uncompressed)."""
    out = bytearray(varint(len(data)))
    chunk = 65536
    for i in range(0, len(data), chunk):
        piece = data[i : i + chunk]
        n = len(piece) - 1
        if n < 60:
            out.append(n << 2)
        elif n < 1 << 8:
            out += bytes([60 << 2]) + n.to_bytes(1, "little")
        else:
            out += bytes([61 << 2]) + n.to_bytes(2, "little")
        out += piece
    return bytes(out)


def push(url: str, series: Iterable[tuple[Labels, list[tuple[int, float | str]]]]) -> None:
    """POST the series to ``url``/api/v1/write; raise with Prometheus' answer on refusal."""
    body = snappy_literal(write_request(series))
    answer = requests.post(
        f"{url}/api/v1/write",
        data=body,
        headers={
            "Content-Encoding": "snappy",
            "Content-Type": "application/x-protobuf",
            "X-Prometheus-Remote-Write-Version": "0.1.0",
        },
        timeout=30,
    )
    if answer.status_code // 100 != 2:
        raise RuntimeError(f"remote write refused ({answer.status_code}): {answer.text.strip()}")
