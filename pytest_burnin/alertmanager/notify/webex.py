"""Webex: the messages API JSON (notify/webex); the bot token is the http_config credential."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gojson import encode
from ..template_data import V025
from .common import Context, RenderError, Request, with_defaults

DEFAULT_API_URL = "https://webexapis.com/v1/messages"
MAX_MESSAGE_BYTES = 7439
DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "message": '{{ template "webex.default.message" . }}',
}


def truncate_bytes(s: str, n: int) -> str:
    """notify.TruncateInBytes: cut on a rune boundary and end with an ellipsis."""
    data = s.encode()
    if len(data) <= n:
        return s
    i = n - 3
    while i > 0 and (data[i] & 0xC0) == 0x80:  # not a rune start
        i -= 1
    return data[:i].decode() + "…"


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    c = with_defaults(conf, DEFAULTS)
    auth = (c.get("http_config") or {}).get("authorization") or {}
    credentials = str(auth.get("credentials") or "")
    if not credentials:
        raise RenderError(
            "missing http_config.authorization.credentials in webex_config (the bot token)"
        )
    if not c.get("room_id"):
        raise RenderError("missing room_id on webex_config")
    message = truncate_bytes(ctx.text(str(c["message"])), MAX_MESSAGE_BYTES)
    room = str(c["room_id"]) if ctx.version == V025 else ctx.text(str(c["room_id"]))
    ctx.check("webex")
    body: dict[str, Any] = {"markdown": message}
    if room:
        body["roomId"] = room
    url = str(c.get("api_url") or ctx.global_conf.get("webex_api_url") or DEFAULT_API_URL)
    headers = {"Content-Type": "application/json",
               "Authorization": f"{auth.get('type') or 'Bearer'} {credentials}"}  # fmt: skip
    return Request("http", url, encode(body), headers, secrets=[credentials])
