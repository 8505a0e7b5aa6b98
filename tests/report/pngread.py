"""A small PNG reader for the screenshot checks: 8-bit RGB or RGBA, not interlaced.

Enough for what headless Chromium writes, so the tests need no imaging library.
Anything else is refused with a message rather than misread.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # colour type -> samples per pixel (RGB, RGBA)


@dataclass
class Image:
    width: int
    height: int
    channels: int
    rows: list[bytes]  # unfiltered scanlines, ``width * channels`` bytes each

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        i = x * self.channels
        r, g, b = self.rows[y][i : i + 3]
        return r, g, b

    def count(self, rgb: tuple[int, int, int], *, top: int = 0, bottom: int | None = None) -> int:
        """How many pixels in rows ``top`` .. ``bottom`` have exactly this colour."""
        want = bytes(rgb)
        n = 0
        for row in self.rows[top:bottom]:
            for i in range(0, len(row), self.channels):
                n += row[i : i + 3] == want
        return n

    def first_row_with(self, rgb: tuple[int, int, int], *, at_least: int = 1) -> int | None:
        """The first row holding ``at_least`` pixels of this colour, or None."""
        want = bytes(rgb)
        for y, row in enumerate(self.rows):
            hits = sum(row[i : i + 3] == want for i in range(0, len(row), self.channels))
            if hits >= at_least:
                return y
        return None


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path: Path) -> Image:
    data = path.read_bytes()
    if data[:8] != SIGNATURE:
        raise ValueError(f"{path}: not a PNG file")
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path}: no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"{path}: depth {depth}, colour type {colour}, interlace {interlace}")
    bpp = CHANNELS[colour]
    raw, stride = zlib.decompress(bytes(idat)), width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(a, b, c)) & 0xFF
            elif kind != 0:
                raise ValueError(f"{path}: unknown filter {kind} in row {y}")
        rows.append(bytes(line))
        prev = line
    return Image(width, height, bpp, rows)
