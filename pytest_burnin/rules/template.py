"""Prometheus alert templates: the Go text/template language plus Prometheus' functions.

Prometheus prepends four variable definitions to every label and annotation
template (``$labels``, ``$externalLabels``, ``$externalURL``, ``$value``), all on
line 1, so error columns on line 1 count them too, exactly as promtool reports.

>>> expand("{{ $labels.instance }} is {{ $value | humanize }}", "__alert_X",
...        labels={"instance": "a:9"}, value=1234.5)
'a:9 is 1.234k'
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, urlsplit

from ..promql.goregex import GoRegex, RegexError, unanchored
from . import gofmt
from .gotemplate import BUILTINS, AnyMap, Executor, Func, FuncError, GoStruct
from .gotemplate_parse import Parsed, TemplateError, parse

__all__ = ["TemplateError", "check", "expand", "expand_for_alert"]

DEFS = (
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}"
)

# query(text) -> list of (labels, value); raises an Exception whose str is the message.
QueryFunc = Callable[[str], list[tuple[dict[str, str], float]]]


def _to_float(v: Any) -> float:
    if isinstance(v, bool):
        raise FuncError("can't convert bool to float")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            if "_" in v:  # Python accepts digit separators, Go's ParseFloat does not
                raise ValueError(v)
            return float(v)
        except ValueError:
            raise FuncError(f'strconv.ParseFloat: parsing "{v}": invalid syntax') from None
    raise FuncError(f"can't convert {gofmt.type_name(v)} to float")


def _g4(v: float) -> str:
    return gofmt.format_float(v, "g", 4)


_SMALL = ("m", "u", "n", "p", "f", "a", "z", "y")


def _scale_small(v: float) -> tuple[float, str]:
    prefix = ""
    for p in _SMALL:
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return v, prefix


def humanize(i: Any) -> str:
    v = _to_float(i)
    if v == 0 or math.isnan(v) or math.isinf(v):
        return _g4(v)
    if abs(v) >= 1:
        prefix = ""
        for p in ("k", "M", "G", "T", "P", "E", "Z", "Y"):
            if abs(v) < 1000:
                break
            prefix, v = p, v / 1000
        return _g4(v) + prefix
    v, prefix = _scale_small(v)
    return _g4(v) + prefix


def humanize1024(i: Any) -> str:
    v = _to_float(i)
    if abs(v) <= 1 or math.isnan(v) or math.isinf(v):
        return _g4(v)
    prefix = ""
    for p in ("ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"):
        if abs(v) < 1024:
            break
        prefix, v = p, v / 1024
    return _g4(v) + prefix


def humanize_duration(i: Any) -> str:
    v = _to_float(i)
    if math.isnan(v) or math.isinf(v):
        return _g4(v)
    if v == 0:
        return _g4(v) + "s"
    if abs(v) >= 1:
        sign = ""
        if v < 0:
            sign, v = "-", -v
        d = int(v)
        secs, mins, hours, days = d % 60, (d // 60) % 60, (d // 3600) % 24, d // 86400
        if days:
            return f"{sign}{days}d {hours}h {mins}m {secs}s"
        if hours:
            return f"{sign}{hours}h {mins}m {secs}s"
        if mins:
            return f"{sign}{mins}m {secs}s"
        return f"{sign}{_g4(v)}s"
    v, prefix = _scale_small(v)
    return f"{_g4(v)}{prefix}s"


def humanize_percentage(i: Any) -> str:
    return _g4(_to_float(i) * 100) + "%"


def _float_to_time(v: float) -> gofmt.GoTime:
    if math.isnan(v) or math.isinf(v):
        raise FuncError("value is NaN or Inf")
    if abs(v * 1e9) > 2**63:
        raise FuncError(
            f"{gofmt.format_float_v(v)} cannot be represented as a nanoseconds timestamp since it overflows int64"
        )
    # model.TimeFromUnixNano keeps milliseconds only.
    ms = int(v * 1e9) // 1_000_000 if v >= 0 else -(int(-v * 1e9) // 1_000_000)
    return gofmt.GoTime(ms / 1000)


def humanize_timestamp(i: Any) -> str:
    v = _to_float(i)
    if math.isnan(v) or math.isinf(v):
        return _g4(v)
    return str(_float_to_time(v))


def to_duration(i: Any) -> gofmt.GoDuration:
    v = _to_float(i)
    if math.isnan(v) or math.isinf(v):
        raise FuncError("value is NaN or Inf")
    return gofmt.GoDuration(v)


def _split_host_port(hp: str) -> tuple[str, str] | None:
    if hp.startswith("["):
        end = hp.find("]")
        if end < 0 or not hp[end + 1 :].startswith(":"):
            return None
        return hp[1:end], hp[end + 2 :]
    if hp.count(":") != 1:
        return None
    host, port = hp.split(":")
    return host, port


def strip_port(hp: str) -> str:
    parts = _split_host_port(hp)
    return hp if parts is None else parts[0]


def strip_domain(hp: str) -> str:
    parts = _split_host_port(hp)
    host, port = (hp, "") if parts is None else parts
    try:
        ipaddress.ip_address(host)
        return hp
    except ValueError:
        pass
    host = host.split(".")[0]
    if port:
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return host


def go_regex(pattern: str) -> GoRegex:
    """Go's ``regexp.Compile``: RE2 syntax and linear-time matching (promql.goregex)."""
    try:
        return unanchored(pattern)
    except RegexError as e:
        raise FuncError(str(e)) from None


