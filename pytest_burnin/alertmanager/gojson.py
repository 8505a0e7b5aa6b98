"""Go's ``encoding/json`` output, byte for byte, for notification bodies.

A plain ``dict`` stands for a Go struct (keys in field order, as given); a
``GoMap`` (or a template KV) for a Go map, whose keys Go sorts. Strings are
escaped as Go does: ``<``, ``>`` and ``&`` as ``\\u003c`` etc. when HTML
escaping is on (json.Encoder's default), U+2028/U+2029 always, other control
characters as ``\\u00XX``. ``json.Encoder.Encode`` appends a newline.
"""

from __future__ import annotations

import re
from typing import Any

from ..rules.gofmt import format_float_v
from ..rules.gotemplate import GoStruct
from .gotime import GoTime
from .template_data import KV


class GoMap(dict[str, Any]):
    """A Go map: encoded with its keys sorted."""


_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


_NEEDS = re.compile('[\x00-\x1f"\\\\<>&\u2028\u2029\ud800-\udfff]')
_NEEDS_NO_HTML = re.compile('[\x00-\x1f"\\\\\u2028\u2029\ud800-\udfff]')


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _SHORT:
        return _SHORT[ch]
    if ch in _HTML:
        return _HTML[ch]
    if 0xD800 <= ord(ch) <= 0xDFFF:  # a lone surrogate is invalid UTF-8 to Go
        return "\\ufffd"
    return f"\\u{ord(ch):04x}"


def quote(s: str, escape_html: bool = True) -> str:
    needs = _NEEDS if escape_html else _NEEDS_NO_HTML
    if needs.search(s) is None:  # most label values: nothing to escape
        return f'"{s}"'
    return '"' + needs.sub(_escape, s) + '"'


def dumps(v: Any, escape_html: bool = True) -> str:
    """json.Marshal (no trailing newline)."""
    parts: list[str] = []
    _encode(v, parts, escape_html)
    return "".join(parts)


def encode(v: Any) -> bytes:
    """json.NewEncoder(&buf).Encode(v): HTML-escaped, with the trailing newline."""
    return (dumps(v) + "\n").encode()


def _encode(v: Any, out: list[str], esc: bool) -> None:
    if type(v) is str:  # the common case first: bodies are mostly strings
        out.append(quote(v, esc))
    elif v is None:
        out.append("null")
    elif isinstance(v, bool):
        out.append("true" if v else "false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(format_float_v(v))
    elif isinstance(v, str):
        out.append(quote(v, esc))
    elif isinstance(v, GoTime) or type(v).__name__ == "GoTime":
        # By name too: pytest's in-process runs (pytester) drop and re-import this
        # package between runs, and a GoTime made by a module kept from an earlier
        # run is of the earlier class.
        out.append(quote(v.rfc3339nano(), esc))
    elif isinstance(v, GoStruct):
        _encode(_struct_fields(v), out, esc)
    elif isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode()) if isinstance(v, (GoMap, KV)) else list(v)
        out.append("{")
        for i, k in enumerate(keys):
            if i:
                out.append(",")
            out.append(quote(k, esc))
            out.append(":")
            _encode(v[k], out, esc)
        out.append("}")
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _encode(x, out, esc)
        out.append("]")
    else:
        raise TypeError(f"cannot encode {type(v).__name__} as JSON")


# template.Data and template.Alert carry json tags: lower-camel names, one snake.
_TAGGED = ("*template.Data", "template.Alert")
_RENAMED = {"NotificationReason": "notification_reason"}


def _struct_fields(v: GoStruct) -> dict[str, Any]:
    if v.type_name not in _TAGGED:
        return dict(v.fields)
    return {_RENAMED.get(k, k[:1].lower() + k[1:]): x for k, x in v.fields.items()}
