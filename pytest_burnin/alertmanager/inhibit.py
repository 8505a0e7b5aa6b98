"""Inhibition as Alertmanager's ``inhibit/inhibit.go`` decides it.

A rule mutes a target alert when some firing alert matches the rule's source
matchers and has the same value for every ``equal`` label, where a label
missing on both sides counts as equal (both read as ""). When the target
also matches the source matchers, sources that match the target matchers are
skipped, so an alert never inhibits itself (or its twins).
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
    rules: list[InhibitRule], target: Labels, firing: Iterable[Labels]
) -> Inhibition | None:
    """The first rule and source alert that inhibit ``target``, or None."""
    alerts = list(firing)
    for index, rule in enumerate(rules):
        if not matches_all(rule.target, target):
            continue
        two_sided = matches_all(rule.source, target)
        for source in alerts:
            if not matches_all(rule.source, source):
                continue
            if any(source.get(n, "") != target.get(n, "") for n in rule.equal):
                continue
            if two_sided and matches_all(rule.target, source):
                continue
            return Inhibition(index, rule, source)
    return None
