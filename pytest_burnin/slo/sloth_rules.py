"""The Prometheus rules Sloth 0.16 generates from an SLO, rule for rule.

Pure core. Three groups per SLO, as Sloth names them: the error ratio per
window (``slo:sli_error:ratio_rate<w>``, and the 30-day one from the 5-minute
record), the metadata records Sloth's Grafana dashboards read
(``slo:objective:ratio`` ... ``sloth_slo_info``), and the page and ticket
alerts, each a multi-window multi-burn-rate alert over two window pairs.

One deliberate difference, for honesty rather than taste: ``sloth_version``
says ``pytest-burnin``, as these rules were not made by a Sloth binary.
Sloth's CLI ``--extra-labels`` (the ``cmd`` label of Sloth's examples) is
``burnin rules --extra-label KEY=VALUE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .sloth_spec import PERIOD_DAYS, SlothAlert, SlothSLO

if TYPE_CHECKING:
    from .rules_gen import Tier

GENERATOR_VERSION = "pytest-burnin"
# Sloth's sloth_mode label says which input form the SLO came from.
SLOTH_MODE = {
    "prometheus/v1": "cli-gen-prom",
    "sloth.slok.dev/v1": "cli-gen-k8s",
    "openslo/v1alpha": "cli-gen-openslo",
}
RECORD = "slo:sli_error:ratio_rate"
PERIOD = f"{PERIOD_DAYS}d"
_PERIOD_S = PERIOD_DAYS * 86_400
_SECONDS = {"m": 60, "h": 3600, "d": 86_400}


@dataclass(frozen=True)
class Window:
    """One window pair of a Sloth alert: fires when both windows burn above ``factor``."""

    severity: str  # page | ticket
    speed: str  # quick | slow
    budget_percent: float  # share of the period's budget this pair catches
    short: str
    long: str

    @property
    def factor(self) -> float:
        # Sloth's own arithmetic, so the thresholds are the same floats (14.4, 6, 3, 1).
        return (self.budget_percent * _PERIOD_S / 100) / seconds(self.long)


# Sloth's default windows for a 30-day period (the SRE Workbook's).
WINDOWS = (
    Window("page", "quick", 2, "5m", "1h"),
    Window("page", "slow", 5, "30m", "6h"),
    Window("ticket", "quick", 10, "2h", "1d"),
    Window("ticket", "slow", 10, "6h", "3d"),
)


def seconds(window: str) -> int:
    return int(window[:-1]) * _SECONDS[window[-1]]


def fmt(x: float) -> str:
    """A float as Go's strconv.FormatFloat(x, 'f', -1, 64) writes it."""
    text = repr(float(x))
    if "e" in text:
        text = f"{x:.20f}".rstrip("0")
    return text[:-2] if text.endswith(".0") else text


def error_budget(slo: SlothSLO) -> float:
    return (100 - slo.objective) / 100


def alerts_enabled(slo: SlothSLO) -> list[tuple[str, SlothAlert]]:
    return [(s, a) for s, a in (("page", slo.page), ("ticket", slo.ticket)) if a.enabled]


def _selector(slo: SlothSLO) -> str:
    return f'{{sloth_id="{slo.sloth_id}", sloth_service="{slo.service}", sloth_slo="{slo.name}"}}'


def _ids(slo: SlothSLO) -> dict[str, str]:
    return {"sloth_id": slo.sloth_id, "sloth_service": slo.service, "sloth_slo": slo.name}


def _group(name: str, slo: SlothSLO, rules: list[dict[str, Any]]) -> dict[str, Any]:
    group: dict[str, Any] = {"name": f"{name}-{slo.sloth_id}"}
    if slo.interval is not None:
        group["interval"] = slo.interval
    group["rules"] = rules
    return group


def sli_windows() -> list[str]:
    return sorted({w for p in WINDOWS for w in (p.short, p.long)}, key=seconds)


def sli_rules(slo: SlothSLO) -> list[dict[str, Any]]:
    rules = []
    for w in sli_windows():
        if slo.raw_query:
            expr = f"({slo.query('raw_query', w)})\n"
        else:
            expr = f"({slo.query('error_query', w)})\n/\n({slo.query('total_query', w)})\n"
        labels = {**slo.labels, **_ids(slo), "sloth_window": w}
        rules.append({"record": RECORD + w, "expr": expr, "labels": labels})
    sel = _selector(slo)
    period = (
        f"sum_over_time({RECORD}5m{sel}[{PERIOD}])\n/ ignoring (sloth_window)\n"
        f"count_over_time({RECORD}5m{sel}[{PERIOD}])\n"
    )
    labels = {**slo.labels, **_ids(slo), "sloth_window": PERIOD}
    rules.append({"record": RECORD + PERIOD, "expr": period, "labels": labels})
    return rules


