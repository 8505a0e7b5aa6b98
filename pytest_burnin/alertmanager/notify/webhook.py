"""Webhook: the version 4 JSON message (notify/webhook), the template data itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...rules.gotemplate import GoStruct
from ..gojson import encode
from ..template_data import V025
from .common import Context, RenderError, Request

DEFAULTS: dict[str, Any] = {"send_resolved": True, "max_alerts": 0}


def alert_json(a: GoStruct) -> dict[str, Any]:
    f = a.fields
    return {
        "status": f["Status"],
        "labels": f["Labels"],
        "annotations": f["Annotations"],
        "startsAt": f["StartsAt"],
        "endsAt": f["EndsAt"],
        "generatorURL": f["GeneratorURL"],
        "fingerprint": f["Fingerprint"],
    }


def data_json(data: GoStruct, version: str) -> dict[str, Any]:
    """template.Data as encoding/json writes it (the webhook body's first fields)."""
    f = data.fields
    out: dict[str, Any] = {
        "receiver": f["Receiver"],
        "status": f["Status"],
        "alerts": [alert_json(a) for a in f["Alerts"]],
    }
    if version != V025:
        out["notification_reason"] = f["NotificationReason"]
    out["groupLabels"] = f["GroupLabels"]
    out["commonLabels"] = f["CommonLabels"]
    out["commonAnnotations"] = f["CommonAnnotations"]
    out["externalURL"] = f["ExternalURL"]
    return out


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    c = {**DEFAULTS, **conf}
    data = ctx.data
    max_alerts = int(c.get("max_alerts") or 0)
    truncated = 0
    if max_alerts and len(ctx.alerts) > max_alerts and ctx.make_data is not None:
        # Alertmanager truncates before building the data, so common labels shrink too.
        truncated = len(ctx.alerts) - max_alerts
        data = ctx.make_data(ctx.alerts[:max_alerts])
    msg = data_json(data, ctx.version)
    msg.update({"version": "4", "groupKey": ctx.group_key, "truncatedAlerts": truncated})
    url = c.get("url")
    if not url:
        raise RenderError("webhook: one of url or url_file must be configured")
    return Request("http", ctx.text(str(url)) if ctx.version != V025 else str(url), encode(msg),
                   {"Content-Type": "application/json"})  # fmt: skip
