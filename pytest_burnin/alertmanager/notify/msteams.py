"""Microsoft Teams (0.26+): the legacy MessageCard JSON (notify/msteams)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gojson import encode
from ..template_data import V025
from .common import SECRET, Context, RenderError, Request, with_defaults

DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "title": '{{ template "msteams.default.title" . }}',
    "summary": '{{ template "msteams.default.summary" . }}',
    "text": '{{ template "msteams.default.text" . }}',
}


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    if ctx.version == V025:
        raise RenderError("msteams_configs needs Alertmanager 0.26 or later")
    c = with_defaults(conf, DEFAULTS)
    t = ctx.text
    title, text, summary = t(str(c["title"])), t(str(c["text"])), t(str(c["summary"]))
    ctx.check("msteams")
    color = "8C1A1A" if ctx.status == "firing" else "2DC72D"
    body = {"@context": "http://schema.org/extensions", "type": "MessageCard", "title": title,
            "summary": summary, "text": text, "themeColor": color}  # fmt: skip
    url = c.get("webhook_url")
    if not url:
        raise RenderError("one of webhook_url or webhook_url_file must be configured")
    return Request("http", str(url), encode(body), {"Content-Type": "application/json"}, SECRET)
