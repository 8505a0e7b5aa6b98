"""Alertmanager's template functions (template.DefaultFuncs), per version.

0.25 has toUpper, toLower, title, join, match, safeHtml, reReplaceAll and
stringSlice. Later versions added trimSpace, safeUrl, urlUnescape, date, tz,
now, since, humanizeDuration, toJson, list, append and dict (all in 0.33.1).
A template that calls a function its version lacks fails to load, as it does
in that Alertmanager (``function "date" not defined``).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote_plus

from ..rules.gotemplate import BUILTINS, Func, FuncError
from ..rules.template import go_regex, humanize_duration, re_replace_all
from . import gojson
from .gotime import GoTime, as_time
from .template_data import V025


class SafeHTML(str):
    """html/template's HTML type: printed as is in HTML text."""


class SafeURL(str):
    """html/template's URL type: trusted in URL attributes (no filtering)."""


# Words as Unicode word segmentation sees them (x/text's title caser): "_" joins,
# and ".", "'" or ":" between letters do not break ("slack.fields" -> "Slack.fields",
# as Alertmanager prints it).
_WORD = re.compile(r"\w+(?:[.'’:·]\w+)*")


def title(s: str) -> str:
    # x/text/cases Title: upper-case each word's first letter, lower-case the rest.
    return _WORD.sub(lambda m: m.group()[:1].upper() + m.group()[1:].lower(), s)


def _join(sep: str, items: Any) -> str:
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        raise FuncError("wrong type for value; expected []string")
    return sep.join(items)


def _match(pattern: str, s: str) -> bool:
    return go_regex(pattern).search(s) is not None


def _url_unescape(s: str) -> str:
    if re.search(r"%(?![0-9A-Fa-f]{2})", s):
        bad = re.search(r"%.{0,2}", s[s.index("%") :])
        raise FuncError(f'invalid URL escape "{bad.group() if bad else "%"}"')
    return unquote_plus(s)


def _tz(name: str, t: Any) -> GoTime:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    when = as_time(t)
    if name in ("", "UTC"):
        return when.in_zone(timezone.utc, "UTC")
    try:
        return when.in_zone(ZoneInfo(name), name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FuncError(f"unknown time zone {name}") from None


def _now() -> GoTime:
    return GoTime(datetime.now(timezone.utc))


def _since(t: Any) -> Any:
    from ..rules.gofmt import GoDuration

    delta = datetime.now(timezone.utc) - as_time(t).dt
    return GoDuration(delta.total_seconds())


def _to_json(v: Any) -> str:
    try:
        return gojson.dumps(v, escape_html=True)
    except TypeError as e:
        raise FuncError(f"json: {e}") from None


def _dict(*values: Any) -> dict[str, Any]:
    if len(values) % 2:
        raise FuncError("dict requires an even number of arguments")
    out: dict[str, Any] = {}
    for k, v in zip(values[::2], values[1::2], strict=True):
        if not isinstance(k, str):
            raise FuncError("dict keys must be strings")
        out[k] = v
    return out


def _append(items: Any, *more: Any) -> list[Any]:
    if not isinstance(items, list):
        raise FuncError("wrong type for value; expected []interface {}")
    return [*items, *more]


_V025: dict[str, Func] = {
    "toUpper": (str.upper, "s"),
    "toLower": (str.lower, "s"),
    "title": (title, "s"),
    "join": (_join, "sa"),
    "match": (_match, "ss"),
    "safeHtml": (SafeHTML, "s"),
    "reReplaceAll": (re_replace_all, "sss"),
    "stringSlice": (lambda *s: list(s), "s*"),
}

_LATER: dict[str, Func] = {
    "trimSpace": (lambda s: s.strip(" \t\n\r\v\f\x85\xa0"), "s"),
    "safeUrl": (SafeURL, "s"),
    "urlUnescape": (_url_unescape, "s"),
    "date": (lambda fmt, t: as_time(t).format(fmt), "sa"),
    "tz": (_tz, "sa"),
    "now": (_now, ""),
    "since": (_since, "a"),
    "humanizeDuration": (humanize_duration, "a"),
    "toJson": (_to_json, "a"),
    "list": (lambda *a: list(a), "a*"),
    "append": (_append, "aa*"),
    "dict": (_dict, "a*"),
}


def funcs_for(version: str) -> dict[str, Func]:
    """Go's builtins plus the Alertmanager functions ``version`` has."""
    out = dict(BUILTINS)
    out.update(_V025)
    if version != V025:
        out.update(_LATER)
    return out
