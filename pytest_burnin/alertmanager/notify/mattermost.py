"""Mattermost (0.33+): the incoming-webhook JSON (notify/mattermost).

Without ``attachments:`` the text goes into one attachment built from the
top-level fields; with them, each configured attachment is rendered and the
text moves to the message itself (where it is cut at 16,383 runes).
``priority`` is normalised as Alertmanager does: an unknown value becomes
``standard``, which drops ``requested_ack``; only ``urgent`` keeps
``persistent_notifications``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..gojson import encode
from ..template_data import V025
from .common import SECRET, Context, RenderError, Request, truncate_runes, with_defaults

DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "username": '{{ template "mattermost.default.username" . }}',
    "color": '{{ template "mattermost.default.color" . }}',
    "text": '{{ template "mattermost.default.text" . }}',
    "title": '{{ template "mattermost.default.title" . }}',
    "title_link": '{{ template "mattermost.default.titlelink" . }}',
    "fallback": '{{ template "mattermost.default.fallback" . }}',
}
MAX_TEXT_RUNES = 16383
# The attachment's JSON fields in Go's struct order (all omitempty).
_ATTACHMENT = ("fallback", "color", "pretext", "text", "author_name", "author_link",
               "author_icon", "title", "title_link", "fields", "thumb_url", "footer",
               "footer_icon", "image_url")  # fmt: skip
_PRIORITIES = ("urgent", "important", "standard")


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    if ctx.version == V025:
        raise RenderError("mattermost_configs needs Alertmanager 0.33 or later")
    c = with_defaults(conf, DEFAULTS)
    t: Callable[[Any], str] = lambda v: ctx.text(str(v or ""))  # noqa: E731
    text = t(c["text"])
    req: dict[str, Any] = {"text": "", "channel": t(c.get("channel")),
                           "username": t(c["username"]), "icon_url": t(c.get("icon_url")),
                           "icon_emoji": t(c.get("icon_emoji"))}  # fmt: skip
    if c.get("attachments"):
        req["attachments"] = [_attachment(a, None, t) for a in c["attachments"]]
        req["text"] = truncate_runes(text, MAX_TEXT_RUNES)
    else:
        req["attachments"] = [_attachment(c, text, t)]
    req["type"] = t(c.get("type"))
    props = c.get("props") or {}
    if props.get("card"):
        req["props"] = {"card": t(props["card"])}
    priority = c.get("priority") or {}
    if priority.get("priority"):
        req["priority"] = _priority(t(priority["priority"]), priority)
    ctx.check("mattermost")
    body = {k: v for k, v in req.items() if v not in ("", None, [])}
    url = c.get("webhook_url") or ctx.global_conf.get("mattermost_webhook_url")
    if not url:
        raise RenderError("one of webhook_url or webhook_url_file must be configured")
    return Request("http", str(url), encode(body), {"Content-Type": "application/json"}, SECRET)


def _attachment(a: Mapping[str, Any], text: str | None, t: Callable[[Any], str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _ATTACHMENT:
        if key == "fields":
            if a.get("fields"):
                out["fields"] = [_field(f, t) for f in a["fields"]]
            continue
        value = text if key == "text" and text is not None else t(a.get(key))
        if value:
            out[key] = value
    return out


def _field(f: Mapping[str, Any], t: Callable[[Any], str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("title", "value"):
        value = t(f.get(key))
        if value:
            out[key] = value
    if f.get("short") is not None:  # a pointer: false is written, absent is not
        out["short"] = bool(f["short"])
    return out


def _priority(value: str, conf: Mapping[str, Any]) -> dict[str, Any]:
    level = value.lower() if value.lower() in _PRIORITIES else "standard"
    out: dict[str, Any] = {"priority": level}
    if conf.get("requested_ack") and level != "standard":
        out["requested_ack"] = True
    if conf.get("persistent_notifications") and level == "urgent":
        out["persistent_notifications"] = True
    return out
