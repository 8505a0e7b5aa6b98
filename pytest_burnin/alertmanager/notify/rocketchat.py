"""Rocket.Chat (0.28+): chat.postMessage with one attachment (notify/rocketchat).

The token and the user id travel as ``X-Auth-Token`` / ``X-User-Id`` headers;
both are secrets of the request, so they never show in output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gojson import encode
from ..template_data import V025
from .common import SECRET, Context, RenderError, Request, truncate_runes, with_defaults

DEFAULTS: dict[str, Any] = {
    "send_resolved": False,
    "color": '{{ if eq .Status "firing" }}red{{ else }}green{{ end }}',
    "emoji": '{{ template "rocketchat.default.emoji" . }}',
    "icon_url": '{{ template "rocketchat.default.iconurl" . }}',
    "text": '{{ template "rocketchat.default.text" . }}',
    "title": '{{ template "rocketchat.default.title" . }}',
    "title_link": '{{ template "rocketchat.default.titlelink" . }}',
}
DEFAULT_API_URL = "https://open.rocket.chat/"
MAX_TITLE_RUNES = 1024


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    if ctx.version == V025:
        raise RenderError("rocketchat_configs needs Alertmanager 0.28 or later")
    c = with_defaults(conf, DEFAULTS)
    g = ctx.global_conf
    t = ctx.text
    att: dict[str, Any] = {
        "title": truncate_runes(t(str(c["title"])), MAX_TITLE_RUNES),
        "title_link": t(str(c["title_link"])),
        "text": t(str(c["text"])),
        "image_url": t(str(c.get("image_url", ""))),
        "thumb_url": t(str(c.get("thumb_url", ""))),
        "color": t(str(c["color"])),
    }
    att = {k: v for k, v in att.items() if v}  # omitempty
    if c.get("fields"):
        att["fields"] = [_field(f, bool(c.get("short_fields", False)), ctx) for f in c["fields"]]
    if c.get("actions"):
        att["actions"] = [_action(a, ctx) for a in c["actions"]]
    body = {"channel": t(str(c.get("channel", ""))), "emoji": t(str(c["emoji"])),
            "avatar": t(str(c["icon_url"])), "attachments": [att]}  # fmt: skip
    body = {k: v for k, v in body.items() if v}
    ctx.check("rocketchat")
    token = c.get("token") or g.get("rocketchat_token")
    token_id = c.get("token_id") or g.get("rocketchat_token_id")
    if not token and not (c.get("token_file") or g.get("rocketchat_token_file")):
        raise RenderError("no global Rocketchat Token set either inline or in a file")
    if not token_id and not (c.get("token_id_file") or g.get("rocketchat_token_id_file")):
        raise RenderError("no global Rocketchat TokenID set either inline or in a file")
    base = str(c.get("api_url") or g.get("rocketchat_api_url") or DEFAULT_API_URL)
    url = base.rstrip("/") + "/api/v1/chat.postMessage"
    headers = {"Content-Type": "application/json", "X-Auth-Token": str(token or SECRET),
               "X-User-Id": str(token_id or SECRET)}  # fmt: skip
    return Request("http", url, encode(body), headers,
                   secrets=[str(token or ""), str(token_id or "")])  # fmt: skip


def _field(f: Mapping[str, Any], short_default: bool, ctx: Context) -> dict[str, Any]:
    short = f.get("short")
    out: dict[str, Any] = {"short": short_default if short is None else bool(short)}
    for key in ("title", "value"):
        text = ctx.text(str(f.get(key, "")))
        if text:
            out[key] = text
    return out


def _action(a: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    # Only buttons exist; Alertmanager rebuilds each action from text, url and msg.
    out: dict[str, Any] = {"type": "button"}
    for key in ("text", "url"):
        text = ctx.text(str(a.get(key, "")))
        if text:
            out[key] = text
    out["is_webview"] = False
    msg = ctx.text(str(a.get("msg", "")))
    if msg:
        out["msg"] = msg
    out["msg_in_chat_window"] = False
    return out
