"""VictorOps (Splunk On-Call): the REST integration JSON (notify/victorops)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gojson import GoMap, encode
from .common import Context, RenderError, Request, group_key_hash, truncate_runes, with_defaults

DEFAULT_API_URL = "https://alert.victorops.com/integrations/generic/20131114/alert/"
MAX_MESSAGE_RUNES = 20480
ALLOWED_FIRING_TYPES = ("INFO", "WARNING", "CRITICAL")

DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "message_type": "CRITICAL",
    "state_message": '{{ template "victorops.default.state_message" . }}',
    "entity_display_name": '{{ template "victorops.default.entity_display_name" . }}',
    "monitoring_tool": '{{ template "victorops.default.monitoring_tool" . }}',
}


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    c = with_defaults(conf, DEFAULTS)
    if not c.get("routing_key"):
        raise RenderError("missing Routing key in VictorOps config")
    api_key = str(c.get("api_key") or ctx.global_conf.get("victorops_api_key") or "")
    if not api_key:
        raise RenderError("no global VictorOps API Key set")
    t = ctx.text
    base = str(c.get("api_url") or ctx.global_conf.get("victorops_api_url") or DEFAULT_API_URL)
    url = f"{base}{api_key}/{t(str(c['routing_key']))}"
    message_type = t(str(c["message_type"]))
    state_message = t(str(c["state_message"]))
    if ctx.status == "firing" and message_type not in ALLOWED_FIRING_TYPES:
        message_type = "CRITICAL"
    if ctx.status == "resolved":
        message_type = "RECOVERY"
    # A Go map: the keys come out sorted, custom fields may override the standard ones.
    msg = GoMap(
        {
            "message_type": message_type,
            "entity_id": group_key_hash(ctx.group_key),
            "entity_display_name": t(str(c["entity_display_name"])),
            "state_message": truncate_runes(state_message, MAX_MESSAGE_RUNES),
            "monitoring_tool": t(str(c["monitoring_tool"])),
        }
    )
    ctx.check("templating error")
    for k, v in (c.get("custom_fields") or {}).items():
        msg[str(k)] = t(str(v))
        ctx.check("templating error")
    return Request("http", url, encode(msg), {"Content-Type": "application/json"},
                   display_url=url.replace(api_key, "<secret>"), secrets=[api_key])  # fmt: skip
