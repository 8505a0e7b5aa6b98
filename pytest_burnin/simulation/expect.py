"""Check a simulation's expectations against the alert timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..promql import goregex
from ..promql.labels import Labels
from .run import AlertLife, Timeline


def fmt_ms(ms: int) -> str:
    """A simulated time as Prometheus writes durations (1h5m, 90s)."""
    if ms % 60_000:
        return f"{ms / 1000:g}s"
    minutes = ms // 60_000
    h, m = divmod(minutes, 60)
    return (f"{h}h" if h else "") + (f"{m}m" if m or not h else "")


@dataclass
class Expectation:
    alert: str
    fires: bool = True
    firing_by_ms: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    labels_regex: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    annotations_regex: dict[str, str] = field(default_factory=dict)
    delivered_within_ms: int | None = None
    payload_has: list[str] = field(default_factory=list)

    @classmethod
    def from_spec(cls, spec: dict[str, Any], duration: Any) -> Expectation:
        return cls(
            alert=spec["alert"],
            fires=bool(spec.get("fires", True)),
            firing_by_ms=duration(spec["firing_by"]) if "firing_by" in spec else None,
            labels=dict(spec.get("labels") or {}),
            labels_regex=dict(spec.get("labels_regex") or {}),
            annotations=dict(spec.get("annotations") or {}),
            annotations_regex=dict(spec.get("annotations_regex") or {}),
            delivered_within_ms=(
                duration(spec["delivered_within"]) if "delivered_within" in spec else None
            ),
            payload_has=list(spec.get("payload_has") or []),
        )


def regex_errors(spec: dict[str, Any]) -> list[tuple[tuple[str, str], str]]:
    """Each ``labels_regex``/``annotations_regex`` value Go's regexp refuses: (path, message).

    These are RE2 regexes, fully anchored, like a label matcher; checked when
    the spec is planned so a bad one is a located spec error, never a no-match.
    """
    out = []
    for field_name in ("labels_regex", "annotations_regex"):
        for key, pattern in (spec.get(field_name) or {}).items():
            try:
                goregex.check(str(pattern))
            except goregex.RegexError as err:
                out.append(((field_name, str(key)), f"{field_name}.{key}: {err}"))
    return out


def _matches(pairs: Labels, exact: dict[str, str], regex: dict[str, str]) -> list[str]:
    have = dict(pairs)
    misses = [f"{k}={have.get(k)!r} (want {v!r})" for k, v in exact.items() if have.get(k) != v]
    for k, pattern in regex.items():
        if not goregex.full_match(str(pattern), have.get(k, ""), True):
            misses.append(f"{k}={have.get(k)!r} (want /{pattern}/)")
    return misses


@dataclass
class Outcome:
    """What one expectation found: the matching alert (if any) and what is wrong."""

    expectation: Expectation
    alert: AlertLife | None
    problems: list[str]


def check(exp: Expectation, timeline: Timeline) -> Outcome:
    lives = timeline.of(exp.alert)
    fired = [a for a in lives if a.firing_at_ms is not None]
    end = fmt_ms(timeline.end_ms)
    if not exp.fires:
        if fired:
            first = min(fired, key=lambda a: a.firing_at_ms or 0)
            return Outcome(
                exp,
                first,
                [
                    f"{exp.alert} fired at {fmt_ms(first.firing_at_ms or 0)}, expected it not to fire"
                ],
            )
        return Outcome(exp, None, [])
    if not fired:
        pending = [a for a in lives if a.pending_at_ms is not None]
        why = (
            f" (pending since {fmt_ms(min(a.pending_at_ms or 0 for a in pending))}, never firing)"
            if pending
            else " (its condition never held)"
        )
        return Outcome(exp, None, [f"{exp.alert} did not fire within {end}{why}"])
    problems_by_alert: list[tuple[AlertLife, list[str]]] = []
    for a in sorted(fired, key=lambda a: a.firing_at_ms or 0):
        misses = _matches(a.labels, exp.labels, exp.labels_regex)
        misses += [
            f"annotation {m}"
            for m in _matches(a.annotations, exp.annotations, exp.annotations_regex)
        ]
        if not misses:
            problems: list[str] = []
            if exp.firing_by_ms is not None and (a.firing_at_ms or 0) > exp.firing_by_ms:
                late = (a.firing_at_ms or 0) - exp.firing_by_ms
                problems.append(
                    f"{exp.alert} fired at {fmt_ms(a.firing_at_ms or 0)}, {fmt_ms(late)} after firing_by {fmt_ms(exp.firing_by_ms)}"
                )
            return Outcome(exp, a, problems)
        problems_by_alert.append((a, misses))
    a, misses = problems_by_alert[0]
    return Outcome(
        exp, a, [f"{exp.alert} fired at {fmt_ms(a.firing_at_ms or 0)} but " + "; ".join(misses)]
    )
