"""Go's ``regexp`` for PromQL and templates: RE2 syntax, linear-time matching, Go's errors.

Prometheus compiles every regex with Go's ``regexp`` package, an RE2 engine:
no backtracking (so ``(a+)+b`` runs in linear time on any input) and no Perl
extensions (lookaround, backreferences, possessive or atomic groups are parse
errors). Python's ``re`` is a backtracking engine with a different syntax, so
a regex Prometheus would refuse could pass here, and a few bytes of pattern
could take minutes. This module uses the ``google-re2`` package (module
``re2``), the C++ sibling of Go's engine, and words errors as Go does. Where
that package cannot be imported (a platform without a wheel) it falls back to
Python's ``re`` over ``re2.translate``, after refusing the Perl-only syntax
``re`` would accept; ``RE2_AVAILABLE`` says which is in use. The fallback keeps
the syntax checks but not the linear-time guarantee (see docs/promql.md).

The quoted fragment in an error follows the Prometheus line: 2.x compiles
``^(?:<regex>)$`` and reports fragments of that text; 3.x parses the regex
alone. ``check(pattern, compat)`` reproduces both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

from .re2 import translate

try:  # pragma: no cover - which branch runs depends on the platform
    import re2 as _re2
except ImportError:  # pragma: no cover
    _re2 = None

RE2_AVAILABLE: bool = _re2 is not None

# RE2's error codes (re2/regexp.cc) and the Go wording of the same code
# (regexp/syntax.ErrorCode): the two parsers share their design, so the
# fragment each reports is the same.
_GO_WORDING = {
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class": "invalid character class",
    "invalid character class range": "invalid character class range",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid UTF-8": "invalid UTF-8",
    "invalid named capture group": "invalid named capture",
    "pattern too large - compile failed": "expression too large",
}
# Perl syntax Python's ``re`` accepts and Go refuses (used by the fallback only).
_PERL_ONLY = re.compile(r"\(\?(?:[=!#>]|<[=!]|P=)|[*+?}][+]|\\[1-9ZuUNG]")


class RegexError(ValueError):
    """A regex Go's ``regexp`` refuses; the message is Go's ("error parsing regexp: ...")."""


class GoRegex(Protocol):
    """The part of a compiled pattern the engine uses (``re.Pattern`` and ``re2`` agree)."""

    def search(self, string: str) -> Any: ...

    def sub(self, repl: Any, string: str) -> str: ...


def _go_error(code: str, fragment: str) -> RegexError:
    return RegexError(f"error parsing regexp: {code}: `{fragment}`")


def _from_re2(exc: Exception) -> RegexError:
    raw = exc.args[0] if exc.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    for re2_code, go_code in sorted(_GO_WORDING.items(), key=lambda kv: -len(kv[0])):
        if text == re2_code:
            return _go_error(go_code, "")
        if text.startswith(re2_code + ": "):
            return _go_error(go_code, text[len(re2_code) + 2 :])
    return RegexError(f"error parsing regexp: {text}")


def _go_only_checks(pattern: str, compat: int) -> None:
    """What Go refuses although RE2 (C++) accepts it."""
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith("\\Q", i):
            end = pattern.find("\\E", i + 2)
            i = n if end == -1 else end + 2
            continue
        if pattern[i] == "\\" and i + 1 < n:
            if pattern[i + 1] == "C":  # RE2's "any byte": not in Go
                raise _go_error("invalid escape sequence", "\\C")
            i += 2
            continue
        if pattern.startswith("(?<", i):
            _named_capture_check(pattern, i, compat)
        i += 1


def _named_capture_check(pattern: str, i: int, compat: int) -> None:
    """``(?<``: Go 1.22 (Prometheus 3) reads a named capture; older Go (2.x) refuses it.

    Either way lookbehind ``(?<=``/``(?<!`` is refused, in Go's own words.
    """
    if compat < 3:
        raise _go_error("invalid or unsupported Perl syntax", "(?<")
    end = pattern.find(">", i)
    if end == -1:
        raise _go_error("invalid named capture", pattern[i:])
    name = pattern[i + 3 : end]
    if not name or not all(c == "_" or (c.isascii() and c.isalnum()) for c in name):
        raise _go_error("invalid named capture", pattern[i : end + 1])


def _re2_options() -> Any:
    assert _re2 is not None
    opts = _re2.Options()
    opts.log_errors = False  # RE2 would print every refused pattern on stderr
    return opts


@lru_cache(maxsize=4096)
def _compile(text: str) -> GoRegex:
    """Compile Go-syntax ``text`` as it is (no anchoring added); raises RegexError."""
    if _re2 is not None:
        try:
            rx: GoRegex = _re2.compile(text, _re2_options())
        except _re2.error as exc:
            raise _from_re2(exc) from None
        return rx
    bad = _PERL_ONLY.search(text)
    if bad is not None:
        code = "invalid escape sequence" if bad.group(0)[0] == "\\" else None
        if code is None:
            is_repeat = bad.group(0)[0] in "*+?}"
            code = "invalid nested repetition operator" if is_repeat else None
        raise _go_error(code or "invalid or unsupported Perl syntax", bad.group(0))
    try:
        return re.compile(translate(text))
    except re.error as exc:
        raise RegexError(f"error parsing regexp: {exc.msg}: `{text}`") from None


def check(pattern: str, compat: int = 3) -> None:
    """Raise RegexError, worded as Prometheus does, when Prometheus would refuse ``pattern``."""
    _go_only_checks(pattern, compat)
    if compat < 3:
        _compile(f"^(?:{pattern})$")
    else:
        _compile(pattern)


def _anchored_text(pattern: str, dotall: bool) -> str:
    if _re2 is None:
        # ``translate`` turns the final ``\z`` into Python's end-of-text ``\Z``.
        return f"^(?s:{pattern})\\z" if dotall else f"^(?:{pattern})\\z"
    return f"^(?s:{pattern})$" if dotall else f"^(?:{pattern})$"


def anchored(pattern: str, dotall: bool = True) -> GoRegex:
    """The label-matcher regex: fully anchored; ``dotall`` as Prometheus 3 (2.x: False).

    Use ``.search(value)``: the anchors are part of the compiled text, as in
    Prometheus (so 2.x's odd acceptance of ``a)|(b`` behaves the same).
    """
    _go_only_checks(pattern, 3 if dotall else 2)
    return _compile(_anchored_text(pattern, dotall))


def unanchored(pattern: str) -> GoRegex:
    """``regexp.Compile(pattern)`` as Go templates use it (``match``, ``reReplaceAll``)."""
    _go_only_checks(pattern, 3)
    return _compile(pattern)


@lru_cache(maxsize=4096)
def _tester(pattern: str, dotall: bool) -> Callable[[bytes], bool]:
    """A yes/no matcher over UTF-8 bytes for a label matcher regex.

    The ``re2`` module's ``search`` extracts submatch offsets and converts
    them back to str positions (about 40 us a call); a plain yes/no from the
    wrapped C++ ``RE2::Match`` is about 1 us, which matters when a selector
    meets thousands of series.
    """
    rx = anchored(pattern, dotall)  # raises RegexError, worded as Go
    core = getattr(_re2, "_re2", None)
    if core is not None:
        try:
            raw = core.RE2(_anchored_text(pattern, dotall).encode(), _re2_options())
            unanchored_ = core.RE2.Anchor.UNANCHORED
        except (AttributeError, TypeError):  # pragma: no cover - another binding version
            raw = None
        if raw is not None and raw.ok():
            return lambda b: bool(raw.Match(unanchored_, b, 0, len(b))[0][0] != -1)
    return lambda b: rx.search(b.decode("utf-8", "replace")) is not None


@lru_cache(maxsize=65536)
def full_match(pattern: str, value: str, dotall: bool = True) -> bool:
    """Whether the label matcher regex ``pattern`` accepts ``value`` (results cached)."""
    test = _tester(pattern, dotall)
    try:
        data = value.encode()
    except UnicodeEncodeError:
        # Lone surrogates (undecodable bytes from a file) become U+FFFD, as Go
        # reads invalid UTF-8.
        data = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace").encode()
    return test(data)
