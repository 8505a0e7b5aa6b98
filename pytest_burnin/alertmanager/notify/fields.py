"""A rendered notification as flat named fields, for assertions in routing tests and simulations.

JSON bodies become dotted paths (``attachments.0.text``, ``payload.summary``,
``alerts.1.labels.severity``); an e-mail becomes its headers (decoded) plus
``text`` and ``html`` (the decoded parts); a query-string request (Pushover)
its parameters. Every value is a string, as the receiver would read it.
"""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .common import Request


def _flatten(value: Any, prefix: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}.{i}" if prefix else str(i), out)
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    elif value is None:
        out[prefix] = ""
    else:
        out[prefix] = str(value)


def fields(request: Request) -> dict[str, str]:
    out: dict[str, str] = {}
    if request.kind == "smtp":
        msg = message_from_bytes(request.body, policy=policy.default)
        for name, value in msg.items():
            if name not in ("Content-Type", "MIME-Version"):
                out[name] = str(value)
        for part in msg.walk():
            ctype = part.get_content_type()
            if ctype in ("text/plain", "text/html"):
                out["text" if ctype == "text/plain" else "html"] = part.get_content()
        return out
    if request.body:
        _flatten(json.loads(request.body), "", out)
    else:
        out.update(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
    return out
