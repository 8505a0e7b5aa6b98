"""Microsoft Teams through Workflows (0.28+): the Adaptive Card JSON (notify/msteamsv2).

Microsoft retired the Office 365 connectors that ``msteams_configs`` posts
to; ``msteamsv2_configs`` posts an Adaptive Card to a Power Automate
workflow URL instead. The card is fixed apart from its title, text and the
title's colour (by the group's status).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gojson import encode
from ..template_data import V025
from .common import SECRET, Context, RenderError, Request, with_defaults

DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "title": '{{ template "msteamsv2.default.title" . }}',
    "text": '{{ template "msteamsv2.default.text" . }}',
}
# Adaptive Card colour names, not RGB: "Attention" is red, "Good" green.
COLOR_FIRING, COLOR_RESOLVED = "Attention", "Good"


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    if ctx.version == V025:
        raise RenderError("msteamsv2_configs needs Alertmanager 0.28 or later")
    c = with_defaults(conf, DEFAULTS)
    title, text = ctx.text(str(c["title"])), ctx.text(str(c["text"]))
    ctx.check("msteamsv2")
    heading: dict[str, Any] = {"type": "TextBlock", "text": title, "weight": "Bolder",
                               "size": "Medium", "wrap": True, "style": "heading",
                               "color": COLOR_FIRING if ctx.status == "firing" else COLOR_RESOLVED}  # fmt: skip
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": [heading, {"type": "TextBlock", "text": text, "wrap": True}],
        "msteams": {"width": "full"},
    }
    body = {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
    url = c.get("webhook_url")
    if not url:
        raise RenderError("one of webhook_url or webhook_url_file must be configured")
    return Request("http", str(url), encode(body), {"Content-Type": "application/json"}, SECRET)
