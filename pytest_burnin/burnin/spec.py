"""``kind: BurnIn`` as a typed value: the policy the verdicts judge against."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BurninError

if TYPE_CHECKING:
    from ..spec.model import Entry

DAY_MS = 86_400_000


def whole_days(text: str, what: str) -> int:
    """A duration given in whole days (``30d``, ``2w``), as a number of days."""
    from ..promql.lexer import parse_duration

    try:
        ms = parse_duration(text)
    except ValueError as exc:
        raise BurninError(f"{what}: invalid duration {text!r}: {exc}") from None
    if ms <= 0 or ms % DAY_MS:
        raise BurninError(f"{what}: {text!r} must be a whole number of days, such as 30d")
    return ms // DAY_MS


def _seconds(text: str, what: str) -> float:
    from ..promql.lexer import parse_duration

    try:
        return parse_duration(text) / 1000
    except ValueError as exc:
        raise BurninError(f"{what}: invalid duration {text!r}: {exc}") from None


@dataclass(frozen=True)
class RemediationSpec:
    command: tuple[str, ...]
    timeout_s: float = 300.0
    checks: tuple[str, ...] = ()  # empty: every listed SLO
    mode: str = "auto"


@dataclass(frozen=True)
class BurnInSpec:
    name: str
    start: date
    length_days: int = 30
    window: str | None = None  # the daily records' rolling window; None: each SLO's own
    slos: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()
    frozen: tuple[str, ...] = ()
    root: Path = Path()  # frozen globs are relative to it (the spec file's folder)
    store: str | None = None
    remediation: RemediationSpec | None = None
    notify: tuple[str, ...] = ()  # Channel entries told when a day's check fails
    runbook: str = ""

    @property
    def identity(self) -> str:
        """What the freeze is bound to: the SLOs and frozen globs, not the (renamable) name."""
        from .freeze import freeze_identity

        return freeze_identity(self.slos, self.frozen)

    @property
    def last_day(self) -> date:
        return self.start + timedelta(days=self.length_days - 1)

    @classmethod
    def from_mapping(cls, name: str, spec: dict[str, Any], root: Path) -> BurnInSpec:
        start = spec["start"]
        if isinstance(start, str):
            try:
                start = date.fromisoformat(start)
            except ValueError:
                raise BurninError(f"start: {start!r} is not a date (YYYY-MM-DD)") from None
        if not isinstance(start, date):
            raise BurninError(f"start: {start!r} is not a date (YYYY-MM-DD)")
        window = spec.get("window")
        if window is not None:
            whole_days(str(window), "window")
        rem = spec.get("remediation")
        remediation = None
        if isinstance(rem, dict):
            timeout = str(rem.get("timeout", "5m"))
            remediation = RemediationSpec(
                command=tuple(str(a) for a in rem["command"]),
                timeout_s=_seconds(timeout, "remediation"),
                checks=tuple(rem.get("checks", ())),
                mode=str(rem.get("mode", "auto")),
            )
        return cls(
            name=name,
            start=start,
            length_days=whole_days(str(spec.get("length", "30d")), "length"),
            window=None if window is None else str(window),
            slos=tuple(spec.get("slos", ())),
            alerts=tuple(spec.get("alerts", ())),
            frozen=tuple(spec.get("frozen", ())),
            root=root,
            store=spec.get("store"),
            remediation=remediation,
            notify=tuple(str(n) for n in spec.get("notify", ())),
        )

    @classmethod
    def from_entry(cls, entry: Entry) -> BurnInSpec:
        """From a ``kind: BurnIn`` entry; errors name the entry's file and line."""
        try:
            spec = cls.from_mapping(entry.name, entry.spec, entry.path.parent)
            return replace(spec, runbook=str(entry.metadata.get("runbook", "")))
        except BurninError as exc:
            field = str(exc).split(":", 1)[0]
            raise entry.error((field,), str(exc).split(": ", 1)[-1]) from None
