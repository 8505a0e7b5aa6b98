"""The one shape every SLO input is read in: the native ``burnin/v1`` SLO spec.

Native entries carry it in their document; OpenSLO and Sloth entries are
translated when they are collected (``openslo.py``, ``sloth.py``) and carry the
translation as their payload. Everything that reads an SLO (evaluation, rule
generation, docs) goes through ``normalized_slo`` and never reads the input
format itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..spec.model import Entry

# Keys of the native spec (see spec/schemas/slo.schema.yaml):
#   indicator: {ratio: {bad|good, total}} | {threshold: {query}}
#   objective: {below|above|at_most|at_least: number}
#   window: "14d" | {calendar: month|week|day, time_zone: "UTC"}
#   budgeting: occurrences | timeslices; timeslice_window; timeslice_target: {bound}
#   warning: {bound}; compare: {previous, max_regression, store}
#   source, min_coverage, description


def normalized_slo(entry: Entry) -> dict[str, Any]:
    """The native ``burnin/v1`` SLO spec of an SLO entry, whatever format it was written in."""
    payload = entry.payload
    if isinstance(payload, dict) and "indicator" in payload:
        return payload
    return entry.spec
