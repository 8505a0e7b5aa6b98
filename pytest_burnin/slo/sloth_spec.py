"""Sloth's SLO inputs read into one model: ``prometheus/v1``, the Kubernetes
``sloth.slok.dev/v1`` ``PrometheusServiceLevel`` and OpenSLO ``v1alpha``.

Every field Sloth reads is read here, or refused with the reason, at the
field's file:line:col: a gate that silently drops ``alerting:`` would deploy
alerts that no longer match the team's Alertmanager routes. An SLO's identity
is (service, name), as Sloth's ``sloth_id`` label says, so two services in one
file may both have an SLO called ``requests-availability``.

Sloth plugins are Go code we do not run. The ones whose effect is known and
small are honoured (``core/debug`` logs only, ``contrib/info_labels`` adds info
labels, ``contrib/rule_intervals`` sets the group interval); any other plugin
is refused, naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..spec.loader import Document, Path_
from .translate import Reader

PERIOD_DAYS = 30  # Sloth's default SLO period; only its default alert windows are known here
DEBUG_PLUGIN = "sloth.dev/core/debug/v1"
INFO_LABELS_PLUGIN = "sloth.dev/contrib/info_labels/v1"
RULE_INTERVALS_PLUGIN = "sloth.dev/contrib/rule_intervals/v1"
# Sloth's own generators: naming them in a chain asks for what Sloth does anyway.
CORE_PLUGINS = (
    "sloth.dev/core/sli_rules/v1",
    "sloth.dev/core/metadata_rules/v1",
    "sloth.dev/core/alert_rules/v1",
)
KNOWN_PLUGINS = (DEBUG_PLUGIN, INFO_LABELS_PLUGIN, RULE_INTERVALS_PLUGIN, *CORE_PLUGINS)
VICTORIA_PLUGIN = "sloth.dev/contrib/validate_victoria_metrics/v1"
_WINDOW_VAR = re.compile(r"\{\{\s*\.window\s*\}\}")


@dataclass
class SlothAlert:
    """One of Sloth's two alerts (page or ticket) of an SLO."""

    enabled: bool = True
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass
class SlothSLO:
    """One SLO as Sloth generates rules from it."""

    service: str
    name: str
    objective: float  # percent of good events, (0, 100]
    spec_version: str  # prometheus/v1 | sloth.slok.dev/v1 | openslo/v1alpha
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # service labels + SLO labels
    error_query: str = ""  # events SLIs: bad events, with {{.window}}
    total_query: str = ""
    raw_query: str = ""  # raw SLIs: the error ratio, with {{.window}}
    alert_name: str = ""
    alert_labels: dict[str, str] = field(default_factory=dict)
    alert_annotations: dict[str, str] = field(default_factory=dict)
    page: SlothAlert = field(default_factory=SlothAlert)
    ticket: SlothAlert = field(default_factory=SlothAlert)
    info_labels: dict[str, str] = field(default_factory=dict)
    interval: str | None = None
    anchor: Path_ = ()

    @property
    def sloth_id(self) -> str:
        return f"{self.service}-{self.name}"

    def query(self, which: str, window: str) -> str:
        return _WINDOW_VAR.sub(window, getattr(self, which))


def sloth_of(entry: Any) -> SlothSLO | None:
    """The Sloth model of an SLO entry read from a Sloth file, else None."""
    payload = getattr(entry, "payload", None)
    found = payload.get("sloth") if isinstance(payload, dict) else None
    return found if isinstance(found, SlothSLO) else None


def _labels(r: Reader, path: Path_, key: str) -> dict[str, str]:
    node = r.get(path, key, dict)
    out: dict[str, str] = {}
    for k, v in (node or {}).items():
        if isinstance(v, bool):
            v = str(v).lower()  # as Sloth's YAML decoder writes a boolean into a string map
        if not isinstance(v, (str, int, float)):
            raise r.doc.error((*path, key, k), f"Sloth {key}.{k} must be a string, got {v!r}")
        out[str(k)] = str(v)
    return out


