"""Slack: the incoming-webhook JSON body (notify/slack)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gojson import encode
from ..template_data import V025
from .common import SECRET, Context, RenderError, Request, truncate_runes, with_defaults

MAX_TITLE_RUNES = 1024

DEFAULTS: dict[str, Any] = {
    "send_resolved": False,
    "username": '{{ template "slack.default.username" . }}',
    "title": '{{ template "slack.default.title" . }}',
    "title_link": '{{ template "slack.default.titlelink" . }}',
    "icon_emoji": '{{ template "slack.default.iconemoji" . }}',
    "icon_url": '{{ template "slack.default.iconurl" . }}',
    "pretext": '{{ template "slack.default.pretext" . }}',
    "text": '{{ template "slack.default.text" . }}',
    "fallback": '{{ template "slack.default.fallback" . }}',
    "callback_id": '{{ template "slack.default.callbackid" . }}',
    "footer": '{{ template "slack.default.footer" . }}',
}


def defaults(version: str) -> dict[str, Any]:
    color = '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'
    if version != V025:
        color = '{{ template "slack.default.color" . }}'
    return {**DEFAULTS, "color": color}


def _omit_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in ("", None, [], False)}


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    c = with_defaults(conf, defaults(ctx.version))
    t = ctx.text
    field_list = []
    for f in c.get("fields") or []:
        short = f.get("short")
        field_list.append(
            _omit_empty({"title": t(f.get("title", "")), "value": t(f.get("value", ""))})
            | {"short": bool(c.get("short_fields", False)) if short is None else bool(short)}
        )
    actions = []
    for a in c.get("actions") or []:
        action: dict[str, Any] = {
            k: t(a.get(k, "")) for k in ("type", "text", "url", "style", "name", "value")
        }
        confirm = a.get("confirm")
        if confirm is not None:
            keys = ("text", "title", "ok_text", "dismiss_text")
            action["confirm"] = _omit_empty({k: t(confirm.get(k, "")) for k in keys})
        actions.append(_omit_empty(action))
    title = truncate_runes(t(c["title"]), MAX_TITLE_RUNES)
    att: dict[str, Any] = {"title": title, "title_link": t(c["title_link"]),
                           "pretext": t(c["pretext"])}  # fmt: skip
    att = _omit_empty(att)
    # text, fallback, callback_id and footer have no omitempty: always present.
    att["text"] = t(c["text"])
    att["fallback"] = t(c["fallback"])
    att["callback_id"] = t(c["callback_id"])
    att.update(_omit_empty({"fields": field_list, "actions": actions}))
    att.update(_omit_empty({"image_url": t(c.get("image_url", "")),
                            "thumb_url": t(c.get("thumb_url", ""))}))  # fmt: skip
    att["footer"] = t(c["footer"])
    att.update(_omit_empty({"color": t(c["color"]),
                            "mrkdwn_in": list(c.get("mrkdwn_in") or ["fallback", "pretext", "text"])}))  # fmt: skip
    req: dict[str, Any] = {
        "channel": t(c.get("channel", "")),
        "username": t(c["username"]),
        "icon_emoji": t(c["icon_emoji"]),
        "icon_url": t(c["icon_url"]),
        "link_names": bool(c.get("link_names", False)),
    }
    if ctx.version != V025:
        req["text"] = t(c.get("message_text", ""))
    req = _omit_empty(req)
    req["attachments"] = [att]
    ctx.check("slack")
    url = c.get("api_url") or ctx.global_conf.get("slack_api_url")
    if not url:
        raise RenderError("no global Slack API URL set (slack_api_url or api_url)")
    # Ordered as the Go struct: channel, username, icon_emoji, icon_url, link_names, text, attachments.
    order = ["channel", "username", "icon_emoji", "icon_url", "link_names", "text", "attachments"]
    body = {k: req[k] for k in order if k in req}
    return Request("http", str(url), encode(body), {"Content-Type": "application/json"}, SECRET)
