"""Pushover: a POST whose parameters are all in the query string (notify/pushover).

The body is empty; token and user key travel in the URL, so both are secrets.
The API URL is fixed in Alertmanager (no ``api_url`` option).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from ..template_data import V025
from .common import Context, RenderError, Request, truncate_runes, with_defaults

API_URL = "https://api.pushover.net/1/messages.json"
DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "title": '{{ template "pushover.default.title" . }}',
    "message": '{{ template "pushover.default.message" . }}',
    "url": '{{ template "pushover.default.url" . }}',
    "priority": '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}',
    "retry": "1m",
    "expire": "1h",
    "html": False,
}


def _seconds(value: Any, what: str) -> int:
    from ...promql.parser import parse_duration

    try:
        return int(parse_duration(str(value)) // 1000)
    except Exception as e:  # the parser's own error type
        raise RenderError(f"pushover {what}: {e}") from None


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    c = with_defaults(conf, DEFAULTS)
    token, user = str(c.get("token") or ""), str(c.get("user_key") or "")
    if not token or not user:
        raise RenderError(
            "missing token or user key in Pushover config (files are not read when rendering)"
        )
    t = ctx.text
    params: list[tuple[str, str]] = [("token", t(token)), ("user", t(user))]
    params.append(("title", truncate_runes(t(str(c["title"])), 250)))
    if c.get("html"):
        params.append(("html", "1"))
        message = ctx.html(str(c["message"]))
    else:
        message = t(str(c["message"]))
    if ctx.version != V025:
        if c.get("monospace"):
            params.append(("monospace", "1"))
        params.append(("device", t(str(c.get("device", "")))))
        ttl = _seconds(c["ttl"], "ttl") if c.get("ttl") else 0
        if ttl > 0:
            params.append(("ttl", str(ttl)))
    message = truncate_runes(message, 1024).strip(" \t\n\r\v\f")
    params.append(("message", message or "(no details)"))
    params.append(("url", truncate_runes(t(str(c["url"])), 512)))
    params.append(("url_title", t(str(c.get("url_title", "")))))
    params.append(("priority", t(str(c["priority"]))))
    params.append(("retry", str(_seconds(c["retry"], "retry"))))
    params.append(("expire", str(_seconds(c["expire"], "expire"))))
    params.append(("sound", t(str(c.get("sound", "")))))
    ctx.check("pushover")
    # url.Values.Encode: keys sorted (stable for repeated keys), values query-escaped.
    query = urlencode(sorted(params, key=lambda kv: kv[0]))
    url = f"{API_URL}?{query}"
    display = url.replace(urlencode([("t", token)])[2:], "<secret>").replace(
        urlencode([("u", user)])[2:], "<secret>"
    )
    return Request(
        "http", url, b"", {"Content-Type": "text/plain"}, display_url=display, secrets=[token, user]
    )
