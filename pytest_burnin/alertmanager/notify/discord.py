"""Discord: the webhook JSON with one embed (notify/discord)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gojson import encode
from ..template_data import V025
from .common import SECRET, Context, RenderError, Request, truncate_runes, with_defaults

COLOR_RED, COLOR_GREEN = 0x992D22, 0x2ECC71
DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "title": '{{ template "discord.default.title" . }}',
    "message": '{{ template "discord.default.message" . }}',
}


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    c = with_defaults(conf, DEFAULTS)
    t = ctx.text
    title, message = t(str(c["title"])), t(str(c["message"]))
    content = t(str(c.get("content", ""))) if ctx.version != V025 else ""
    ctx.check("discord")
    if ctx.version != V025:  # 0.26+ truncates to Discord's limits
        title, message = truncate_runes(title, 256), truncate_runes(message, 4096)
        content = truncate_runes(content, 2000)
    color = COLOR_RED if ctx.status == "firing" else COLOR_GREEN
    body: dict[str, Any] = {"content": content,
                            "embeds": [{"title": title, "description": message, "color": color}]}  # fmt: skip
    if ctx.version != V025:
        if c.get("username"):
            body["username"] = str(c["username"])
        if c.get("avatar_url"):
            body["avatar_url"] = str(c["avatar_url"])
    url = c.get("webhook_url")
    if not url:
        raise RenderError("one of webhook_url or webhook_url_file must be configured")
    return Request("http", str(url), encode(body), {"Content-Type": "application/json"}, SECRET)
