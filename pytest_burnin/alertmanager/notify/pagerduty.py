"""PagerDuty: Events API v2 (routing_key) or v1 (service_key) JSON (notify/pagerduty)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..gojson import GoMap, encode
from ..template_data import V025
from ..yamlinline import NotYAML, parse_inline
from .common import Context, RenderError, Request, group_key_hash, truncate_runes, with_defaults

V1_URL = "https://events.pagerduty.com/generic/2010-04-15/create_event.json"
DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue"
MAX_V1_DESCRIPTION_RUNES = 1024
MAX_V2_SUMMARY_RUNES = 1024

DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "description": '{{ template "pagerduty.default.description" .}}',
    "client": '{{ template "pagerduty.default.client" . }}',
    "client_url": '{{ template "pagerduty.default.clientURL" . }}',
}


def default_details(version: str) -> dict[str, str]:
    if version == V025:
        return {
            "firing": '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
            "resolved": '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
            "num_firing": "{{ .Alerts.Firing | len }}",
            "num_resolved": "{{ .Alerts.Resolved | len }}",
        }
    return {
        "firing": "{{ .Alerts.Firing | toJson }}",
        "resolved": "{{ .Alerts.Resolved | toJson }}",
        "num_firing": "{{ .Alerts.Firing | len }}",
        "num_resolved": "{{ .Alerts.Resolved | len }}",
    }


def configured(conf: Mapping[str, Any], version: str) -> dict[str, Any]:
    """PagerdutyConfig.UnmarshalYAML: defaults, source from client, default details added."""
    if not any(
        conf.get(k) for k in ("routing_key", "service_key", "routing_key_file", "service_key_file")
    ):
        raise RenderError("missing service or routing key in PagerDuty config")
    c = with_defaults(conf, DEFAULTS)
    if not c.get("source"):
        c["source"] = c["client"]
    details = dict(c.get("details") or {})
    for k, v in default_details(version).items():
        details.setdefault(k, v)
    c["details"] = details
    return c


def _deep_template(v: Any, ctx: Context) -> Any:
    """0.28+'s DeepCopyWithTemplate: render strings, then read them back as YAML."""
    if v is None:
        return None
    if isinstance(v, str):
        # Text without an action renders as itself: skip the template engine.
        rendered = ctx.text(v) if "{{" in v else v
        if ctx.first_error is not None:
            return rendered
        try:
            inline = _read_back(rendered)
        except NotYAML:
            return rendered
        if isinstance(inline, str):
            return rendered
        return _deep_template(inline, ctx)
    if isinstance(v, Mapping):
        # Non-string keys are dropped; string keys are templates too.
        return GoMap(
            {ctx.text(k): _deep_template(x, ctx) for k, x in v.items() if isinstance(k, str)}
        )
    if isinstance(v, list):
        return [_deep_template(x, ctx) for x in v]
    return v


def _read_back(text: str) -> Any:
    # toJson output is JSON, which YAML reads the same way; json is far faster.
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return parse_inline(text)


def _omit_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in ("", None, [], {})}


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    c = configured(conf, ctx.version)
    event = "resolve" if ctx.status == "resolved" else "trigger"
    details = GoMap()
    for k, v in c["details"].items():
        if ctx.version == V025:
            try:
                details[k] = ctx.templates.text(str(v), ctx.data)
            except Exception as e:
                raise RenderError(f"{k!r}: failed to template {v!r}: {e}") from None
        else:
            details[k] = _deep_template(v, ctx)
    t = ctx.text
    headers = {"Content-Type": "application/json"}
    if c.get("service_key") or c.get("service_key_file"):
        if not c.get("service_key"):
            raise RenderError("service_key_file is not read when rendering; give service_key")
        v1: dict[str, Any] = {
            "service_key": t(str(c["service_key"])),
            "incident_key": group_key_hash(ctx.group_key),
            "event_type": event,
            "description": truncate_runes(t(c["description"]), MAX_V1_DESCRIPTION_RUNES),
        }
        if event == "trigger":
            v1.update({"client": t(c["client"]), "client_url": t(c["client_url"])})
        ctx.check("failed to template PagerDuty v1 message")
        # event_action and payload have no omitempty: v1 bodies carry "" and null.
        v1.update({"event_action": "", "payload": None, "details": details})
        body = {k: v1[k] for k in _ORDER if (k in v1 and v1[k] not in ("", {})) or k in _ALWAYS}
        return Request("http", V1_URL, encode(body), headers, secrets=[str(c["service_key"])])
    if not c.get("routing_key"):
        raise RenderError("routing_key_file is not read when rendering; give routing_key")
    payload: dict[str, Any] = {
        "summary": truncate_runes(t(c["description"]), MAX_V2_SUMMARY_RUNES),
        "source": t(c["source"]),
        "severity": t(c.get("severity") or "error"),
    }
    payload.update(_omit_empty({"class": t(c.get("class", "")), "component": t(c.get("component", "")),
                                "group": t(c.get("group", "")), "custom_details": details}))  # fmt: skip
    images = [
        {"src": s, "alt": t(i.get("alt", "")), "href": t(i.get("href", ""))}
        for i in c.get("images") or []
        if (s := t(i.get("src", "")))
    ]
    links = [
        {"href": h, "text": t(i.get("text", ""))}
        for i in c.get("links") or []
        if (h := t(i.get("href", "")))
    ]
    top = _omit_empty(
        {"routing_key": t(str(c["routing_key"])), "dedup_key": group_key_hash(ctx.group_key)}
    )
    top["event_action"] = event
    top["payload"] = payload
    top.update(_omit_empty({"client": t(c["client"]), "client_url": t(c["client_url"]),
                            "images": images, "links": links}))  # fmt: skip
    ctx.check("failed to template PagerDuty v2 message")
    if not top.get("routing_key"):
        raise RenderError("routing key cannot be empty")
    url = c.get("url") or ctx.global_conf.get("pagerduty_url") or DEFAULT_URL
    body = {k: top[k] for k in _ORDER if k in top}
    return Request("http", str(url), encode(body), headers, secrets=[str(c["routing_key"])])


_ORDER = ["routing_key", "service_key", "dedup_key", "incident_key", "event_type", "description",
          "event_action", "payload", "client", "client_url", "details", "images", "links"]  # fmt: skip
_ALWAYS = ("event_action", "payload")
