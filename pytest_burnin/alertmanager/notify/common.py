"""What every receiver type shares: the rendering context and the request it produces.

A receiver module turns (its config mapping with Alertmanager's defaults applied,
the ``global:`` mapping, the template set, the template data) into the request
Alertmanager would send. Templates that fail make the whole notification fail,
as in Alertmanager (notify.TmplText keeps the first error and renders "" after).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...rules.gotemplate import GoStruct
from ...rules.gotemplate_parse import TemplateError
from ..template_data import PostedAlert
from ..templates import TemplateSet

SECRET = "<secret>"


class RenderError(Exception):
    """A notification that Alertmanager would fail to build (a template error, a missing key)."""


@dataclass
class Request:
    """One outgoing notification: an HTTP POST, or (``kind == "smtp"``) an e-mail."""

    kind: str  # "http" or "smtp"
    url: str  # for smtp: the smarthost
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    display_url: str = ""  # the URL with secrets replaced, for output
    secrets: list[str] = field(default_factory=list)  # values to hide when showing the body
    envelope: tuple[str, list[str]] | None = None  # smtp: MAIL FROM and RCPT TO addresses

    def __post_init__(self) -> None:
        if not self.display_url:
            self.display_url = self.url

    def display_body(self) -> str:
        """The body as text with every secret (keys, tokens, passwords) replaced."""
        text = self.body.decode("utf-8", errors="replace")
        for s in self.secrets:
            if s:
                text = text.replace(s, SECRET)
        return text


@dataclass
class Context:
    templates: TemplateSet
    data: GoStruct
    group_key: str
    global_conf: Mapping[str, Any]
    version: str
    alerts: Sequence[PostedAlert] = ()
    # Rebuilds the data for a subset of the alerts (the webhook's max_alerts).
    make_data: Callable[[Sequence[PostedAlert]], GoStruct] | None = None
    first_error: TemplateError | None = None

    def text(self, template: str) -> str:
        """notify.TmplText: after the first error every field renders empty."""
        if self.first_error is not None:
            return ""
        try:
            return self.templates.text(template, self.data)
        except TemplateError as e:
            self.first_error = e
            return ""

    def html(self, template: str) -> str:
        if self.first_error is not None:
            return ""
        try:
            return self.templates.html(template, self.data)
        except TemplateError as e:
            self.first_error = e
            return ""

    def check(self, what: str) -> None:
        if self.first_error is not None:
            raise RenderError(f"{what}: {self.first_error}")

    @property
    def status(self) -> str:
        return str(self.data.fields["Status"])


def group_key_hash(key: str) -> str:
    """notify.Key.Hash: the hex SHA-256 of the group key (PagerDuty's dedup key)."""
    return hashlib.sha256(key.encode()).hexdigest()


def with_defaults(conf: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """A receiver config as Alertmanager's UnmarshalYAML leaves it: defaults, then the user's keys."""
    out = dict(defaults)
    out.update({k: v for k, v in conf.items() if v is not None})
    return out


def truncate_runes(s: str, n: int) -> str:
    """notify.TruncateInRunes: at most n runes, the last one an ellipsis when cut."""
    if len(s) <= n:
        return s
    return s[: n - 1] + "…"


def user_agent(version: str) -> str:
    return "Alertmanager/" + ("0.25.0" if version == "0.25" else "0.33.1")
