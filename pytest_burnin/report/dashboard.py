"""Grafana dashboard JSON for a service's SLOs (schemaVersion 39).

Indicator and burn-rate panels read the error-ratio recording rules that
``burnin rules`` writes (``dashboard_records.py``), not raw counters over 14 or
30 days; an SLO with no such record (a threshold indicator) runs its own
query, and the panel's description says why. Error budget,
burn-in progress and alert counts come from the exporter (``burnin_*``); the
alert timeline reads Prometheus' ``ALERTS`` series.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..spec.model import Entry

SCHEMA_VERSION = 39
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
WIDTH = 24


class _Layout:
    """Hands out gridPos rectangles left to right, top to bottom."""

    def __init__(self) -> None:
        self.x = self.y = self.row_h = 0
        self.next_id = 1

    def place(self, w: int, h: int) -> dict[str, int]:
        if self.x + w > WIDTH:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        pos = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def new_row(self) -> None:
        if self.x:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0

    def panel(
        self,
        kind: str,
        title: str,
        w: int,
        h: int,
        targets: Sequence[tuple[str, str]],
        **extra: Any,
    ) -> dict[str, Any]:
        panel: dict[str, Any] = {
            "id": self.next_id,
            "type": kind,
            "title": title,
            "datasource": DATASOURCE,
            "gridPos": self.place(w, h),
            "targets": [
                {
                    "refId": chr(ord("A") + i),
                    "expr": expr,
                    "legendFormat": legend,
                    "datasource": DATASOURCE,
                }
                for i, (expr, legend) in enumerate(targets)
            ],
        }
        self.next_id += 1
        panel.update(extra)
        return panel


def _ratio_parts(entry: Entry, window: str) -> tuple[str, str | None]:
    """(indicator expr, bad-share expr or None) with ``{{window}}`` set to ``window``."""
    from ..slo.evaluate import substitute

    ind = entry.spec["indicator"]
    ratio = ind.get("ratio")
    if ratio is None:
        return substitute(ind["threshold"]["query"], window), None
    total = substitute(ratio["total"], window)
    if "bad" in ratio:
        share = f"({substitute(ratio['bad'], window)}) / ({total})"
        return share, share
    share = f"({substitute(ratio['good'], window)}) / ({total})"
    return share, f"1 - ({share})"


def _unit(entry: Entry) -> str:
    return "percentunit" if "ratio" in entry.spec["indicator"] else "short"


def slo_panels(entry: Entry, layout: _Layout) -> list[dict[str, Any]]:
    from ..slo.evaluate import Objective, allowed_bad
    from ..slo.rules_gen import num
    from .dashboard_records import recorded

    name, window = entry.name, _window_text(entry.spec["window"])
    objective = Objective.from_spec(entry.spec["objective"])
    layout.new_row()
    panels: list[dict[str, Any]] = [
        {
            "id": layout.next_id,
            "type": "row",
            "title": f"SLO {name}",
            "collapsed": False,
            "gridPos": layout.place(WIDTH, 1),
            "panels": [],
        },
    ]
    layout.next_id += 1
    records, why_raw = recorded(entry)
    description = str(entry.spec.get("description", ""))
    if records is not None:
        indicator = records.indicator(window)
        shown = (objective.symbol, objective.value)
        if records.windows and window not in records.windows:
            description += (
                f" Indicator: the mean of the {next(iter(records.windows))} error-ratio record "
                f"(from `burnin rules`) over {window}, as Sloth records ratio_rate30d; the "
                "gate's own figure weighs each moment by its traffic."
            )
    else:
        indicator, _ = _ratio_parts(entry, window)
        shown = (objective.symbol, objective.value)
        description += f" No recording rule to read ({why_raw}): the panel runs the SLO's query."
    panels.append(
        layout.panel(
            "timeseries",
            f"{name}: indicator ({window}) vs objective {shown[0]} {shown[1]:g}",
            12,
            8,
            [(indicator, "indicator"), (f"vector({shown[1]!r})", "objective")],
            fieldConfig={"defaults": {"unit": _unit(entry)}, "overrides": []},
            description=description.strip(),
        )
    )
    panels.append(
        layout.panel(
            "stat",
            f"{name}: error budget remaining",
            6,
            8,
            [(f'burnin_slo_error_budget_remaining_ratio{{slo="{name}"}}', "remaining")],
            fieldConfig={
                "defaults": {
                    "unit": "percentunit",
                    "thresholds": {
                        "mode": "absolute",
                        "steps": [
                            {"color": "red", "value": None},
                            {"color": "orange", "value": 0},
                            {"color": "green", "value": 0.25},
                        ],
                    },
                },
                "overrides": [],
            },
        )
    )
    budget = records.budget if records is not None else allowed_bad(entry, objective)
    if records is not None and budget:
        targets = [
            (f"{record}{records.selector} / {num(budget)}", f"burn rate {w}")
            for w, record in records.windows.items()
            if w != window  # the period's ratio is the indicator panel
        ]
        panels.append(
            layout.panel(
                "timeseries",
                f"{name}: burn rates (1 = budget spent exactly over the window)",
                6,
                8,
                targets,
                fieldConfig={"defaults": {"unit": "short", "min": 0}, "overrides": []},
                description="Read from the error-ratio recording rules `burnin rules` writes.",
            )
        )
    return panels


def dashboard(
    slos: Sequence[Entry], *, title: str = "SLOs", uid: str = "burnin-slo"
) -> dict[str, Any]:
    """The dashboard as a JSON-ready dict (Grafana's import format)."""
    layout = _Layout()
    panels: list[dict[str, Any]] = []
    panels.append(
        layout.panel(
            "bargauge",
            "Burn-in progress (day of period)",
            12,
            6,
            [("burnin_burnin_progress_ratio", "{{burnin}}")],
            fieldConfig={"defaults": {"unit": "percentunit", "min": 0, "max": 1}, "overrides": []},
        )
    )
    panels.append(
        layout.panel(
            "state-timeline",
            "Alert timeline",
            12,
            6,
            [
                ('max by (alertname) (ALERTS{alertstate="firing"})', "{{alertname}}"),
                (
                    "sum by (alertname) (increase(burnin_alerts_fired_total[1d]))",
                    "fired/day {{alertname}}",
                ),
            ],
        )
    )
    for entry in slos:
        panels += slo_panels(entry, layout)
    return {
        "uid": uid,
        "title": title,
        "tags": ["slo", "pytest-burnin"],
        "timezone": "utc",
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "editable": True,
        "time": {"from": "now-30d", "to": "now"},
        "refresh": "5m",
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                    "hide": 0,
                    "refresh": 1,
                    "options": [],
                }
            ]
        },
        "annotations": {"list": []},
        "panels": panels,
    }


def dashboard_json(slos: Sequence[Entry], **kw: Any) -> str:
    return json.dumps(dashboard(slos, **kw), indent=2, sort_keys=True) + "\n"


def exprs(board: dict[str, Any]) -> list[str]:
    """Every target expression in a dashboard (for checks)."""
    return [t["expr"] for p in board["panels"] for t in p.get("targets", [])]


def _window_text(spec: object) -> str:
    """A rolling window as written; a calendar period as its longest length (a month: 31d)."""
    if isinstance(spec, str):
        return spec
    period = spec.get("calendar") if isinstance(spec, dict) else None
    return {"day": "1d", "week": "7d", "month": "31d"}.get(str(period), "30d")
