"""Prometheus rules generated from SLO specs: recording rules and burn-rate alerts.

Pure core. For a ratio SLO the error ratio (the share of events that spend the
budget) is recorded per window as ``slo:sli_error:ratio_rate<window>`` with the
labels ``slo`` (plus ``service``, ``owner`` when known), and each alert tier
follows the SRE Workbook's multi-window, multi-burn-rate pattern: it fires when
both its long and its short window burn faster than ``factor`` times the
budget. The long window makes it significant, the short one makes it reset
soon after the burn stops.

Defaults (the Workbook's, for a 30-day budget): page at 14.4x over 1h/5m and
6x over 6h/30m, ticket at 1x over 3d/6h. An SLO overrides them with an
optional ``alerting:`` block (see ``AlertingConfig``).

A threshold indicator (``privacy-violations at_most 0``) has no error ratio
and so no burn rate: it gets one plain alert on its objective over its window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import SpecError
from . import sloth_rules

if TYPE_CHECKING:
    from ..spec.model import Entry
    from .sloth_spec import SlothSLO

RECORD_PREFIX = "slo:sli_error:ratio_rate"
DEFAULT_FOR = "1m"
DEFAULT_TIERS: dict[str, list[dict[str, Any]]] = {
    "page": [
        {"long": "1h", "short": "5m", "factor": 14.4},
        {"long": "6h", "short": "30m", "factor": 6},
    ],
    "ticket": [{"long": "3d", "short": "6h", "factor": 1}],
}
# How long a calendar window lasts, for "share of the budget spent" in docs.
CALENDAR_MS = {"day": 86_400_000, "week": 7 * 86_400_000, "month": 30 * 86_400_000}
_UPPER = ("below", "at_most")
_NEGATED = {"below": ">=", "at_most": ">", "above": "<=", "at_least": "<"}


def duration_ms(text: str) -> int:
    from ..promql.parser import parse_duration

    return parse_duration(text)


def num(x: float) -> str:
    """A PromQL/YAML number without float noise (1 - 0.99 is 0.010000000000000009)."""
    r = round(float(x), 12)
    return str(int(r)) if r == int(r) else repr(r)


def camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", name) if p)


@dataclass(frozen=True)
class Tier:
    """One multi-window alert: fires when both windows burn above ``factor``."""

    severity: str  # page | ticket
    long: str
    short: str
    factor: float
    for_: str

    @property
    def name(self) -> str:
        return f"{self.severity}-{self.long}"

    @property
    def long_ms(self) -> int:
        return duration_ms(self.long)

    @property
    def short_ms(self) -> int:
        return duration_ms(self.short)

    @property
    def for_ms(self) -> int:
        return duration_ms(self.for_)


@dataclass
class SLORules:
    """Everything generated for one SLO, and why a part was left out."""

    slo: str
    labels: dict[str, str]
    indicator: str  # ratio | threshold
    objective: tuple[str, float]
    window: str
    window_ms: int
    budget: float | None = None  # allowed error ratio (ratio SLOs)
    tiers: list[Tier] = field(default_factory=list)
    min_traffic: float | None = None  # events per second over the long window
    for_: str = DEFAULT_FOR
    error_queries: dict[str, str] = field(default_factory=dict)  # window -> error ratio
    num_query: str = ""  # bad or good events, with {{window}}
    total_query: str = ""  # with {{window}}
    threshold_query: str = ""  # with {{window}}
    annotations: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # tiers left out, with the reason
    num_is_bad: bool | None = None  # None: bad under an upper bound, good under a lower one
    sloth: SlothSLO | None = None  # read from a Sloth file: Sloth's rules, not ours

    def alert_name(self, tier: Tier | None) -> str:
        if self.sloth is not None:
            return self.sloth.alert_name
        if tier is None:
            return f"SLO{camel(self.slo)}ObjectiveBreached"
        return f"SLO{camel(self.slo)}BurnRate{camel(tier.severity)}{tier.long}"

    def groups(self, extra_labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """The rule groups written to the rule file: Sloth's three for a Sloth SLO.

        ``extra_labels`` are Sloth's ``--extra-labels``: added to a Sloth SLO's
        recording rules, as Sloth adds them.
        """
        if self.sloth is not None:
            return sloth_rules.sloth_groups(self.sloth, extra_labels or {})
        return [self.group()]

    def simulation_group(self, tiers: list[Tier]) -> dict[str, Any]:
        """One group with these tiers' alerts and the records they read, for the behaviour checks."""
        if self.sloth is not None:
            return sloth_rules.simulation_group(self.sloth, tiers)
        group = self.group()
        wanted_alerts = {self.alert_name(t) for t in tiers}
        windows = {RECORD_PREFIX + w for t in tiers for w in (t.long, t.short)}
        group["rules"] = [
            r
            for r in group["rules"]
            if r.get("alert") in wanted_alerts or r.get("record") in windows
        ]
        return group

    def group(self) -> dict[str, Any]:
        """The rule group, as the mapping written to the rule file."""
        rules: list[dict[str, Any]] = []
        sel = f'{{slo="{self.slo}"}}'
        for window, query in self.error_queries.items():
            rules.append(
                {"record": RECORD_PREFIX + window, "expr": query, "labels": dict(self.labels)}
            )
        for tier in self.tiers:
            threshold = f"({num(tier.factor)} * {num(self.budget or 0)})"
            expr = f"{RECORD_PREFIX}{tier.long}{sel} > {threshold}"
            if tier.short != tier.long:  # OpenSLO's conditions have a single window
                expr += f"\nand\n{RECORD_PREFIX}{tier.short}{sel} > {threshold}"
            if self.min_traffic is not None:
                # A handful of errors among very few events is a huge ratio but
                # not an outage worth a page: require enough traffic first.
                total = substitute(self.total_query, tier.long)
                expr += (
                    f"\nand on ()\n({total}) / {tier.long_ms // 1000} >= {num(self.min_traffic)}"
                )
            spent = tier.factor * tier.long_ms / self.window_ms
            summary = (
                f"SLO {self.slo}: error budget burning over {num(tier.factor)}x "
                f"for {tier.long} and {tier.short} "
                f"(error ratio {{{{ $value | humanizePercentage }}}}, budget {pct(self.budget)}; "
                f"{pct(spent)} of the {self.window} budget gone in {tier.long})"
            )
            rules.append(self._alert(tier, expr, summary))
        if self.indicator == "threshold":
            op, value = self.objective
            expr = f"({substitute(self.threshold_query, self.window)}) {_NEGATED[op]} {num(value)}"
            summary = (
                f"SLO {self.slo}: objective breached: {{{{ $value }}}} over {self.window} "
                f"(objective {_SYMBOL[op]} {num(value)})"
            )
            rules.append(self._alert(None, expr, summary))
        return {"name": f"slo:{self.slo}", "rules": rules}

    def _alert(self, tier: Tier | None, expr: str, summary: str) -> dict[str, Any]:
        labels = {"severity": tier.severity if tier else "page", **self.labels}
        return {
            "alert": self.alert_name(tier),
            "expr": expr,
            "for": tier.for_ if tier else self.for_,
            "labels": labels,
            "annotations": {"summary": summary, **self.annotations},
        }


