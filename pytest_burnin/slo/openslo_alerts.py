"""OpenSLO v1 ``alertPolicies`` as the native ``alerting`` block: the alerts ``burnin rules`` writes.

Pure core. An OpenSLO burn-rate condition (``kind: burnrate``, ``op``,
``threshold``, ``lookbackWindow``, ``alertAfter``) fires when the error budget
burns faster than ``threshold`` over ``lookbackWindow`` for ``alertAfter``. It
becomes one alert tier whose long and short windows are both the lookback
window (OpenSLO states one window, so no second, shorter one is invented),
with ``factor: threshold`` and ``for: alertAfter``. The condition's severity
picks the tier: page-like severities page, the others open a ticket; an SLO
with alert policies gets exactly their alerts, no defaults.

Policies and conditions may be inline or referenced by name (in the file or
a YAML file beside it). Fields that would change what fires and that we do not
generate are refused: ``alertWhenNoData: true`` (an absent-data alert),
``alertWhenBreaching: false``, another condition kind or ``op``.
``notificationTargets`` and ``alertWhenResolved`` are routing, which is the
Alertmanager configuration's part; they are accepted and do not change rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..spec.loader import Document, Path_
from .translate import Reader

PAGE_SEVERITIES = frozenset({"page", "critical", "high", "urgent"})
TICKET_SEVERITIES = frozenset({"ticket", "warning", "medium", "low", "info"})
Finder = Callable[[Document, str, str], "Document | None"]


def alerting_from_policies(r: Reader, find: Finder) -> dict[str, Any] | None:
    """The native ``alerting`` block of an OpenSLO SLO's ``alertPolicies``; None without any."""
    policies = r.get(("spec",), "alertPolicies", list)
    if not policies:
        return None
    tiers: dict[str, list[dict[str, Any]]] = {"page": [], "ticket": []}
    for i, item in enumerate(policies):
        path: Path_ = ("spec", "alertPolicies", i)
        pr, ppath = _resolve(r, path, item, "AlertPolicy", "alertPolicyRef", find)
        _policy(pr, ppath, tiers, find)
    return {"page": tiers["page"], "ticket": tiers["ticket"]}


def _resolve(
    r: Reader, path: Path_, item: Any, kind: str, ref_key: str, find: Finder
) -> tuple[Reader, Path_]:
    """An inline ``kind`` document, or the one a name or ``{ref_key: name}`` refers to."""
    name: str | None = None
    if isinstance(item, str):
        name = item
    elif isinstance(item, dict) and ref_key in item:
        r.only(path, {ref_key})
        name = r.get(path, ref_key, str, required=True)
    elif isinstance(item, dict):
        r.only(path, {"kind", "metadata", "spec", "apiVersion"})
        found_kind = r.get(path, "kind", str, required=True)
        if found_kind != kind:
            raise r.unsupported((*path, "kind"), f"an inline {found_kind!r}", kind)
        return r, (*path, "spec")
    else:
        raise r.doc.error(path, f"OpenSLO {kind} entry must be a name or a mapping, got {item!r}")
    doc = find(r.doc, kind, name)
    if doc is None:
        raise r.doc.error(
            path,
            f"{kind} {name!r}: no OpenSLO {kind} of that name",
            hint="define it in this file or a YAML file beside it",
        )
    return Reader(doc, "OpenSLO"), ("spec",)


def _policy(r: Reader, path: Path_, tiers: dict[str, list[dict[str, Any]]], find: Finder) -> None:
    r.only(
        path,
        {
            "description",
            "alertWhenNoData",
            "alertWhenResolved",
            "alertWhenBreaching",
            "conditions",
            "notificationTargets",
        },
    )
    if r.get(path, "alertWhenNoData", bool):
        raise r.unsupported(
            (*path, "alertWhenNoData"),
            "alertWhenNoData: true (an alert on absent data)",
            "alertWhenNoData: false; write an absent() alert rule beside the SLO",
        )
    if r.get(path, "alertWhenBreaching", bool) is False:
        raise r.unsupported(
            (*path, "alertWhenBreaching"),
            "alertWhenBreaching: false (burn-rate conditions alert on breaches)",
            "alertWhenBreaching: true",
        )
    conditions = r.get(path, "conditions", list, required=True)
    for j, item in enumerate(conditions):
        cpath: Path_ = (*path, "conditions", j)
        cr, spec = _resolve(r, cpath, item, "AlertCondition", "conditionRef", find)
        severity, tier = _condition(cr, spec)
        tiers[severity].append(tier)


def _condition(r: Reader, path: Path_) -> tuple[str, dict[str, Any]]:
    r.only(path, {"description", "severity", "condition"})
    severity = r.get(path, "severity", str, required=True)
    if severity.lower() in PAGE_SEVERITIES:
        bucket = "page"
    elif severity.lower() in TICKET_SEVERITIES:
        bucket = "ticket"
    else:
        raise r.unsupported(
            (*path, "severity"),
            f"severity {severity!r}",
            f"page: {', '.join(sorted(PAGE_SEVERITIES))}; "
            f"ticket: {', '.join(sorted(TICKET_SEVERITIES))}",
        )
    cond = (*path, "condition")
    r.only(cond, {"kind", "op", "threshold", "lookbackWindow", "alertAfter"})
    kind = r.get(cond, "kind", str, required=True)
    if kind.lower() != "burnrate":
        raise r.unsupported((*cond, "kind"), f"condition kind {kind!r}", "burnrate")
    op = r.get(cond, "op", str, required=True)
    if op not in ("gt", "gte"):
        raise r.unsupported(
            (*cond, "op"), f"op {op!r}", "gt, gte (a burn-rate alert fires above its threshold)"
        )
    threshold = r.get(cond, "threshold", (int, float), required=True)
    if threshold <= 0:
        raise r.doc.error((*cond, "threshold"), f"threshold must be above 0, got {threshold}")
    lookback = r.get(cond, "lookbackWindow", str, required=True)
    tier: dict[str, Any] = {"long": lookback, "short": lookback, "factor": float(threshold)}
    after = r.get(cond, "alertAfter", str)
    if after is not None:
        tier["for"] = after
    return bucket, tier
