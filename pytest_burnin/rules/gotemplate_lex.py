"""Lexer for the Go ``text/template`` language (the subset rule files use).

Text between actions is kept verbatim; ``{{-`` / ``-}}`` trim the adjacent
whitespace; comments (``{{/* */}}``) vanish. Positions are character offsets
into the full text, so the parser and executor can report ``line:col``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


class TemplateError(Exception):
    """A parse or execution error, with Go's message text."""


@dataclass
class Tok:
    kind: str  # TEXT LEFT RIGHT SPACE PIPE LPAREN RPAREN COMMA DECLARE ASSIGN STRING NUMBER
    # CHAR BOOL NIL VARIABLE FIELD DOT IDENT KEYWORD EOF
    val: str
    pos: int
    line: int


KEYWORDS = {
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "template",
    "block",
    "break",
    "continue",
}
_NUMBER = re.compile(
    r"[+-]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)"
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "0": "\0"}  # fmt: skip


def unquote(body: str) -> str:
    """Go's interpreted string literal escapes."""
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
    return "".join(out)


def lex(text: str, name: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    n = len(text)

    def line_at(p: int) -> int:
        return text.count("\n", 0, p) + 1

    def fail(p: int, msg: str) -> TemplateError:
        return TemplateError(f"template: {name}:{line_at(p)}: {msg}")

    trim_next = False
    while True:
        start = text.find("{{", pos)
        chunk = text[pos:] if start < 0 else text[pos:start]
        trim_left = (
            start >= 0
            and text[start + 2 : start + 3] == "-"
            and (text[start + 3 : start + 4] in (" ", "\t", "\r", "\n"))
        )
        if trim_next:
            chunk = chunk.lstrip(" \t\r\n")
        if trim_left:
            chunk = chunk.rstrip(" \t\r\n")
        if chunk:
            toks.append(Tok("TEXT", chunk, pos, line_at(pos)))
        if start < 0:
            break
        p = start + (4 if trim_left else 2)
        trim_next = False
        # Comments must follow the delimiter directly and close right before it.
        q = p
        while trim_left and q < n and text[q] in " \t\r\n":
            q += 1
        if text.startswith("/*", q):
            end = text.find("*/", q + 2)
            if end < 0:
                raise fail(start, "unclosed comment")
            after = end + 2
            if text.startswith(" -}}", after):
                trim_next, pos = True, after + 4
            elif text.startswith("}}", after):
                pos = after + 2
            else:
                raise fail(start, "comment ends before closing delimiter")
            continue
        toks.append(Tok("LEFT", "{{", start, line_at(start)))
        pos = _lex_action(text, p, toks, fail)
        if text.startswith(" -}}", pos) or text.startswith("-}}", pos):
            trim_next = True
            toks.append(Tok("RIGHT", "}}", pos, line_at(pos)))
            pos += 4 if text[pos] == " " else 3
        else:
            toks.append(Tok("RIGHT", "}}", pos, line_at(pos)))
            pos += 2
    toks.append(Tok("EOF", "", n, line_at(n)))
    return toks


def _lex_action(
    text: str, p: int, toks: list[Tok], fail: Callable[[int, str], TemplateError]
) -> int:
    n = len(text)
    parens = 0

    def add(kind: str, val: str, at: int) -> None:
        toks.append(Tok(kind, val, at, text.count("\n", 0, at) + 1))

    while True:
        if p >= n:
            raise fail(p, "unclosed action")
        if text.startswith("}}", p) or text.startswith(" -}}", p):
            if parens:
                raise fail(p, "unclosed left paren")
            return p
        ch = text[p]
        if ch in " \t\r\n":
            q = p
            while q < n and text[q] in " \t\r\n" and not text.startswith(" -}}", q):
                q += 1
            add("SPACE", text[p:q], p)
            p = q
            continue
        if text.startswith(":=", p):
            add("DECLARE", ":=", p)
            p += 2
            continue
        single = {"|": "PIPE", "(": "LPAREN", ")": "RPAREN", ",": "COMMA", "=": "ASSIGN"}
        if ch in single:
            parens += 1 if ch == "(" else -1 if ch == ")" else 0
            if parens < 0:
                raise fail(p, "unexpected right paren")
            add(single[ch], ch, p)
            p += 1
            continue
        if ch == '"':
            q = p + 1
            while q < n and text[q] != '"':
                if text[q] == "\\":
                    q += 1
                if q < n and text[q] == "\n":
                    raise fail(p, "unterminated quoted string")
                q += 1
            if q >= n:
                raise fail(p, "unterminated quoted string")
            add("STRING", text[p : q + 1], p)
            p = q + 1
            continue
        if ch == "`":
            q = text.find("`", p + 1)
            if q < 0:
                raise fail(p, "unterminated raw quoted string")
            add("STRING", text[p : q + 1], p)
            p = q + 1
            continue
        if ch == "'":
            q = p + 1
            while q < n and text[q] != "'":
                q += 2 if text[q] == "\\" else 1
            add("CHAR", text[p : q + 1], p)
            p = q + 1
            continue
        m = _NUMBER.match(text, p)
        if m and (ch.isdigit() or (len(m.group()) > 1 and ch in "+-.")):
            add("NUMBER", m.group(), p)
            p = m.end()
            continue
        if ch in ".$":
            m = _IDENT.match(text, p + 1)
            word = ch + (m.group() if m else "")
            if ch == "." and not m:
                add("DOT", ".", p)
            else:
                add("FIELD" if ch == "." else "VARIABLE", word, p)
            p += len(word)
            continue
        m = _IDENT.match(text, p)
        if m:
            word = m.group()
            kind = "IDENT"
            if word in KEYWORDS:
                kind = "KEYWORD"
            elif word in ("true", "false"):
                kind = "BOOL"
            elif word == "nil":
                kind = "NIL"
            add(kind, word, p)
            p = m.end()
            continue
        raise fail(p, f"unexpected bad character U+{ord(ch):04X} '{ch}' in command")
