"""Alertmanager's template data model (template/template.go: ``Data``, ``Alert``, ``KV``).

What a notification template sees: ``.Receiver``, ``.Status``, ``.Alerts`` (with
``.Firing``/``.Resolved``), ``.GroupLabels``, ``.CommonLabels``,
``.CommonAnnotations`` (KV maps with ``.SortedPairs``, ``.Names``, ``.Values``,
``.Remove``), ``.ExternalURL``, and per alert ``.Status``, ``.Labels``,
``.Annotations``, ``.StartsAt``, ``.EndsAt``, ``.GeneratorURL``, ``.Fingerprint``.
The same values, JSON-encoded, are the body of a webhook notification.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..rules.gotemplate import Func, GoMethods, GoStruct
from .gotime import GoTime

# 0.25 prints a KV as a Go map (map[a:b]); 0.26+ gave KV and Pairs a String() method.
V025 = "0.25"
V033 = "0.33"


@dataclass
class PostedAlert:
    """One alert as a client posts it (or as the dispatcher holds it)."""

    labels: Mapping[str, str]
    annotations: Mapping[str, str] = field(default_factory=dict)
    starts_at: GoTime = field(default_factory=GoTime.zero)
    ends_at: GoTime = field(default_factory=GoTime.zero)
    generator_url: str = ""
    resolved: bool = False

    @property
    def status(self) -> str:
        return "resolved" if self.resolved else "firing"


def fingerprint(labels: Mapping[str, str]) -> str:
    """model.LabelSet.Fingerprint: FNV-1a 64 over sorted name, 0xff, value, 0xff."""
    h = 0xCBF29CE484222325
    for name in sorted(labels):
        for part in (name, labels[name]):
            for b in part.encode() + b"\xff":
                h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def _sort_keys(keys: Sequence[str]) -> list[str]:
    # SortedPairs puts alertname first, then the rest in byte order.
    rest = sorted((k for k in keys if k != "alertname"), key=lambda k: k.encode())
    return (["alertname"] if "alertname" in keys else []) + rest


class Pairs(list[GoStruct], GoMethods):
    def __init__(self, pairs: Sequence[GoStruct], version: str) -> None:
        super().__init__(pairs)
        self.version = version

    @property
    def go_methods(self) -> dict[str, Func]:
        m: dict[str, Func] = {
            "Names": (lambda: [p.fields["Name"] for p in self], ""),
            "Values": (lambda: [p.fields["Value"] for p in self], ""),
        }
        if self.version != V025:
            m["String"] = (self.go_string, "")
        return m

    def go_string(self) -> str:
        if self.version == V025:
            return "[" + " ".join(str(p) for p in self) + "]"
        return ", ".join(f"{p.fields['Name']}={p.fields['Value']}" for p in self)


class KV(dict[str, str], GoMethods):
    def __init__(self, items: Mapping[str, str], version: str) -> None:
        super().__init__(items)
        self.version = version

    def sorted_pairs(self) -> Pairs:
        pairs = [
            GoStruct("template.Pair", {"Name": k, "Value": self[k]}) for k in _sort_keys(list(self))
        ]
        return Pairs(pairs, self.version)

    def remove(self, keys: Any) -> KV:
        drop = set(keys) if isinstance(keys, list) else set()
        return KV({k: v for k, v in self.items() if k not in drop}, self.version)

    @property
    def go_methods(self) -> dict[str, Func]:
        m: dict[str, Func] = {
            "SortedPairs": (self.sorted_pairs, ""),
            "Remove": (self.remove, "a"),
            "Names": (lambda: self.sorted_pairs().go_methods["Names"][0](), ""),
            "Values": (lambda: self.sorted_pairs().go_methods["Values"][0](), ""),
        }
        if self.version != V025:
            m["String"] = (self.go_string, "")
        return m

    def go_string(self) -> str:
        if self.version == V025:
            return "map[" + " ".join(f"{k}:{self[k]}" for k in sorted(self)) + "]"
        return self.sorted_pairs().go_string()


class Alerts(list[GoStruct], GoMethods):
    @property
    def go_methods(self) -> dict[str, Func]:
        # Firing/Resolved return a plain []Alert: no methods on the result.
        return {
            "Firing": (lambda: [a for a in self if a.fields["Status"] == "firing"], ""),
            "Resolved": (lambda: [a for a in self if a.fields["Status"] == "resolved"], ""),
        }


def template_alert(a: PostedAlert, version: str) -> GoStruct:
    return GoStruct(
        "template.Alert",
        {
            "Status": a.status,
            "Labels": KV(a.labels, version),
            "Annotations": KV(a.annotations, version),
            "StartsAt": a.starts_at,
            # types.Alerts hides an end time that has not been reached yet.
            "EndsAt": a.ends_at if a.resolved else GoTime.zero(),
            "GeneratorURL": a.generator_url,
            "Fingerprint": fingerprint(a.labels),
        },
    )


def _common(maps: list[Mapping[str, str]]) -> dict[str, str]:
    if not maps:
        return {}
    out = dict(maps[0])
    for m in maps[1:]:
        out = {k: v for k, v in out.items() if m.get(k, "") == v}
    return out


def template_data(
    receiver: str,
    group_labels: Mapping[str, str],
    alerts: Sequence[PostedAlert],
    external_url: str,
    version: str = V025,
    notification_reason: str = "",
) -> GoStruct:
    """template.Data: the dot of every notification template."""
    fields: dict[str, Any] = {
        # Alertmanager escapes the receiver name as a regexp (its UI links filter by it).
        "Receiver": re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", receiver),
        "Status": "firing" if any(not a.resolved for a in alerts) else "resolved",
        "Alerts": Alerts(template_alert(a, version) for a in alerts),
        "GroupLabels": KV(group_labels, version),
        "CommonLabels": KV(_common([a.labels for a in alerts]), version),
        "CommonAnnotations": KV(_common([a.annotations for a in alerts]), version),
        "ExternalURL": external_url,
    }
    if version != V025:
        fields["NotificationReason"] = notification_reason
    return GoStruct("*template.Data", fields)  # passed by pointer, as Go names it


def _before(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """model.LabelSet.Before: fewer labels first, then by the merged sorted names."""
    if len(a) != len(b):
        return len(a) < len(b)
    for name in sorted({*a, *b}):
        if name not in a:
            return True
        if name not in b:
            return False
        if a[name] != b[name]:
            return a[name] < b[name]
    return False


def _less(a: PostedAlert, b: PostedAlert) -> bool:
    for key in ("job", "instance"):
        if key not in a.labels and key not in b.labels:
            continue
        if key not in a.labels:
            return False
        if key not in b.labels:
            return True
        if a.labels[key] != b.labels[key]:
            return a.labels[key] < b.labels[key]
    return _before(a.labels, b.labels)


def dispatch_order(alerts: Sequence[PostedAlert]) -> list[PostedAlert]:
    """The order the dispatcher hands a group's alerts to a notifier (types.AlertSlice)."""
    from functools import cmp_to_key

    def cmp(a: PostedAlert, b: PostedAlert) -> int:
        return -1 if _less(a, b) else (1 if _less(b, a) else 0)

    # sorted() is stable, like the sort.Stable Alertmanager uses.
    return sorted(alerts, key=cmp_to_key(cmp))