class _Names:
    """The field names of one input form (snake_case in prometheus/v1, camelCase in Kubernetes)."""

    def __init__(self, k8s: bool) -> None:
        self.k8s = k8s

    def __call__(self, snake: str) -> str:
        if not self.k8s:
            return snake
        head, *rest = snake.split("_")
        return head + "".join(p.capitalize() for p in rest)


def read_sloth(doc: Document) -> list[SlothSLO]:
    """Every SLO of a Sloth ``prometheus/v1`` or ``sloth.slok.dev/v1`` document."""
    k8s = doc.data.get("apiVersion") == "sloth.slok.dev/v1"
    n = _Names(k8s)
    r = Reader(doc, "Sloth")
    if k8s:
        r.only((), {"apiVersion", "kind", "metadata"} | {"spec"})
        kind = r.get((), "kind", str, required=True)
        if kind != "PrometheusServiceLevel":
            raise r.unsupported(("kind",), f"kind {kind!r}", "PrometheusServiceLevel")
        root: Path_ = ("spec",)
        r.only(root, {"service", "labels", "slos", "sloPlugins"})
        spec_version = "sloth.slok.dev/v1"
    else:
        root = ()
        r.only(root, {"version", "service", "labels", "slos", "slo_plugins"})
        version = r.get(root, "version", str, required=True)
        if version != "prometheus/v1":
            raise r.unsupported(("version",), f"Sloth spec version {version!r}", "prometheus/v1")
        spec_version = "prometheus/v1"
    service = r.get(root, "service", str, required=True)
    if not service:
        raise r.doc.error((*root, "service"), "Sloth service must not be empty")
    service_labels = _labels(r, root, "labels")
    file_plugins = _plugins(r, root, n("slo_plugins"))
    slos = r.get(root, "slos", list, required=True)
    out = []
    for i in range(len(slos)):
        path = (*root, "slos", i)
        slo = _slo(r, path, n, service, spec_version)
        slo.labels = {**service_labels, **slo.labels}
        for plugin_path, plugin_id, config in [*file_plugins, *_plugins(r, path, "plugins")]:
            _apply_plugin(r, plugin_path, plugin_id, config, slo)
        out.append(slo)
    return out


def _slo(r: Reader, path: Path_, n: _Names, service: str, spec_version: str) -> SlothSLO:
    r.only(path, {"name", "objective", "description", "labels", "sli", "alerting", "plugins"})
    name = r.get(path, "name", str, required=True)
    if not name:
        raise r.doc.error((*path, "name"), "Sloth SLO name must not be empty")
    objective = float(r.get(path, "objective", (int, float), required=True))
    if not 0 < objective <= 100:
        raise r.doc.error(
            (*path, "objective"),
            f"Sloth objective must be a percentage in (0, 100], got {objective}",
        )
    slo = SlothSLO(service, name, objective, spec_version, anchor=path)
    slo.description = str(r.get(path, "description", str) or "")
    slo.labels = _labels(r, path, "labels")
    sli = (*path, "sli")
    r.get(path, "sli", dict, required=True)
    node = r.node(sli)
    if "plugin" in node:
        raise r.doc.error(
            (*sli, "plugin"),
            f"unsupported Sloth field {_dotted_slo(path)}.sli.plugin: an SLI plugin's query "
            "lives in the plugin's Go code, which pytest-burnin does not run",
            hint="write the plugin's queries as sli.events (error_query, total_query) or sli.raw",
        )
    r.only(sli, {"events", "raw"})
    if "events" in node:
        events = (*sli, "events")
        r.only(events, {n("error_query"), n("total_query")})
        slo.error_query = r.get(events, n("error_query"), str, required=True)
        slo.total_query = r.get(events, n("total_query"), str, required=True)
    elif "raw" in node:
        raw = (*sli, "raw")
        r.only(raw, {n("error_ratio_query")})
        slo.raw_query = r.get(raw, n("error_ratio_query"), str, required=True)
    else:
        raise r.unsupported(sli, "an SLI without events or raw", "sli.events, sli.raw")
    _alerting(r, (*path, "alerting"), n, slo)
    return slo


