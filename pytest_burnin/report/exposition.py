"""The exporter's metrics: one pure function renders the exposition text.

``render`` is what ``/metrics``, the textfile and the tests use; the
Pushgateway gets the same registry (``build_registry``). Names follow the
Prometheus conventions: ``burnin_`` prefix, base units (seconds, ratios 0..1),
``_total`` for counters, ``_ratio`` for shares.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from .history import History
from .snapshot import RunSnapshot

OUTCOMES = ("passed", "failed", "error", "skipped")
BURN_WINDOWS = ("1h", "6h", "1d", "3d")


@dataclass
class ExportData:
    history: History
    snapshot: RunSnapshot | None


def _gauge(name: str, doc: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=labels or [])


class BurninCollector:
    """A prometheus_client collector over one ``ExportData`` (no global state)."""

    def __init__(self, data: ExportData) -> None:
        self.data = data

    def collect(self) -> Iterator[Metric]:
        yield from self._run_metrics()
        yield from self._history_metrics()

    def _run_metrics(self) -> Iterator[Metric]:
        snap = self.data.snapshot
        last_run = _gauge("burnin_last_run_timestamp_seconds", "When the latest burn-in run ended.")
        if snap is not None:
            last_run.add_metric([], snap.finished_at)
        yield last_run
        status = _gauge(
            "burnin_item_status",
            "Outcome of each burn-in item in the latest run (1 for the item's outcome).",
            ["kind", "name", "outcome"],
        )
        objective = _gauge("burnin_slo_objective", "SLO objective (threshold).", ["slo", "op"])
        indicator = _gauge("burnin_slo_indicator", "Measured SLO indicator.", ["slo"])
        remaining = _gauge(
            "burnin_slo_error_budget_remaining_ratio",
            "Share of the SLO's error budget left (negative: overspent).",
            ["slo"],
        )
        burn = _gauge("burnin_slo_burn_rate", "Error budget burn rate.", ["slo", "window"])
        day = _gauge("burnin_burnin_day", "Day of the burn-in period.", ["burnin"])
        # Base units (promtool check metrics): the length in seconds, progress as a ratio.
        length = _gauge("burnin_burnin_length_seconds", "Length of the burn-in period.", ["burnin"])
        progress = _gauge(
            "burnin_burnin_progress_ratio",
            "Share of the burn-in period reached (day / length).",
            ["burnin"],
        )
        for item in snap.items if snap is not None else ():
            for outcome in OUTCOMES:
                status.add_metric([item.kind, item.name, outcome], float(item.outcome == outcome))
            if item.kind == "SLO":
                if item.objective_value is not None:
                    objective.add_metric([item.name, item.objective_op or ""], item.objective_value)
                _add(indicator, [item.name], item.number("measured"))
                _add(remaining, [item.name], item.number("error_budget_remaining"))
                for w in BURN_WINDOWS:
                    _add(burn, [item.name, w], item.number(f"burn_rate_{w}"))
            elif item.kind == "BurnIn":
                _add(day, [item.name], item.number("burnin.day"))
                days, length_days = item.number("burnin.day"), item.number("burnin.length")
                if length_days is not None:
                    _add(length, [item.name], length_days * 86_400)
                    if days is not None and length_days > 0:
                        _add(progress, [item.name], days / length_days)
        yield from (status, objective, indicator, remaining, burn, day, length, progress)

    def _history_metrics(self) -> Iterator[Metric]:
        h = self.data.history
        latest: dict[str, tuple[float | None, str]] = {}
        for r in h.records:  # ordered by day: the last one wins
            latest[r.check] = (r.value, r.verdict)
        value = _gauge(
            "burnin_daily_check_value",
            "Latest daily-record value per check (e.g. the integrity failure ratio).",
            ["check"],
        )
        passed = _gauge(
            "burnin_daily_check_passed", "1 if the latest daily record passed.", ["check"]
        )
        for check, (v, verdict) in sorted(latest.items()):
            _add(value, [check], v)
            passed.add_metric([check], float(verdict == "pass"))
        yield from (value, passed)
        days = CounterMetricFamily(
            "burnin_daily_records", "Daily records by verdict.", labels=["verdict"]
        )
        by_verdict = Counter(r.verdict for r in h.records)
        for verdict in ("pass", "fail", "error"):
            days.add_metric([verdict], float(by_verdict[verdict]))
        yield days
        actions = CounterMetricFamily(
            "burnin_remediation_actions", "Remediation actions by mode.", labels=["mode"]
        )
        modes = Counter(r.mode for r in h.remediations)
        for mode in ("auto", "manual"):
            actions.add_metric([mode], float(modes[mode]))
        yield actions
        share = _gauge(
            "burnin_remediation_auto_run_ratio",
            "Share of remediation runs that started automatically.",
        )
        total = modes["auto"] + modes["manual"]
        if total:
            share.add_metric([], modes["auto"] / total)
        yield share
        yield from self._alert_metrics()
        yield from self._incident_metrics()
        last = _gauge(
            "burnin_last_successful_daily_run_timestamp_seconds",
            "When the daily record job last succeeded.",
        )
        if h.last_successful_run is not None:
            last.add_metric([], h.last_successful_run.timestamp())
        yield last

    def _alert_metrics(self) -> Iterator[Metric]:
        fired = CounterMetricFamily("burnin_alerts_fired", "Alerts fired.", labels=["alertname"])
        delivered = CounterMetricFamily(
            "burnin_alerts_delivered", "Fired alerts delivered to a channel.", labels=["alertname"]
        )
        failed = CounterMetricFamily(
            "burnin_alerts_failed", "Fired alerts with no recorded delivery.", labels=["alertname"]
        )
        counts: dict[str, list[int]] = {}
        for e in self.data.history.alerts:
            if e.state != "fired":
                continue
            c = counts.setdefault(e.alertname, [0, 0])
            c[0] += 1
            c[1] += e.delivered_at is not None
        for name, (n, ok) in sorted(counts.items()):
            fired.add_metric([name], float(n))
            delivered.add_metric([name], float(ok))
            failed.add_metric([name], float(n - ok))
        yield from (fired, delivered, failed)

    def _incident_metrics(self) -> Iterator[Metric]:
        from ..burnin.incidents import mttr_seconds

        incidents = self.data.history.incidents
        opened = CounterMetricFamily("burnin_incidents_opened", "Incidents opened.")
        opened.add_metric([], float(len(incidents)))
        open_now = _gauge("burnin_incidents_open", "Incidents not yet resolved.")
        open_now.add_metric([], float(sum(i.is_open for i in incidents)))
        mttr = _gauge("burnin_incident_mttr_seconds", "Mean time to resolve incidents.")
        m = mttr_seconds(incidents)
        if m is not None:
            mttr.add_metric([], m)
        yield from (opened, open_now, mttr)


def _add(family: GaugeMetricFamily, labels: list[str], value: float | None) -> None:
    if value is not None and not math.isnan(value):
        family.add_metric(labels, value)


def build_registry(data: ExportData) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(BurninCollector(data))
    return registry


def render(data: ExportData) -> bytes:
    """The Prometheus text exposition (format 0.0.4) of ``data``."""
    return generate_latest(build_registry(data))
