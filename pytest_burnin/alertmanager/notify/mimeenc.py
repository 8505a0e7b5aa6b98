"""Go's MIME encoders, as Alertmanager's e-mails use them.

``q_encode`` is mime.QEncoding.Encode("utf-8", s) (headers); ``QPWriter`` is
mime/quotedprintable.Writer (bodies: 76-byte lines, ``=\\r\\n`` soft breaks,
trailing blanks encoded, every line break written as CRLF).
"""

from __future__ import annotations

_MAX_WORD = 75  # RFC 2047 encoded-word limit
_LINE_MAX = 76


def _needs_encoding(s: str) -> bool:
    return any((c < " " or c > "~") and c != "\t" for c in s)


def q_encode(s: str) -> str:
    if not _needs_encoding(s):
        return s
    prefix, suffix = "=?utf-8?q?", "?="
    words: list[str] = []
    cur = ""
    for ch in s:
        enc = ""
        for b in ch.encode():
            c = chr(b)
            if c == " ":
                enc += "_"
            elif "!" <= c <= "~" and c not in "=?_":
                enc += c
            else:
                enc += f"={b:02X}"
        # A rune is never split across encoded words.
        if len(prefix) + len(cur) + len(enc) + len(suffix) > _MAX_WORD:
            words.append(prefix + cur + suffix)
            cur = ""
        cur += enc
    words.append(prefix + cur + suffix)
    return " ".join(words)


class QPWriter:
    def __init__(self) -> None:
        self.out = bytearray()
        self.line = bytearray()
        self.cr = False

    def write(self, data: bytes) -> None:
        n = 0
        for i, b in enumerate(data):
            if (0x21 <= b <= 0x7E and b != 0x3D) or b in (0x20, 0x09, 0x0A, 0x0D):
                continue
            if i > n:
                self._write(data[n:i])
            self._encode(b)
            n = i + 1
        if n < len(data):
            self._write(data[n:])

    def _write(self, data: bytes) -> None:
        for b in data:
            if b in (0x0A, 0x0D):
                if self.cr and b == 0x0A:
                    self.cr = False
                    continue
                if b == 0x0D:
                    self.cr = True
                self._check_last_byte()
                self._crlf()
                continue
            if len(self.line) == _LINE_MAX - 1:
                self._soft_break()
            self.line.append(b)
            self.cr = False

    def _encode(self, b: int) -> None:
        if _LINE_MAX - 1 - len(self.line) < 3:
            self._soft_break()
        self.line += f"={b:02X}".encode()

    def _check_last_byte(self) -> None:
        if self.line and self.line[-1] in (0x20, 0x09):
            b = self.line.pop()
            self._encode(b)

    def _soft_break(self) -> None:
        self.line.append(0x3D)
        self._crlf()

    def _crlf(self) -> None:
        self.line += b"\r\n"
        self.out += self.line
        self.line = bytearray()

    def close(self) -> bytes:
        self._check_last_byte()
        self.out += self.line
        self.line = bytearray()
        return bytes(self.out)


def quoted_printable(text: str) -> bytes:
    w = QPWriter()
    w.write(text.encode())
    return w.close()