def _dotted_slo(path: Path_) -> str:
    return f"slos[{path[-1]}]"


def _alerting(r: Reader, path: Path_, n: _Names, slo: SlothSLO) -> None:
    parent = r.node(path[:-1])
    if "alerting" not in parent:
        slo.page.enabled = slo.ticket.enabled = False  # Sloth generates no alert without it
        return
    for camel in ("pageAlert", "ticketAlert"):
        if not n.k8s and camel in r.node(path):
            snake = "page_alert" if camel == "pageAlert" else "ticket_alert"
            raise r.doc.error(
                (*path, camel),
                f"unsupported Sloth field alerting.{camel}: prometheus/v1 reads {snake}; "
                f"Sloth ignores {camel}, so what it holds would never reach the alert",
                hint=f"rename it to {snake} (camelCase is the Kubernetes form's spelling)",
            )
    r.only(path, {"name", "labels", "annotations", n("page_alert"), n("ticket_alert")})
    slo.alert_name = str(r.get(path, "name", str) or "")
    slo.alert_labels = _labels(r, path, "labels")
    slo.alert_annotations = _labels(r, path, "annotations")
    for key, alert in ((n("page_alert"), slo.page), (n("ticket_alert"), slo.ticket)):
        if key not in r.node(path):
            continue
        sub = (*path, key)
        r.only(sub, {"disable", "labels", "annotations"})
        alert.enabled = not r.get(sub, "disable", bool)
        alert.labels = _labels(r, sub, "labels")
        alert.annotations = _labels(r, sub, "annotations")
    if (slo.page.enabled or slo.ticket.enabled) and not slo.alert_name:
        raise r.doc.error(
            path,
            "Sloth alerting has no name, which its alerts need",
            hint="add alerting.name, or disable both alerts (page_alert.disable: true)",
        )


def _plugins(r: Reader, path: Path_, key: str) -> list[tuple[Path_, str, dict[str, Any]]]:
    if key not in r.node(path):
        return []
    ppath = (*path, key)
    r.only(ppath, {"chain", "overridePrevious"})
    chain = r.get(ppath, "chain", list) or []
    ids = [c.get("id") if isinstance(c, dict) else None for c in chain]
    if r.get(ppath, "overridePrevious", bool) and not all(p in ids for p in CORE_PLUGINS):
        raise r.unsupported(
            (*ppath, "overridePrevious"),
            "a plugin chain that replaces Sloth's own rule generators",
            "overridePrevious with all of " + ", ".join(CORE_PLUGINS),
        )
    out = []
    for i in range(len(chain)):
        item = (*ppath, "chain", i)
        r.only(item, {"id", "priority", "config"})
        plugin_id = r.get(item, "id", str, required=True)
        if plugin_id == VICTORIA_PLUGIN:
            raise r.doc.error(
                (*item, "id"),
                "unsupported Sloth plugin: validate_victoria_metrics marks the SLO's queries as "
                "VictoriaMetrics MetricsQL, which is not PromQL and which this engine does not run",
                hint="write the SLI in PromQL, or check these rules with VictoriaMetrics' vmalert",
            )
        if plugin_id not in KNOWN_PLUGINS:
            raise r.unsupported(
                (*item, "id"),
                f"SLO plugin {plugin_id!r}: its effect on the rules is Go code we do not run",
                ", ".join(KNOWN_PLUGINS),
            )
        out.append((item, plugin_id, r.get(item, "config", dict) or {}))
    return out


