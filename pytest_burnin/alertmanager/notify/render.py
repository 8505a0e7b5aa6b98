"""Render what one receiver's integrations would send for one group of alerts.

The entry point for the CLI, routing tests and simulations: given a receiver's
raw config (as in alertmanager.yml), the ``global:`` mapping, the template set
and the group's alerts, produce each integration's request in config order,
as Alertmanager's notification pipeline builds them (resolved alerts dropped
for integrations without ``send_resolved``, alerts in dispatch order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..template_data import V025, PostedAlert, dispatch_order, template_data
from ..templates import TemplateSet
from . import (
    discord,
    email,
    mattermost,
    msteams,
    msteamsv2,
    opsgenie,
    pagerduty,
    pushover,
    rocketchat,
    slack,
    telegram,
    victorops,
    webex,
    webhook,
)
from .common import Context, RenderError, Request

__all__ = ["Notification", "RenderError", "group_key", "render_receiver"]

# A renderer returns one request, or several (OpsGenie's update_alerts PUTs).
Renderer = Callable[[Mapping[str, Any], Context], "Request | list[Request]"]

# config key -> (integration name, renderer, send_resolved default)
INTEGRATIONS: dict[str, tuple[str, Renderer, bool]] = {
    "discord_configs": ("discord", discord.render, True),
    "email_configs": ("email", email.render, False),
    "mattermost_configs": ("mattermost", mattermost.render, True),
    "msteams_configs": ("msteams", msteams.render, True),
    "msteamsv2_configs": ("msteamsv2", msteamsv2.render, True),
    "opsgenie_configs": ("opsgenie", opsgenie.render, True),
    "pagerduty_configs": ("pagerduty", pagerduty.render, True),
    "pushover_configs": ("pushover", pushover.render, True),
    "rocketchat_configs": ("rocketchat", rocketchat.render, False),
    "slack_configs": ("slack", slack.render, False),
    "telegram_configs": ("telegram", telegram.render, True),
    "victorops_configs": ("victorops", victorops.render, True),
    "webex_configs": ("webex", webex.render, True),
    "webhook_configs": ("webhook", webhook.render, True),
}


@dataclass
class Notification:
    integration: str  # "slack", "email", ...
    index: int  # position within its *_configs list
    request: Request


def group_key(route_key: str, group_labels: Mapping[str, str]) -> str:
    """dispatch's group key: the route's key, then the group labels as a Go label set."""
    inner = ", ".join(f'{k}="{_go_escape(v)}"' for k, v in sorted(group_labels.items()))
    return f"{route_key}:{{{inner}}}"


def _go_escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render_receiver(
    receiver: Mapping[str, Any],
    global_conf: Mapping[str, Any],
    templates: TemplateSet,
    alerts: Sequence[PostedAlert],
    *,
    group_labels: Mapping[str, str] | None = None,
    route_key: str = "{}",
    external_url: str = "http://localhost:9093",
    version: str = V025,
    notification_reason: str = "first notification",
) -> list[Notification]:
    """Every integration's request for this group; unknown integration types raise RenderError.

    ``notification_reason`` (0.28+, ``.NotificationReason``) comes from the
    dispatcher's state: "first notification", "new alerts added", "some alerts
    resolved", "all alerts resolved" or "repeat interval elapsed".
    """
    name = str(receiver.get("name", ""))
    labels = dict(group_labels or {})
    key = group_key(route_key, labels)
    out: list[Notification] = []
    for conf_key, confs in receiver.items():
        if not conf_key.endswith("_configs") or not confs:
            continue
        if conf_key not in INTEGRATIONS:
            raise RenderError(f"receiver {name!r}: rendering {conf_key} is not supported")
        integration, renderer, resolved_default = INTEGRATIONS[conf_key]
        for i, conf in enumerate(confs):
            send_resolved = conf.get("send_resolved", resolved_default)
            group = dispatch_order([a for a in alerts if send_resolved or not a.resolved])
            if not group:
                continue

            def make(subset: Sequence[PostedAlert]) -> Any:
                return template_data(
                    name, labels, subset, external_url, version, notification_reason
                )

            ctx = Context(templates, make(group), key, global_conf, version, group, make)
            try:
                made = renderer(conf, ctx)
                for req in made if isinstance(made, list) else [made]:
                    out.append(Notification(integration, i, req))
            except RenderError as e:
                raise RenderError(f"receiver {name!r} {integration}[{i}]: {e}") from None
    return out
