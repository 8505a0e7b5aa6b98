"""Alertmanager label matchers: ``name="value"``, ``!=``, ``=~``, ``!~``.

Regex values are Go RE2, fully anchored as Alertmanager anchors them
(``^(?:value)$``), translated by ``promql.re2``. Two text syntaxes exist: the
classic one of Alertmanager up to 0.26 (``pkg/labels/parse.go``) and the UTF-8
one of 0.27+ (quoted label names), which 0.27+ reads in "fallback" mode: the
UTF-8 parser first, the classic parser when that fails. Both are accepted here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..promql.gomath import go_quote
from ..promql.re2 import compile_anchored

EQ, NE, RE, NRE = "=", "!=", "=~", "!~"
_ORDER = {EQ: 0, NE: 1, RE: 2, NRE: 3}
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*\Z")


class MatcherError(ValueError):
    """A matcher that does not parse; the message is Alertmanager's."""


@dataclass(frozen=True)
class Matcher:
    op: str
    name: str
    value: str
    _re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def make(cls, op: str, name: str, value: str) -> Matcher:
        pattern = None
        if op in (RE, NRE):
            try:
                # Go's "." does not match a newline unless (?s) is given.
                pattern = compile_anchored(value, dotall=False)
            except re.error as exc:
                raise MatcherError(_go_regexp_error(exc, f"^(?:{value})$")) from None
        return cls(op, name, value, pattern)

    def matches(self, value: str) -> bool:
        if self.op == EQ:
            return value == self.value
        if self.op == NE:
            return value != self.value
        assert self._re is not None
        hit = self._re.match(value) is not None
        return hit if self.op == RE else not hit

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
        # 0.27+ quotes a name that is not a classic label name (UTF-8 names).
        name = self.name if LABEL_NAME.match(self.name) else go_quote(self.name)
        return f'{name}{self.op}"{escaped}"'

    def sort_key(self) -> tuple[str, str, int]:
        # labels.Matchers.Less: by name, then value, then type.
        return (self.name, self.value, _ORDER[self.op])


# Python's re messages -> Go regexp/syntax error codes (the words Alertmanager prints).
_GO_RE_ERRORS = (
    ("missing ), unterminated subpattern", "missing closing )"),
    ("unbalanced parenthesis", "unexpected )"),
    ("unterminated character set", "missing closing ]"),
    ("nothing to repeat", "missing argument to repetition operator"),
    ("multiple repeat", "invalid nested repetition operator"),
    ("bad character range", "invalid character class range"),
    ("bad escape (end of pattern)", "trailing backslash at end of expression"),
    ("bad escape", "invalid escape sequence"),
)


def _go_regexp_error(exc: re.error, pattern: str) -> str:
    text = str(exc)
    code = next((go for py, go in _GO_RE_ERRORS if text.startswith(py)), text)
    return f"error parsing regexp: {code}: `{pattern}`"


def matches_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    """A missing label reads as the empty string, as in Alertmanager."""
    for m in matchers:  # noqa: SIM110 - a plain loop: the routing hot path, 2x faster than all()
        if not m.matches(labels.get(m.name, "")):
            return False
    return True


def format_matchers(matchers: Iterable[Matcher]) -> str:
    return "{" + ",".join(str(m) for m in matchers) + "}"


_CLASSIC = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*\Z", re.S)


def parse_classic(text: str) -> Matcher:
    """One matcher in the classic syntax (Alertmanager 0.25 ``labels.ParseMatcher``)."""
    m = _CLASSIC.match(text)
    if m is None:
        raise MatcherError(f"bad matcher format: {text}")
    raw = m.group(3)
    expect_quote = raw.startswith('"')
    if expect_quote:
        raw = raw[1:]
    out: list[str] = []
    escaped = False
    for i, ch in enumerate(raw):
        if escaped:
            escaped = False
            out.append({"n": "\n", '"': '"', "\\": "\\"}.get(ch, "\\" + ch))
            continue
        if ch == "\\":
            if i < len(raw) - 1:
                escaped = True
                continue
            out.append("\\")
        elif ch == '"':
            if not expect_quote or i < len(raw) - 1:
                raise MatcherError(f"matcher value contains unescaped double quote: {m.group(3)}")
            expect_quote = False
        else:
            out.append(ch)
    if expect_quote:
        raise MatcherError(f"matcher value contains unescaped double quote: {m.group(3)}")
    return Matcher.make(m.group(2), m.group(1), "".join(out))


def split_classic(text: str) -> list[str]:
    """``{a="1", b=~"x,y"}`` -> its matcher texts (commas inside quotes kept)."""
    text = text.removeprefix("{").removesuffix("}")
    tokens: list[str] = []
    token: list[str] = []
    inside = escaped = False
    for ch in text:
        if ch == "," and not inside:
            tokens.append("".join(token))
            token = []
            continue
        if ch == '"':
            if not escaped:
                inside = not inside
            else:
                escaped = False
        elif ch == "\\":
            escaped = not escaped
        else:
            escaped = False
        token.append(ch)
    last = "".join(token).strip()
    if last:
        tokens.append(last)
    return tokens


# matcher/parse: unquoted names and values are runs of anything but spaces and {}!=~,\"'`
_BARE = r"[^\s{}!=~,\\\"'`]+"
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_UTF8 = re.compile(
    rf"^\s*(?:{_QUOTED}|({_BARE}))\s*(=~|=|!=|!~)\s*(?:{_QUOTED}|({_BARE}))\s*\Z", re.S
)
_UNESCAPE = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt not in _UNESCAPE:
                raise MatcherError(f"invalid escape sequence \\{nxt}")
            out.append(_UNESCAPE[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse_utf8(text: str) -> Matcher:
    """One matcher in the 0.27+ UTF-8 syntax: label names may be quoted."""
    m = _UTF8.match(text)
    if m is None:
        raise MatcherError(f"bad matcher format: {text}")
    name = _unquote(m.group(1)) if m.group(1) is not None else m.group(2)
    value = _unquote(m.group(4)) if m.group(4) is not None else m.group(5)
    return Matcher.make(m.group(3), name, value)


def parse_matcher(text: str) -> Matcher:
    """Classic first (what 0.25 accepts, and what it means); then the UTF-8 syntax."""
    try:
        return parse_classic(text)
    except MatcherError as classic:
        try:
            return parse_utf8(text)
        except MatcherError:
            raise classic from None


def parse_matchers(text: str) -> list[Matcher]:
    return [parse_matcher(t) for t in split_classic(text)]
