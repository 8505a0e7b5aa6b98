"""Assertions on the notification each receiver renders for an alert (routing tests, simulations).

A receiver's notification is checked as flat fields (``notify/fields.py``),
each prefixed by its integration: ``slack.attachments.0.text``,
``pagerduty.payload.summary``, ``email.Subject``; ``slack[1].…`` names the
second Slack integration of the same receiver. A field is checked with
``equals`` (the whole value), ``contains`` (a string or a list of strings,
all present) or ``matches`` (a Python regular expression, searched).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .notify.fields import fields
from .notify.render import Notification

_FIELD = re.compile(r"^([a-z]+)(?:\[([0-9]+)\])?\.(.+)$")
_SHOW = 160  # characters of a rendered value quoted in a failure


def notification_fields(notes: Sequence[Notification]) -> dict[str, str]:
    """Every field of every integration, named as tests name them."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for n in notes:
        prefix = n.integration if n.index == 0 else f"{n.integration}[{n.index}]"
        if prefix in seen:
            continue  # a second request of one integration (OpsGenie's updates): the first counts
        seen.add(prefix)
        for key, value in fields(n.request).items():
            out[f"{prefix}.{key}"] = _hide(value, n.request.secrets)
    return out


def _hide(value: str, secrets: Sequence[str]) -> str:
    for s in secrets:
        if s:
            value = value.replace(s, "<secret>")
    return value


def check_fields(receiver: str, have: Mapping[str, str], want: Mapping[str, Any]) -> list[str]:
    """Problems, each naming the receiver, the field, what was expected and what was rendered."""
    problems: list[str] = []
    for name, expect in want.items():
        if name not in have:
            problems.append(_missing(receiver, name, have))
            continue
        value = have[name]
        for op, arg in expect.items():
            problem = _check(op, arg, value)
            if problem:
                problems.append(f"{receiver} {name}: {problem}; rendered {_quote(value)}")
    return problems


def _check(op: str, arg: Any, value: str) -> str | None:
    if op == "equals":
        return None if value == str(arg) else f"expected {_quote(str(arg))}"
    if op == "contains":
        wanted = [str(a) for a in (arg if isinstance(arg, list) else [arg])]
        absent = [w for w in wanted if w not in value]
        return f"expected it to contain {', '.join(_quote(a) for a in absent)}" if absent else None
    if op == "matches":
        return None if re.search(str(arg), value) else f"expected a match for /{arg}/"
    raise ValueError(f"unknown field assertion {op!r}")  # the schema allows only the three


def _missing(receiver: str, name: str, have: Mapping[str, str]) -> str:
    m = _FIELD.match(name)
    integration = f"{m.group(1)}[{m.group(2)}]" if m and m.group(2) else m.group(1) if m else ""
    same = [k for k in have if integration and k.startswith(f"{integration}.")]
    if not same:
        sent = sorted({k.split(".", 1)[0] for k in have})
        return (
            f"{receiver} {name}: {receiver} sends no {integration or name} notification "
            f"(it sends: {', '.join(sent) or 'nothing'})"
        )
    near = [k for k in same if k.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]]
    shown = near or same[:12]
    more = "" if near or len(same) <= 12 else f", … ({len(same)} in all)"
    return f"{receiver} {name}: no such field (fields: {', '.join(shown)}{more})"


def _quote(text: str) -> str:
    if len(text) > _SHOW:
        text = text[: _SHOW - 1] + "…"
    return repr(text)


def valid_field_name(name: str) -> bool:
    return _FIELD.match(name) is not None
