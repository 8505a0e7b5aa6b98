"""Render a receiver's notification as the routing tree would group it.

The CLI, routing tests and simulations all start from the shared config
loader (``config.load_config``) and the routing tree: the group labels and
the group key come from the route the alert actually takes to the receiver,
not from the root, because a team's routes usually group differently from
the catch-all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..config import AlertmanagerConfig, Receiver
from ..route import Route
from ..template_data import PostedAlert
from ..templates import TemplateSet
from .render import Notification, render_receiver

# Where a config reads a secret from a file, the notification's body and URL
# still need a value; the file is on Alertmanager's host, not here. The
# stand-in is registered as a secret of the request, so it never shows.
_FILE_KEYS = {
    "api_url_file": "api_url",
    "url_file": "url",
    "webhook_url_file": "webhook_url",
    "routing_key_file": "routing_key",
    "service_key_file": "service_key",
    "api_key_file": "api_key",
    "bot_token_file": "bot_token",
    "token_file": "token",
    "user_key_file": "user_key",
}
_URL_KEYS = {"api_url", "url", "webhook_url"}


class NoSuchReceiver(ValueError):
    """A receiver name the config does not define; the message lists those it does."""


def raw_receiver(receiver: Receiver, *, stand_in_files: bool = True) -> dict[str, Any]:
    """The receiver as written in alertmanager.yml (``slack_configs: [...]``), for rendering.

    With ``stand_in_files``, a secret read from a file (``api_url_file``,
    ``routing_key_file``, ...) gets a placeholder value, so the notification
    can be rendered and checked without the file.
    """
    out: dict[str, Any] = {"name": receiver.name}
    for kind, confs in receiver.integrations.items():
        plain = [_plain(c) for c in confs]
        out[f"{kind}_configs"] = [_stand_in(c) for c in plain] if stand_in_files else plain
    return out


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the loader's marked nodes carry positions a dump cannot write)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _stand_in(conf: dict[str, Any]) -> dict[str, Any]:
    out = dict(conf)
    for file_key, key in _FILE_KEYS.items():
        if out.get(file_key) and not out.get(key):
            value = f"stand-in-for-{file_key}"
            out[key] = f"https://{value}.invalid/" if key in _URL_KEYS else value
    return out


def lookup_receiver(config: AlertmanagerConfig, name: str) -> Receiver:
    receiver = config.receivers.get(name)
    if receiver is None:
        known = ", ".join(sorted(config.receivers)) or "none"
        raise NoSuchReceiver(f"no receiver named {name!r} (receivers: {known})")
    return receiver


@dataclass
class Placement:
    """The route whose group a receiver's notification belongs to, and how it was found."""

    route: Route
    reached: bool  # False: the alert does not reach this receiver; the route is its first use


def place(root: Route, labels: dict[str, str], receiver: str) -> Placement:
    """The first matched route delivering to ``receiver``; else the first such route in the tree."""
    for route in root.match(labels):
        if route.opts.receiver == receiver:
            return Placement(route, True)
    return Placement(_first_use(root, receiver) or root, False)


def _first_use(route: Route, receiver: str) -> Route | None:
    if route.config is not None and route.config.receiver == receiver:
        return route
    for child in route.routes:
        found = _first_use(child, receiver)
        if found is not None:
            return found
    return None


def render_on_route(
    config: AlertmanagerConfig,
    route: Route,
    receiver: str,
    templates: TemplateSet,
    alerts: Sequence[PostedAlert],
    *,
    version: str,
    external_url: str = "http://localhost:9093",
    group_by: list[str] | None = None,
) -> list[Notification]:
    """What ``receiver`` gets for ``alerts`` grouped on ``route`` (group labels from the first alert).

    ``group_by`` overrides the route's grouping (the CLI's ``--group-by``).
    """
    first = dict(alerts[0].labels) if alerts else {}
    if group_by is None:
        group_labels = route.group_labels(first)
    elif "..." in group_by:
        group_labels = {k: v for k, v in first.items() if v != ""}
    else:
        group_labels = {k: first[k] for k in group_by if first.get(k, "") != ""}
    return render_receiver(
        raw_receiver(lookup_receiver(config, receiver)),
        config.global_,
        templates,
        alerts,
        group_labels=group_labels,
        route_key=route.key(),
        external_url=external_url,
        version=version,
    )
