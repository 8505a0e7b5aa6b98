"""Translate the RE2 (Go) regex syntax PromQL users write into Python's ``re`` syntax.

Only the fallback of ``goregex`` uses this, where the ``google-re2`` package
cannot be imported; ``compile_anchored`` stays for callers outside the engine.

Most RE2 is valid Python. The differences met in practice are handled here:

* inline flags in the middle of a pattern, ``.*((?i)prod).*``: RE2 applies
  them to the end of the enclosing group; Python only accepts flags at the
  very start, so they become a scoped group ``(?i:...)`` closed with the group;
* ``\\z`` (end of text) is Python's ``\\Z``;
* POSIX classes ``[[:alpha:]]`` inside brackets;
* ``\\Q...\\E`` literal spans.
"""

from __future__ import annotations

import re
from functools import lru_cache

_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_FLAGS = re.compile(r"\(\?([imsU]+)\)")


def translate(pattern: str) -> str:
    out: list[str] = []
    # Stack of open groups; each entry lists the scoped-flag groups opened in it.
    stack: list[list[str]] = [[]]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "z":
                out.append("\\Z")
            elif nxt == "Q":
                end = pattern.find("\\E", i + 2)
                lit = pattern[i + 2 :] if end == -1 else pattern[i + 2 : end]
                out.append(re.escape(lit))
                i = n if end == -1 else end + 2
                continue
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            j, cls = _char_class(pattern, i)
            out.append(cls)
            i = j
            continue
        if ch == "(":
            m = _FLAGS.match(pattern, i)
            if m is not None:
                flags = m.group(1).replace("U", "")
                if flags:
                    out.append(f"(?{flags}:")
                    stack[-1].append(flags)
                i = m.end()
                continue
            stack.append([])
            out.append(ch)
            i += 1
            continue
        if ch == ")":
            out.append(")" * len(stack.pop()) if len(stack) > 1 else "")
            out.append(")")
            i += 1
            continue
        if ch == "|" and stack[-1]:
            # RE2 flags carry across "|" to the end of the group, so the scoped
            # groups close before the alternation and reopen after it.
            out.append(")" * len(stack[-1]) + "|" + "".join(f"(?{f}:" for f in stack[-1]))
            i += 1
            continue
        out.append(ch)
        i += 1
    out.append(")" * len(stack[0]))
    return "".join(out)


def _char_class(pattern: str, i: int) -> tuple[int, str]:
    """The bracket expression starting at ``i``; returns (end index, Python text)."""
    j = i + 1
    parts = ["["]
    if j < len(pattern) and pattern[j] == "^":
        parts.append("^")
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        parts.append("\\]")
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        if pattern.startswith("[:", j):
            end = pattern.find(":]", j + 2)
            if end != -1:
                name = pattern[j + 2 : end]
                neg = name.startswith("^")
                body = _POSIX.get(name.lstrip("^"))
                if body is not None and not neg:
                    parts.append(body)
                    j = end + 2
                    continue
        if pattern[j] == "\\" and j + 1 < len(pattern):
            parts.append(pattern[j : j + 2])
            j += 2
            continue
        if pattern[j] == "[":
            parts.append("\\[")
            j += 1
            continue
        parts.append(pattern[j])
        j += 1
    parts.append("]")
    return j + 1, "".join(parts)


@lru_cache(maxsize=4096)
def compile_anchored(pattern: str, dotall: bool = True) -> re.Pattern[str]:
    """A fully anchored matcher regex: Prometheus 3 lets ``.`` match a newline, 2.x does not."""
    body = translate(pattern)
    return re.compile(f"(?s:{body})\\Z" if dotall else f"(?:{body})\\Z")
