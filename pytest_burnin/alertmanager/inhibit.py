"""Inhibition as Alertmanager's ``inhibit/inhibit.go`` decides it.

A rule mutes a target alert when some firing alert matches the rule's source
matchers and has the same value for every ``equal`` label, where a label
missing on both sides counts as equal (both read as ""). When the target
also matches the source matchers, sources that match the target matchers are
skipped, so an alert never inhibits itself (or its twins).

From 0.30 the inhibitor indexes source alerts by their ``equal`` labels and
keeps one per combination (the one resolving last; of equals, the last to
arrive: ``updateIndex`` replaces when the indexed alert resolves no later), so
the two-sided exclusion then looks at that one alert only. ``indexed=True``
models it, with ``firing`` in arrival order and equal end times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .config import InhibitRule
from .matchers import matches_all

Labels = Mapping[str, str]


@dataclass(frozen=True)
class Inhibition:
    rule_index: int  # 0-based position in inhibit_rules
    rule: InhibitRule
    source: Labels  # the firing alert that inhibits


def inhibited_by(
    rules: list[InhibitRule], target: Labels, firing: Iterable[Labels], *, indexed: bool = False
) -> Inhibition | None:
    """The first rule and source alert that inhibit ``target``, or None."""
    alerts = list(firing)
    for index, rule in enumerate(rules):
        if not matches_all(rule.target, target):
            continue
        two_sided = matches_all(rule.source, target)
        sources = [
            a
            for a in alerts
            if matches_all(rule.source, a)
            and all(a.get(n, "") == target.get(n, "") for n in rule.equal)
        ]
        if indexed:
            sources = sources[-1:]  # the one source the index keeps
        for source in sources:
            if two_sided and matches_all(rule.target, source):
                continue
            return Inhibition(index, rule, source)
    return None


def indexed_inhibitor(version: str) -> bool:
    """Whether an Alertmanager version ("0.25", "0.33.1") has the indexed inhibitor (0.30+)."""
    parts = tuple(int(p) for p in version.split(".")[:2])
    return parts >= (0, 30)