_SYMBOL = {"below": "<", "above": ">", "at_most": "<=", "at_least": ">="}


def pct(x: float | None) -> str:
    if x is None:
        return "n/a"
    text = f"{x * 100:.3g}"
    return f"{text}%"


def substitute(query: str, window: str) -> str:
    return re.sub(r"\{\{\s*window\s*\}\}", window, query)


def _spec(entry: Entry) -> dict[str, Any]:
    try:
        from .model import normalized_slo
    except ImportError:  # pragma: no cover - the model lands with the SLO kinds
        return entry.spec
    return normalized_slo(entry)


def window_text(window: Any) -> tuple[str, int]:
    """``14d`` -> ("14d", ms); a calendar window counts as its usual length."""
    if isinstance(window, dict):
        cal = str(window.get("calendar", "month"))
        return f"calendar {cal}", CALENDAR_MS.get(cal, CALENDAR_MS["month"])
    return str(window), duration_ms(str(window))


def slo_rules(entry: Entry) -> SLORules:
    """What to generate for one SLO entry; SpecError for an unusable ``alerting`` block."""
    from .sloth_spec import sloth_of

    found = sloth_of(entry)
    if found is not None:
        return sloth_slo_rules(entry, found)
    spec = _spec(entry)
    meta = entry.metadata
    labels = {"slo": entry.name}
    extra = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    if extra and extra.get("service"):
        labels["service"] = str(extra["service"])
    if meta.get("owner"):
        labels["owner"] = str(meta["owner"])
    ((op, value),) = spec["objective"].items()
    window, window_ms = window_text(spec["window"])
    alerting = spec.get("alerting") or {}
    out = SLORules(
        slo=entry.name,
        labels=labels,
        indicator="ratio" if "ratio" in spec["indicator"] else "threshold",
        objective=(op, float(value)),
        window=window,
        window_ms=window_ms,
        for_=str(alerting.get("for", DEFAULT_FOR)),
        annotations=_annotations(entry, spec, alerting),
    )
    if out.indicator == "threshold":
        out.threshold_query = spec["indicator"]["threshold"]["query"]
        return out
    if spec.get("budgeting") == "timeslices":
        out.notes.append(
            "no burn-rate alerts: timeslice budgeting counts bad slices, not bad events"
        )
        return out
    ratio = spec["indicator"]["ratio"]
    upper = op in _UPPER
    out.budget = float(value) if upper else 1.0 - float(value)
    out.total_query = ratio["total"]
    num_field = "bad" if "bad" in ratio else "good"
    out.num_query = ratio[num_field]
    # The error ratio is the share of events on the wrong side of the objective:
    # the SLI itself under an upper bound, its complement under a lower bound.
    flip = "" if upper else "1 - "
    if out.budget <= 0:
        out.notes.append(f"no burn-rate alerts: objective {op} {num(value)} leaves no budget")
        return out
    if "min_traffic" in alerting:
        out.min_traffic = float(alerting["min_traffic"])
    out.tiers = _tiers(entry, alerting, out.for_, out.budget, out.notes)
    for w in sorted({w for t in out.tiers for w in (t.long, t.short)}, key=duration_ms):
        num_q = _operand(substitute(ratio[num_field], w))
        tot_q = _operand(substitute(ratio["total"], w))
        out.error_queries[w] = f"{flip}(\n  {num_q}\n/\n  {tot_q}\n)"
    return out