_REPL_REF = re.compile(r"\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")


def re_replace_all(pattern: str, repl: str, text: str) -> str:
    rx = go_regex(pattern)

    def expand(m: Any) -> str:
        # Go's Expand: $name takes the longest run of word characters; unknown -> "".
        def ref(r: re.Match[str]) -> str:
            if r.group(1) == "$":
                return "$"
            name = r.group(2) or r.group(3)
            try:
                idx: int | str = int(name) if name.isdigit() else name
                return m.group(idx) or ""
            except (IndexError, re.error):
                return ""

        return _REPL_REF.sub(ref, repl)

    return rx.sub(expand, text)


def title(s: str) -> str:
    out, prev_sep = [], True
    for ch in s:
        out.append(ch.upper() if prev_sep else ch)
        prev_sep = not (ch.isalnum() or ch == "_")
    return "".join(out)


def _sample(labels: Mapping[str, str], value: float) -> GoStruct:
    return GoStruct("*template.sample", {"Labels": dict(labels), "Value": value})


def _check_sample(s: Any) -> GoStruct:
    if not isinstance(s, GoStruct):
        raise FuncError(
            f"wrong type for value; expected *template.sample; got {gofmt.type_name(s)}"
        )
    return s


def _sort_by_label(label: str, v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise FuncError("wrong type for value; expected template.queryResult")
    return sorted(v, key=lambda s: _check_sample(s).fields["Labels"].get(label, ""))


def _first(v: Any) -> Any:
    if not isinstance(v, list):
        raise FuncError(
            f"wrong type for value; expected template.queryResult; got {gofmt.type_name(v)}"
        )
    if not v:
        raise FuncError("first() called on vector with no elements")
    return v[0]


def _parse_duration(d: str) -> float:
    from ..promql import parser  # the shared duration grammar (y w d h m s ms)

    try:
        return parser.parse_duration(d) / 1000.0
    except Exception as e:  # parse_duration's own error type is not ours to name
        raise FuncError(str(e)) from None


def make_funcs(query: QueryFunc | None, external_url: str, timestamp_s: float) -> dict[str, Func]:
    def do_query(q: str) -> list[Any]:
        if query is None:
            raise FuncError("query function not available")
        try:
            return [_sample(lab, val) for lab, val in query(q)]
        except FuncError:
            raise
        except Exception as e:
            raise FuncError(str(e)) from None

    url = urlsplit(external_url)
    funcs: dict[str, Func] = dict(BUILTINS)
    funcs.update(
        {
            "query": (do_query, "s"),
            "first": (_first, "a"),
            "label": (lambda name, s: _check_sample(s).fields["Labels"].get(name, ""), "sa"),
            "value": (lambda s: _check_sample(s).fields["Value"], "a"),
            "strvalue": (lambda s: _check_sample(s).fields["Labels"].get("__value__", ""), "a"),
            "sortByLabel": (_sort_by_label, "sa"),
            "args": (lambda *a: AnyMap({f"arg{i}": x for i, x in enumerate(a)}), "a*"),
            "reReplaceAll": (re_replace_all, "sss"),
            "safeHtml": (lambda s: s, "s"),
            "match": (lambda p, s: go_regex(p).search(s) is not None, "ss"),
            "title": (title, "s"),
            "toUpper": (str.upper, "s"),
            "toLower": (str.lower, "s"),
            "graphLink": (lambda e: f"/graph?g0.expr={quote_plus(e, safe='')}&g0.tab=0", "s"),
            "tableLink": (lambda e: f"/graph?g0.expr={quote_plus(e, safe='')}&g0.tab=1", "s"),
            "humanize": (humanize, "a"),
            "humanize1024": (humanize1024, "a"),
            "humanizeDuration": (humanize_duration, "a"),
            "humanizePercentage": (humanize_percentage, "a"),
            "humanizeTimestamp": (humanize_timestamp, "a"),
            "toTime": (lambda i: _float_to_time(_to_float(i)), "a"),
            "toDuration": (to_duration, "a"),
            "now": (lambda: timestamp_s, ""),
            "pathPrefix": (lambda: url.path, ""),
            "externalURL": (lambda: external_url, ""),
            "parseDuration": (_parse_duration, "s"),
            "stripPort": (strip_port, "s"),
            "stripDomain": (strip_domain, "s"),
        }
    )
    return funcs


_FUNC_NAMES = frozenset(make_funcs(None, "", 0.0))


@lru_cache(maxsize=4096)
def _parsed(text: str, name: str) -> Parsed:
    # Trees are never mutated by execution, so an alert re-rendered at every
    # step of a test reuses one parse.
    return parse(DEFS + text, name, _FUNC_NAMES)


def check(text: str, name: str) -> None:
    """Parse only, as ``promtool check rules`` does; raises TemplateError."""
    parse(DEFS + text, name, _FUNC_NAMES)


def expand(
    text: str,
    name: str,
    *,
    labels: Mapping[str, str] | None = None,
    value: Any = 0.0,
    external_labels: Mapping[str, str] | None = None,
    external_url: str = "",
    query: QueryFunc | None = None,
    timestamp_s: float = 0.0,
) -> str:
    """Render one template; raises TemplateError with Prometheus' wording."""
    if "{{" not in text:
        return text  # the common case: plain text needs no parse
    try:
        tree = _parsed(text, name)
    except TemplateError as e:
        raise TemplateError(f"error parsing template {name}: {e}") from None
    data = GoStruct(
        "template.tmplData",
        {
            "Labels": dict(labels or {}),
            "ExternalLabels": dict(external_labels or {}),
            "ExternalURL": external_url,
            "Value": value,
        },
    )
    try:
        return Executor(tree, make_funcs(query, external_url, timestamp_s)).run(data)
    except TemplateError as e:
        raise TemplateError(f"error executing template {name}: {e}") from None
    except RecursionError:
        raise TemplateError(f"panic expanding template {name}: recursion too deep") from None


def expand_for_alert(text: str, name: str, **kw: Any) -> str:
    """What an alerting rule stores: the text, or ``<error expanding template: ...>``."""
    try:
        return expand(text, name, **kw)
    except TemplateError as e:
        return f"<error expanding template: {e}>"
