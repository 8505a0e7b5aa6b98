"""Label values that a PromQL regex matcher accepts, or refuses.

Pure core. The behaviour checks synthesise the series an SLO's queries read,
so for ``code=~"(5..|429)"`` they need a ``code`` that matches (``500``) and,
for the good events, one that does not. Prometheus regexes are RE2, anchored
at both ends; the RE2 subset label matchers use parses with Python's own
regex parser (after ``promql/re2.py``'s translation), and every value picked is
checked with the engine's own matcher before
it is returned, so a wrong guess is a ``None``, never a wrong series.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

# Python's regex parser: re._parser from 3.11, sre_parse before (deprecated since).
_NEW = sys.version_info >= (3, 11)
sre_parse: Any = importlib.import_module("re._parser" if _NEW else "sre_parse")
sre_constants: Any = importlib.import_module("re._constants" if _NEW else "sre_constants")

_PREFERRED = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-:./"
_NON_MATCHING = ("", "burnin_other", "0", "x", "burnin-other-value")


def matching_value(pattern: str) -> str | None:
    """A value ``pattern`` (RE2, anchored) accepts, preferring the shortest; None if none found."""
    from ..promql.re2 import translate

    try:
        parsed = sre_parse.parse(translate(pattern))
    except (re.error, ValueError):
        return None
    try:
        text = _emit(list(parsed))
    except _CannotPick:
        return None
    return text if _accepts(pattern, text) else None


def non_matching_value(pattern: str) -> str | None:
    """A value ``pattern`` rejects (the empty value first: the label is then simply absent)."""
    for candidate in _NON_MATCHING:
        if not _accepts(pattern, candidate):
            return candidate
    return None


def _accepts(pattern: str, value: str) -> bool:
    from ..promql.goregex import full_match  # the engine's own Go (RE2) matching

    try:
        return full_match(pattern, value)
    except (re.error, ValueError):
        return False


class _CannotPick(Exception):
    pass


def _emit(items: list[tuple[Any, Any]]) -> str:
    return "".join(_one(op, av) for op, av in items)


def _one(op: Any, av: Any) -> str:
    c = sre_constants
    if op is c.LITERAL:
        return str(chr(av))
    if op is c.NOT_LITERAL:
        return next(ch for ch in _PREFERRED if ord(ch) != av)
    if op is c.ANY:
        return _PREFERRED[0]
    if op is c.IN:
        return _in_class(av)
    if op is c.SUBPATTERN:
        return _emit(list(av[-1]))
    if op is c.BRANCH:
        return _emit(list(av[1][0]))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        return _emit(list(sub)) * int(low)  # the fewest repeats: the shortest value
    if op is c.AT:
        return ""  # ^ and $ inside an anchored pattern match the empty string at the ends
    raise _CannotPick(str(op))


def _in_class(items: list[tuple[Any, Any]]) -> str:
    c = sre_constants
    negate = any(op is c.NEGATE for op, _ in items)
    if not negate:
        for op, av in items:
            if op is c.LITERAL:
                return chr(av)
            if op is c.RANGE:
                return chr(av[0])
            if op is c.CATEGORY:
                return _category(av)
        raise _CannotPick("empty class")
    for ch in _PREFERRED:
        if not _class_has(items, ch):
            return ch
    raise _CannotPick("negated class covers every candidate")


def _class_has(items: list[tuple[Any, Any]], ch: str) -> bool:
    c = sre_constants
    o = ord(ch)
    for op, av in items:
        if op is c.LITERAL and av == o:
            return True
        if op is c.RANGE and av[0] <= o <= av[1]:
            return True
        if op is c.CATEGORY and re.fullmatch(_CATEGORY_RE.get(av, "(?!)"), ch):
            return True
    return False


_CATEGORY_RE = {
    sre_constants.CATEGORY_DIGIT: r"\d",
    sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_SPACE: r"\s",
    sre_constants.CATEGORY_NOT_SPACE: r"\S",
    sre_constants.CATEGORY_WORD: r"\w",
    sre_constants.CATEGORY_NOT_WORD: r"\W",
}


def _category(cat: Any) -> str:
    for ch in _PREFERRED + " ":
        if re.fullmatch(_CATEGORY_RE.get(cat, "(?!)"), ch):
            return ch
    raise _CannotPick(str(cat))