def _operand(query: str) -> str:
    """``query`` as an operand of ``/``: in parentheses when it is itself a binary operation,
    so ``a + b`` over ``total`` is ``(a + b) / total``, not ``a + b / total``."""
    from ..promql import ast
    from ..promql.parser import ParseError, parse

    try:
        top = parse(query)
    except ParseError:
        return query  # the SLO's own check names the parse error
    return f"({query})" if isinstance(top, ast.BinaryExpr) else query


def _tiers(
    entry: Entry, alerting: dict[str, Any], for_: str, budget: float, notes: list[str]
) -> list[Tier]:
    tiers: list[Tier] = []
    for severity in ("page", "ticket"):
        raw = alerting.get(severity, DEFAULT_TIERS[severity])
        for i, t in enumerate(raw if isinstance(raw, list) else [raw]):
            path: tuple[str | int, ...] = ("alerting", severity)
            if isinstance(raw, list):
                path = (*path, i)
            tier = Tier(
                severity,
                str(t["long"]),
                str(t["short"]),
                float(t["factor"]),
                str(t.get("for", for_)),
            )
            for what in (tier.long, tier.short, tier.for_):
                try:
                    duration_ms(what)
                except ValueError as exc:
                    raise entry.error(path, f"invalid duration {what!r}: {exc}") from None
            if tier.short_ms > tier.long_ms:
                raise entry.error(path, f"short window {tier.short} is longer than {tier.long}")
            if any(x.name == tier.name for x in tiers):
                raise entry.error(path, f"two {severity} tiers over the same {tier.long} window")
            if tier.factor * budget >= 1:
                notes.append(
                    f"{tier.name} left out: {num(tier.factor)}x a {pct(budget)} budget "
                    "is an error ratio of 100% or more, which can never be exceeded"
                )
                continue
            tiers.append(tier)
    return tiers