def meta_rules(slo: SlothSLO) -> list[dict[str, Any]]:
    labels = {**slo.labels, **_ids(slo)}
    sel = _selector(slo)
    objective = fmt(slo.objective / 100)
    on = "/ on(sloth_id, sloth_slo, sloth_service) group_left"
    exprs = [
        ("slo:objective:ratio", f"vector({objective})"),
        ("slo:error_budget:ratio", f"vector(1-{objective})"),
        ("slo:time_period:days", f"vector({PERIOD_DAYS})"),
        (
            "slo:current_burn_rate:ratio",
            f"{RECORD}5m{sel}\n{on}\nslo:error_budget:ratio{sel}\n",
        ),
        (
            "slo:period_burn_rate:ratio",
            f"{RECORD}{PERIOD}{sel}\n{on}\nslo:error_budget:ratio{sel}\n",
        ),
        ("slo:period_error_budget_remaining:ratio", f"1 - slo:period_burn_rate:ratio{sel}"),
    ]
    rules = [{"record": r, "expr": e, "labels": dict(labels)} for r, e in exprs]
    info = {
        **slo.labels,
        **slo.info_labels,
        **_ids(slo),
        "sloth_mode": SLOTH_MODE[slo.spec_version],
        "sloth_objective": fmt(slo.objective),
        "sloth_spec": slo.spec_version,
        "sloth_version": GENERATOR_VERSION,
    }
    rules.append({"record": "sloth_slo_info", "expr": "vector(1)", "labels": info})
    return rules


def alert_expr(slo: SlothSLO, severity: str) -> str:
    sel = _selector(slo)
    budget = fmt(error_budget(slo))
    parts = []
    for w in (p for p in WINDOWS if p.severity == severity):
        threshold = f"({fmt(w.factor)} * {budget})"
        short = f"max({RECORD}{w.short}{sel} > {threshold}) without (sloth_window)"
        long = f"max({RECORD}{w.long}{sel} > {threshold}) without (sloth_window)"
        parts.append(f"(\n    {short}\n    and\n    {long}\n)")
    return "\nor\n".join(parts) + "\n"


def alert_rule(slo: SlothSLO, severity: str, alert: SlothAlert) -> dict[str, Any]:
    title = (
        f"({severity}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} "
        "SLO error budget burn rate is too fast."
    )
    summary = "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected."
    return {
        "alert": slo.alert_name,
        "expr": alert_expr(slo, severity),
        "labels": {"sloth_severity": severity, **slo.alert_labels, **alert.labels},
        "annotations": {
            "title": title,
            "summary": summary,
            **slo.alert_annotations,
            **alert.annotations,
        },
    }


def sloth_groups(slo: SlothSLO, extra_labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The rule groups Sloth generates for one SLO (no alert group when both are disabled).

    ``extra_labels`` (Sloth's ``--extra-labels``) go on every recording rule.
    """
    extra = extra_labels or {}
    records = [
        {**rule, "labels": {**rule["labels"], **extra}} for rule in sli_rules(slo) + meta_rules(slo)
    ]
    n_sli = len(sli_windows()) + 1
    groups = [
        _group("sloth-slo-sli-recordings", slo, records[:n_sli]),
        _group("sloth-slo-meta-recordings", slo, records[n_sli:]),
    ]
    alerts = [alert_rule(slo, s, a) for s, a in alerts_enabled(slo)]
    if alerts:
        groups.append(_group("sloth-slo-alerts", slo, alerts))
    return groups


def simulation_group(slo: SlothSLO, tiers: list[Tier]) -> dict[str, Any]:
    """The alerts of these tiers' severities and every record they read, as one group."""
    severities = {t.severity for t in tiers}
    alerts = [alert_rule(slo, s, a) for s, a in alerts_enabled(slo) if s in severities]
    # A severity's one alert reads both of its window pairs: keep all four records.
    wanted = {RECORD + w for p in WINDOWS if p.severity in severities for w in (p.short, p.long)}
    records = [r for r in sli_rules(slo) if r["record"] in wanted]
    return {"name": f"sloth-slo-sli-recordings-{slo.sloth_id}", "rules": records + alerts}
