"""OpsGenie: the Alert API v2 create (firing) or close (resolved) request (notify/opsgenie).

With ``update_alerts`` Alertmanager also PUTs the message and the description;
those follow the create request, in that order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..gojson import GoMap, encode
from .common import Context, RenderError, Request, group_key_hash, truncate_runes, with_defaults

DEFAULT_API_URL = "https://api.opsgenie.com/"
MAX_MESSAGE_RUNES = 130

DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "message": '{{ template "opsgenie.default.message" . }}',
    "description": '{{ template "opsgenie.default.description" . }}',
    "source": '{{ template "opsgenie.default.source" . }}',
}


def _safe_split(s: str) -> list[str]:
    return [x for x in s.strip().split(",") if x]


def _responders(conf: Mapping[str, Any], t: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for r in conf.get("responders") or []:
        if not (r.get("id") or r.get("username") or r.get("name")):
            raise RenderError(
                f"opsGenieConfig responder {r} has to have at least one of id, username or name specified"
            )
        kind = str(r.get("type", ""))
        resp = {"id": t(r.get("id", "")), "name": t(r.get("name", "")),
                "username": t(r.get("username", "")), "type": t(kind if "{{" in kind else kind.lower())}  # fmt: skip
        if resp["type"] == "teams":
            out += [{"name": t(team), "type": t("team")} for team in _safe_split(resp["name"])]
            continue
        out.append({k: v for k, v in resp.items() if v or k == "type"})
    return out


def render(conf: Mapping[str, Any], ctx: Context) -> list[Request]:
    c = with_defaults(conf, DEFAULTS)
    t = ctx.text
    details = GoMap(ctx.data.fields["CommonLabels"])
    for k, v in (c.get("details") or {}).items():
        details[str(k)] = t(str(v))
    alias = group_key_hash(ctx.group_key)
    base = str(c.get("api_url") or ctx.global_conf.get("opsgenie_api_url") or DEFAULT_API_URL)
    requests: list[tuple[str, dict[str, Any]]] = []
    if ctx.status == "resolved":
        url = f"{base}v2/alerts/{quote(alias)}/close?identifierType=alias"
        requests.append((url, {"source": t(c["source"])}))
    else:
        msg: dict[str, Any] = {
            "alias": alias,
            "message": truncate_runes(t(c["message"]), MAX_MESSAGE_RUNES),
        }
        description = t(c["description"])
        if description:
            msg["description"] = description
        msg["details"] = details
        msg["source"] = t(c["source"])
        optional = {
            "responders": _responders(c, t),
            "tags": _safe_split(t(str(c.get("tags", "")))),
            "note": t(str(c.get("note", ""))),
            "priority": t(str(c.get("priority", ""))),
            "entity": t(str(c.get("entity", ""))),
            "actions": _safe_split(t(str(c.get("actions", "")))),
        }
        msg.update({k: v for k, v in optional.items() if v})
        requests.append((f"{base}v2/alerts", msg))
        if c.get("update_alerts"):
            requests.append(
                (
                    f"{base}v2/alerts/{alias}/message?identifierType=alias",
                    {"message": msg["message"]},
                )
            )
            requests.append((f"{base}v2/alerts/{alias}/description?identifierType=alias",
                             {"description": msg.get("description", "")}))  # fmt: skip
    api_key = t(str(c.get("api_key") or ctx.global_conf.get("opsgenie_api_key") or ""))
    ctx.check("templating error")
    if not api_key:
        raise RenderError("no global OpsGenie API Key set either inline or in a file")
    headers = {"Content-Type": "application/json", "Authorization": f"GenieKey {api_key}"}
    return [
        Request("http", url, encode(body), dict(headers), secrets=[api_key])
        for url, body in requests
    ]