def _apply_plugin(
    r: Reader, path: Path_, plugin_id: str, config: dict[str, Any], slo: SlothSLO
) -> None:
    if plugin_id == INFO_LABELS_PLUGIN:
        r.only((*path, "config"), {"labels"})
        slo.info_labels.update(_labels(r, (*path, "config"), "labels"))
    elif plugin_id == RULE_INTERVALS_PLUGIN:
        r.only((*path, "config"), {"interval"})
        r.only((*path, "config", "interval"), {"default"})
        slo.interval = str(r.get((*path, "config", "interval"), "default", str, required=True))


def read_openslo_alpha(doc: Document) -> list[SlothSLO]:
    """An OpenSLO ``v1alpha`` SLO as Sloth reads it: one SLO per objective, ``<name>-<i>``."""
    r = Reader(doc, "OpenSLO v1alpha")
    r.only((), {"apiVersion", "kind", "metadata", "spec"})
    kind = r.get((), "kind", str, required=True)
    if kind != "SLO":
        raise r.unsupported(("kind",), f"kind {kind!r}", "SLO (Sloth reads no other v1alpha kind)")
    r.only(("metadata",), {"name", "displayName"})
    name = r.get(("metadata",), "name", str, required=True)
    spec: Path_ = ("spec",)
    r.only(spec, {"service", "description", "budgetingMethod", "objectives", "timeWindows"})
    service = r.get(spec, "service", str, required=True)
    method = r.get(spec, "budgetingMethod", str, required=True)
    if method != "Occurrences":
        raise r.unsupported(
            (*spec, "budgetingMethod"), f"budgetingMethod {method!r}", "Occurrences"
        )
    _openslo_window(r, spec)
    objectives = r.get(spec, "objectives", list, required=True)
    out = []
    for i in range(len(objectives)):
        path = (*spec, "objectives", i)
        r.only(path, {"ratioMetrics", "target", "displayName", "value"})
        target = float(r.get(path, "target", (int, float), required=True))
        if not 0 < target <= 1:
            raise r.doc.error((*path, "target"), f"target must be a ratio in (0, 1], got {target}")
        metrics = (*path, "ratioMetrics")
        r.only(metrics, {"good", "total", "counter"})
        good, total = _alpha_query(r, (*metrics, "good")), _alpha_query(r, (*metrics, "total"))
        slo = SlothSLO(service, f"{name}-{i}", target * 100, "openslo/v1alpha", anchor=path)
        slo.description = str(r.get(spec, "description", str) or "")
        slo.raw_query = f"1 - (\n  (\n    {good}\n  )\n  /\n  (\n    {total}\n  )\n)\n"
        slo.page.enabled = slo.ticket.enabled = False  # v1alpha has no alerting Sloth reads
        out.append(slo)
    return out


def _openslo_window(r: Reader, spec: Path_) -> None:
    windows = r.get(spec, "timeWindows", list, required=True)
    if len(windows) != 1:
        raise r.unsupported((*spec, "timeWindows"), f"{len(windows)} time windows", "exactly one")
    w = (*spec, "timeWindows", 0)
    r.only(w, {"count", "unit", "isRolling"})
    count, unit = r.get(w, "count", int, required=True), r.get(w, "unit", str, required=True)
    if (count, unit) != (PERIOD_DAYS, "Day"):
        raise r.unsupported(w, f"a {count} {unit} window", f"{PERIOD_DAYS} Day (Sloth's default)")


def _alpha_query(r: Reader, path: Path_) -> str:
    r.only(path, {"source", "queryType", "query"})
    source = r.get(path, "source", str)
    if source is not None and source != "prometheus":
        raise r.unsupported((*path, "source"), f"source {source!r}", "prometheus")
    qtype = r.get(path, "queryType", str)
    if qtype is not None and qtype != "promql":
        raise r.unsupported((*path, "queryType"), f"queryType {qtype!r}", "promql")
    return str(r.get(path, "query", str, required=True))
