"""The built-in spec kinds: one line each.

Adding a kind is one module (a ``KindHandler``), one schema under
``spec/schemas/`` and one line here. The plugin offers these through its
``trylast`` implementation of ``pytest_burnin_spec_kinds``, so a conftest.py
can add kinds or replace these; the ``burnin`` command uses them as they are.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .kinds import KindHandler

# kind -> "module:class"; the class is built without arguments (run options
# reach it through the RunContext at evaluation time).
BUILTIN_KINDS = {
    "Source": "pytest_burnin.sources.kind:SourceKind",
    "Channel": "pytest_burnin.alerting.kind:ChannelKind",
    "SLO": "pytest_burnin.slo.kind:SLOKind",
    "OpenSLO": "pytest_burnin.slo.openslo:OpenSLOKind",
    "Sloth": "pytest_burnin.slo.sloth:SlothKind",
    "PromtoolTest": "pytest_burnin.rules.kinds:PromtoolTestKind",
    "PrometheusRules": "pytest_burnin.rules.kinds:RuleLintKind",
    "Lint": "pytest_burnin.rules.lint_kind:LintKind",
    "Simulation": "pytest_burnin.simulation.kind:SimulationKind",
    "BurnIn": "pytest_burnin.burnin.kind:BurnInKind",
    "Checklist": "pytest_burnin.release.kind:ChecklistKind",
    "MetricsCheck": "pytest_burnin.report.kind:MetricsCheckKind",
    "Routing": "pytest_burnin.alertmanager.kind:RoutingKind",
    "Notify": "pytest_burnin.time_to_notify.kind:NotifyKind",
}


def builtin_kinds() -> dict[str, KindHandler]:
    """A handler for every built-in kind, in the table's order."""
    out: dict[str, KindHandler] = {}
    for kind, target in BUILTIN_KINDS.items():
        module, _, cls = target.partition(":")
        out[kind] = getattr(import_module(module), cls)()
    return out
