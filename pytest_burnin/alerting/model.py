"""Alerts and notifications: the values every channel renders and the spool stores.

An ``Alert`` is one labelled alert instance as Prometheus' rule engine hands it
to Alertmanager; a ``Notification`` is what one delivery carries (one or more
alerts of a group). Both convert to and from plain JSON values so a spool file
written by one process can be delivered by another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

State = Literal["firing", "resolved"]

# FNV-1a, 64 bit: the hash Prometheus' common/model uses for label fingerprints.
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK = (1 << 64) - 1
# 0xff never occurs in UTF-8, so it cannot be confused with a name or value byte.
_SEPARATOR = b"\xff"


def _fnv1a(h: int, data: bytes) -> int:
    for byte in data:
        h = ((h ^ byte) * _FNV_PRIME) & _MASK
    return h


def label_fingerprint(labels: Mapping[str, str]) -> str:
    """Alertmanager's alert fingerprint: 16 lower-case hex digits.

    Names are hashed in byte order, each name and each value followed by the
    separator byte, so the same label set gives the same fingerprint here, in
    Alertmanager's API and in its webhook payloads (the empty set hashes to the
    offset basis, as there).
    """
    h = _FNV_OFFSET
    for name in sorted(labels, key=lambda n: n.encode()):
        h = _fnv1a(h, name.encode())
        h = _fnv1a(h, _SEPARATOR)
        h = _fnv1a(h, labels[name].encode())
        h = _fnv1a(h, _SEPARATOR)
    return f"{h:016x}"


def format_time(t: datetime | None) -> str:
    """RFC 3339 in UTC with a ``Z``; the zero time for "unset", as Alertmanager writes it."""
    if t is None:
        return "0001-01-01T00:00:00Z"
    t = t.astimezone(timezone.utc)
    if t.microsecond:
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str | None) -> datetime | None:
    if not text or text.startswith("0001-01-01"):
        return None
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _aware(t: datetime) -> datetime:
    # A naive time would be read as local time by astimezone(): refuse the ambiguity.
    if t.tzinfo is None:
        raise ValueError(f"time {t.isoformat()} has no time zone; use an aware datetime (UTC)")
    return t


@dataclass(frozen=True)
class Alert:
    """One alert instance. ``labels`` identify it; ``annotations`` describe it.

    The fields a gate needs are conventional names: label ``alertname``,
    ``severity``, ``owner``, ``oncall``; annotation ``summary``, ``remediation``,
    ``runbook_url``. ``value`` and ``threshold`` are the measured value at the
    breach and the bound it crossed, when the caller knows them.
    """

    labels: Mapping[str, str]
    annotations: Mapping[str, str] = field(default_factory=dict)
    state: State = "firing"
    starts_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    ends_at: datetime | None = None
    value: float | None = None
    threshold: float | None = None
    generator_url: str = ""

    def __post_init__(self) -> None:
        if self.state not in ("firing", "resolved"):
            raise ValueError(f"alert state must be 'firing' or 'resolved', not {self.state!r}")
        _aware(self.starts_at)
        if self.ends_at is not None:
            _aware(self.ends_at)
        # Copies, so a caller mutating its dict cannot change a spooled alert.
        object.__setattr__(self, "labels", dict(self.labels))
        object.__setattr__(self, "annotations", dict(self.annotations))

    @property
    def name(self) -> str:
        return self.labels.get("alertname", "")

    @property
    def severity(self) -> str:
        return self.labels.get("severity", "")

    @property
    def fingerprint(self) -> str:
        return label_fingerprint(self.labels)

    @property
    def dedup_key(self) -> str:
        """Same alert, same state, same episode: same key, on every retry and replay."""
        return f"{self.fingerprint}-{self.state}-{int(self.starts_at.timestamp())}"

    def get(self, name: str) -> str:
        """An annotation, else a label, else ""; owner/oncall may be either."""
        return self.annotations.get(name) or self.labels.get(name, "")

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": dict(self.labels),
            "annotations": dict(self.annotations),
            "state": self.state,
            "startsAt": format_time(self.starts_at),
            "endsAt": format_time(self.ends_at),
            "value": self.value,
            "threshold": self.threshold,
            "generatorURL": self.generator_url,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Alert:
        starts = parse_time(data.get("startsAt"))
        return cls(
            labels={str(k): str(v) for k, v in data.get("labels", {}).items()},
            annotations={str(k): str(v) for k, v in data.get("annotations", {}).items()},
            state=data.get("state", "firing"),
            starts_at=starts or datetime.now(timezone.utc),
            ends_at=parse_time(data.get("endsAt")),
            value=data.get("value"),
            threshold=data.get("threshold"),
            generator_url=str(data.get("generatorURL", "")),
        )


def _common(maps: Iterable[Mapping[str, str]]) -> dict[str, str]:
    maps = list(maps)
    if not maps:
        return {}
    first = maps[0]
    return {k: v for k, v in sorted(first.items()) if all(m.get(k) == v for m in maps[1:])}


@dataclass(frozen=True)
class Notification:
    """What one delivery carries: the alerts of one group, firing or resolved."""

    alerts: tuple[Alert, ...]
    group_labels: Mapping[str, str] = field(default_factory=dict)
    external_url: str = ""
    truncated_alerts: int = 0

    def __post_init__(self) -> None:
        if not self.alerts:
            raise ValueError("a notification needs at least one alert")
        object.__setattr__(self, "alerts", tuple(self.alerts))
        object.__setattr__(self, "group_labels", dict(self.group_labels))

    @classmethod
    def of(cls, *alerts: Alert, external_url: str = "") -> Notification:
        """A notification grouped by alert name, Alertmanager's usual ``group_by``."""
        names = {a.name for a in alerts}
        group = {"alertname": names.pop()} if len(names) == 1 else {}
        return cls(alerts=alerts, group_labels=group, external_url=external_url)

    @property
    def status(self) -> State:
        """Firing while any alert fires, as in Alertmanager's webhook."""
        return "firing" if any(a.state == "firing" for a in self.alerts) else "resolved"

    @property
    def common_labels(self) -> dict[str, str]:
        return _common(a.labels for a in self.alerts)

    @property
    def common_annotations(self) -> dict[str, str]:
        return _common(a.annotations for a in self.alerts)

    @property
    def group_key(self) -> str:
        inner = ", ".join(f'{k}="{v}"' for k, v in sorted(self.group_labels.items()))
        return "{}:{" + inner + "}"

    @property
    def dedup_key(self) -> str:
        """The alert's key; for a group, a digest of its members' keys in order."""
        if len(self.alerts) == 1:
            return self.alerts[0].dedup_key
        keys = sorted(a.dedup_key for a in self.alerts)
        return "group-" + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]

    def to_json(self) -> dict[str, Any]:
        return {
            "alerts": [a.to_json() for a in self.alerts],
            "groupLabels": dict(self.group_labels),
            "externalURL": self.external_url,
            "truncatedAlerts": self.truncated_alerts,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Notification:
        return cls(
            alerts=tuple(Alert.from_json(a) for a in data["alerts"]),
            group_labels={str(k): str(v) for k, v in data.get("groupLabels", {}).items()},
            external_url=str(data.get("externalURL", "")),
            truncated_alerts=int(data.get("truncatedAlerts", 0)),
        )