def _annotations(entry: Entry, spec: dict[str, Any], alerting: dict[str, Any]) -> dict[str, str]:
    meta = entry.metadata
    text = alerting.get("remediation")
    if not text:
        parts = [str(spec.get("description") or meta.get("description") or "").strip()]
        if meta.get("runbook"):
            parts.append(f"Follow the runbook ({meta['runbook']}).")
        who = ", ".join(str(meta[k]) for k in ("oncall", "owner") if meta.get(k))
        if who:
            parts.append(f"Escalate to {who}.")
        text = " ".join(p for p in parts if p)
    out = {"remediation": str(text)} if text else {}
    if meta.get("runbook"):
        out["runbook_url"] = str(meta["runbook"])
    return out


def generate(entries: list[Entry], extra_labels: dict[str, str] | None = None) -> str:
    """The rule file for these SLO entries, as deterministic YAML text."""
    ordered = sorted(entries, key=lambda e: e.name)
    groups = [g for e in ordered for g in slo_rules(e).groups(extra_labels)]
    seen: dict[str, Entry] = {}
    for entry in ordered:
        first = seen.setdefault(entry.name, entry)
        if first is not entry:
            # Two groups of one name: Prometheus refuses the whole rule file.
            raise entry.error(
                (),
                f"SLO {entry.name} is also defined at {first.where()}; "
                "its rule groups would have the same names",
                hint="keep one definition of each SLO (service and name) across the spec files",
            )
    head = (
        "# Generated by `burnin rules` from the SLO specs: do not edit, change the specs.\n"
        "# Recording rules: the error ratio per window; alerts: multi-window burn rates.\n"
    )
    return head + yaml.dump({"groups": groups}, Dumper=_Dumper, sort_keys=False, width=1000)


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line expressions, so the file reads like a hand-written one."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def check_entry(entry: Entry) -> SpecError | None:
    """The SpecError an SLO's ``alerting`` block would raise, for collection-time checks."""
    try:
        slo_rules(entry)
    except SpecError as exc:
        return exc
    return None


def sloth_slo_rules(entry: Entry, slo: SlothSLO) -> SLORules:
    """A Sloth SLO as the rule generator's model: Sloth's window pairs as the tiers the
    behaviour checks prove (``page-1h`` ... ``ticket-3d``), Sloth's groups as its rules."""
    budget = sloth_rules.error_budget(slo)
    out = SLORules(
        slo=entry.name,
        labels={},
        indicator="ratio",
        objective=("at_most", budget),
        window=sloth_rules.PERIOD,
        window_ms=sloth_rules.seconds(sloth_rules.PERIOD) * 1000,
        budget=budget,
        for_="0s",  # Sloth's alerts have no `for`
        num_is_bad=True,
        sloth=slo,
    )
    if slo.raw_query:
        out.num_query, out.total_query = slo.query("raw_query", "{{window}}"), ""
    else:
        out.num_query = slo.query("error_query", "{{window}}")
        out.total_query = slo.query("total_query", "{{window}}")
    enabled = {s for s, _ in sloth_rules.alerts_enabled(slo)}
    out.tiers = [
        Tier(w.severity, w.long, w.short, w.factor, "0s")
        for w in sloth_rules.WINDOWS
        if w.severity in enabled
    ]
    if not enabled:
        out.notes.append("no alerts: Sloth's alerting disables both the page and the ticket alert")
    return out
