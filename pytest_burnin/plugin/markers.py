"""The marker of each kind's items (``-m burnin_slo``), registered once at configure."""

from __future__ import annotations

KIND_MARKERS = {
    "SLO": "burnin_slo",
    "Source": "burnin_source",
    "Simulation": "burnin_simulation",
    "PromtoolTest": "burnin_promtool",
    "Rule": "burnin_rule",
    "Lint": "burnin_lint",
    "Channel": "burnin_channel",
    "BurnIn": "burnin_burnin",
    "MetricsCheck": "burnin_metricscheck",
    "Checklist": "burnin_checklist",
    "SLOAlerts": "burnin_sloalerts",
    "Docs": "burnin_docs",
    "Generated": "burnin_generated",
    "Routing": "burnin_routing",
    "Notify": "burnin_notify",
}


def marker_of(kind: str) -> str:
    return KIND_MARKERS.get(kind, f"burnin_{kind.lower()}")
