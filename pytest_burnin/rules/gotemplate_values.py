"""Go values and built-in functions for the ``text/template`` executor (``gotemplate``).

Go values map onto Python ones: string -> str, float64 -> float, int -> int,
bool -> bool, nil -> None, maps -> dict, slices -> list, structs -> ``GoStruct``;
a value with methods templates call is a ``GoMethods``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import gofmt


class _Missing:
    def __repr__(self) -> str:
        return gofmt.MISSING_MARK

    def __str__(self) -> str:
        return gofmt.MISSING_MARK


MISSING: Any = _Missing()


class AnyMap(dict[str, Any]):
    """A Go map[string]interface{}: a missing key is nil, printed ``<no value>``."""


class GoMethods:
    """A Go value with methods that templates call (``.SortedPairs``, ``.Remove .X``).

    ``go_methods`` maps a method name to (callable, parameter kinds) as for functions.
    Go looks a name up as a method before a map key or struct field.
    """

    @property
    def go_methods(self) -> dict[str, Func]:
        return {}


class Escaper:
    """Output filter for ``html/template``: sees every text and every printed value."""

    def text(self, s: str) -> None:
        """Template text was written (moves the HTML context on)."""

    def value(self, v: Any) -> str:
        return gofmt.go_print(v)


class FuncError(Exception):
    """Raised by a template function; reported as ``error calling NAME: msg``."""


@dataclass
class GoStruct:
    type_name: str
    fields: dict[str, Any]

    def __str__(self) -> str:
        # text/template dereferences pointers before printing: {field field}.
        return "{" + " ".join(gofmt.go_print(v) for v in self.fields.values()) + "}"


# A function: (callable, parameter kinds). Kinds: "s" string, "f" float64, "i" int,
# "a" anything; a trailing "*" makes the last kind variadic.
Func = tuple[Callable[..., Any], str]


def truth(v: Any) -> bool:
    if v is MISSING or v is None:
        return False
    if isinstance(v, (bool, int, float, str, dict, list)):
        return bool(v)
    return True


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return "other"


def _eq(a: Any, *bs: Any) -> bool:
    if a is MISSING:
        raise FuncError("invalid type for comparison")
    for b in bs:
        ka, kb = _kind(a), _kind(b)
        if ka == "other" or kb == "other":
            if a is None or b is None:
                if a is b:
                    return True
                continue
            raise FuncError("non-comparable types")
        if ka != kb:
            raise FuncError("incompatible types for comparison")
        if a == b:
            return True
    return False


def _lt(a: Any, b: Any) -> bool:
    ka, kb = _kind(a), _kind(b)
    if ka in ("bool", "other") or kb in ("bool", "other"):
        raise FuncError("invalid type for comparison")
    if ka != kb:
        raise FuncError("incompatible types for comparison")
    return bool(a < b)


def _index(item: Any, *keys: Any) -> Any:
    for k in keys:
        if isinstance(item, dict):
            item = item.get(k, "")
        elif isinstance(item, (list, str)):
            if not isinstance(k, int) or not 0 <= k < len(item):
                raise FuncError(f"index out of range: {k}")
            item = item[k]
        else:
            raise FuncError(f"can't index item of type {gofmt.type_name(item)}")
    return item


def _len(v: Any) -> int:
    if isinstance(v, str):
        return len(v.encode())
    if isinstance(v, (dict, list)):
        return len(v)
    raise FuncError(f"len of type {gofmt.type_name(v)}")


def _sprint(*args: Any) -> str:
    # fmt.Sprint: a space between operands when neither side is a string.
    out = ""
    for i, a in enumerate(args):
        if i and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out += " "
        out += gofmt.go_print(a)
    return out


def _html(*args: Any) -> str:
    s = args[0] if len(args) == 1 and isinstance(args[0], str) else _sprint(*args)
    table = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&#34;", "'": "&#39;", "\0": "\ufffd"}
    return "".join(table.get(c, c) for c in s)


def _js(*args: Any) -> str:
    s = args[0] if len(args) == 1 and isinstance(args[0], str) else _sprint(*args)
    table = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E",
             "&": "\\u0026", "=": "\\u003D", "\n": "\\u000A", "\r": "\\u000D"}  # fmt: skip
    return "".join(table.get(c, c) for c in s)


def _urlquery(*args: Any) -> str:
    from urllib.parse import quote_plus

    s = args[0] if len(args) == 1 and isinstance(args[0], str) else _sprint(*args)
    return quote_plus(s, safe="")


BUILTINS: dict[str, Func] = {
    "eq": (_eq, "aa*"),
    "ne": (lambda a, b: not _eq(a, b), "aa"),
    "lt": (_lt, "aa"),
    "le": (lambda a, b: _lt(a, b) or _eq(a, b), "aa"),
    "gt": (lambda a, b: not (_lt(a, b) or _eq(a, b)), "aa"),
    "ge": (lambda a, b: not _lt(a, b), "aa"),
    "not": (lambda a: not truth(a), "a"),
    "len": (_len, "a"),
    "index": (_index, "aa*"),
    "print": (_sprint, "a*"),
    "println": (lambda *a: " ".join(gofmt.go_print(x) for x in a) + "\n", "a*"),
    "printf": (lambda f, *a: gofmt.sprintf(f, list(a)), "sa*"),
    "html": (_html, "a*"),
    "js": (_js, "a*"),
    "urlquery": (_urlquery, "a*"),
    # and/or are special-cased in _call: they short-circuit on unevaluated nodes.
    "and": (lambda *a: a[-1], "aa*"),
    "or": (lambda *a: a[-1], "aa*"),
}
