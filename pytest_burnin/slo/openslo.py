"""OpenSLO v1 files, read as they are: each ``kind: SLO`` becomes one native SLO entry.

The translation is done once, at collection, into the native spec (the entry's
payload, read through ``normalized_slo``). SLI, DataSource, Service,
AlertPolicy, AlertCondition and AlertNotificationTarget documents are accepted
(and checked for what we read of them) but make no item. Anything we would have
to ignore to evaluate the SLO is refused, naming the field and what we support:
an SLO gate must not silently judge something other than what was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SpecError
from ..spec.loader import Document, Path_
from ..spec.model import Entry, load_spec_file
from .kind import SLOKind
from .openslo_alerts import alerting_from_policies
from .translate import (
    NO_ITEM_KINDS,
    Reader,
    as_window,
    bound,
    complement,
    counter_query,
    native_document,
    threshold_share,
)

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from ..sources import MetricSource

_OPS = {"lt": "below", "lte": "at_most", "gt": "above", "gte": "at_least"}
_SYMBOLS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
_BUDGETING = {
    "Occurrences": "occurrences",
    "Timeslices": "timeslices",
    "RatioTimeslices": "ratio_timeslices",
}


class OpenSLOKind(SLOKind):
    """``apiVersion: openslo/v1`` documents: one ``SLO:<name>`` item per OpenSLO SLO."""

    kind = "OpenSLO"
    schema: str | None = None

    def __init__(self) -> None:
        self._files: dict[Path, list[Document]] = {}
        self._datasources: dict[tuple[str, str], dict[str, Any]] = {}
        self._sources: dict[tuple[str, str], MetricSource] = {}
        self._services: dict[tuple[str, str], str] = {}

    def expand(self, doc: Document) -> list[Entry]:
        r = Reader(doc, "OpenSLO")
        kind = r.get((), "kind", str, required=True)
        name = r.get(("metadata",), "name", str, required=True)
        if kind in NO_ITEM_KINDS:
            if kind == "DataSource":
                self._datasource_spec(doc)
            return []
        if kind != "SLO":
            raise doc.error(
                ("kind",),
                f"unsupported OpenSLO kind {kind!r}",
                hint=f"supported: SLO, {', '.join(sorted(NO_ITEM_KINDS))}",
            )
        natives, datasource = self._translate(doc, r)
        out = []
        for suffix, native in natives:
            # Several objectives: one entry each, named by the objective.
            entry_name = f"{name}/{suffix}" if suffix else name
            if datasource is not None:
                self._datasources[(str(doc.path), entry_name)] = datasource
            service = doc.data["spec"].get("service")
            if isinstance(service, str):
                self._services[(str(doc.path), entry_name)] = service
            meta = dict(doc.data["metadata"], name=entry_name)
            entry_doc = native_document(doc, (), native, meta)
            out.append(Entry("SLO", entry_name, entry_doc, payload=native))
        return out

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        props = [("input", "openslo")]
        service = self._services.get((str(entry.path), entry.name))
        if service is not None:
            props.append(("service", service))
        return props + super().static_properties(entry)

    def check_references(self, entry: Entry, project: Project) -> None:
        """A DataSource with a URL is its own source; one without names a Source (or the only one)."""
        ds = self._datasources.get((str(entry.path), entry.name))
        if ds is not None and ds["url"] is not None:
            return
        named = ds is not None and any(e.name == ds["name"] for e in project.entries("Source"))
        project.named("Source", ds["name"] if ds is not None and named else None, entry)

    def source_for(self, entry: Entry, spec: dict[str, Any], ctx: RunContext) -> MetricSource:
        ds = self._datasources.get((str(entry.path), entry.name))
        if ds is None or ds["url"] is None:
            # No URL: a burnin Source of the DataSource's name, else the run's default one.
            named = ds is not None and any(
                e.name == ds["name"] for e in ctx.project.entries("Source")
            )
            return ctx.source(ds["name"] if ds is not None and named else None, entry)
        key = (str(entry.path), ds["name"])
        if key not in self._sources:
            from ..errors import EvaluationError

            if ctx.make_source is None:
                raise EvaluationError("no metric source factory is configured")
            data = {
                "apiVersion": "burnin/v1",
                "kind": "Source",
                "metadata": {"name": ds["name"]},
                "spec": {"type": "prometheus", "url": ds["url"]},
            }
            synthetic = Document(entry.path, entry.doc.index, data, text=entry.doc.text)
            self._sources[key] = ctx.make_source(Entry("Source", ds["name"], synthetic), ctx)
        return self._sources[key]

    # -- translation -------------------------------------------------------

    def _translate(
        self, doc: Document, r: Reader
    ) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, Any] | None]:
        """One native spec per objective (with its name suffix, "" for a lone objective)."""
        r.only(
            ("spec",),
            {
                "description",
                "service",
                "indicator",
                "indicatorRef",
                "timeWindow",
                "budgetingMethod",
                "objectives",
                "alertPolicies",
            },
        )
        method = r.get(("spec",), "budgetingMethod", str, required=True)
        if method not in _BUDGETING:
            raise r.unsupported(
                ("spec", "budgetingMethod"), f"budgetingMethod {method!r}", ", ".join(_BUDGETING)
            )
        windows = r.get(("spec",), "timeWindow", list, required=True)
        if len(windows) != 1:
            raise r.unsupported(
                ("spec", "timeWindow"), f"{len(windows)} time windows", "exactly one"
            )
        window = self._window(r, ("spec", "timeWindow", 0))
        objectives = r.get(("spec",), "objectives", list, required=True)
        if not objectives:
            raise r.doc.error(("spec", "objectives"), "OpenSLO SLO has no objectives")
        sli_doc, sli_path = self._indicator(doc, r)
        sli = Reader(sli_doc, "OpenSLO") if sli_doc is not doc else r
        metric, ds = self._metric(sli, sli_path)
        alerting = alerting_from_policies(r, self._find)
        out: list[tuple[str, dict[str, Any]]] = []
        for i in range(len(objectives)):
            path = ("spec", "objectives", i)
            native = self._objective(r, path, metric, _BUDGETING[method])
            native["window"] = window
            if "description" in doc.data["spec"]:
                native["description"] = str(doc.data["spec"]["description"])
            if alerting is not None:
                native["alerting"] = alerting
            suffix = ""
            if len(objectives) > 1:
                shown = r.node(path).get("displayName") if isinstance(r.node(path), dict) else None
                suffix = _slug(str(shown)) if shown else str(i)
            out.append((suffix, native))
        suffixes = [s for s, _ in out]
        if len(set(suffixes)) != len(suffixes):
            raise r.doc.error(
                ("spec", "objectives"),
                "two objectives share a displayName, which names their items",
                hint="give each objective its own displayName",
            )
        return out, ds

    def _window(self, r: Reader, path: Path_) -> Any:
        r.only(path, {"duration", "isRolling", "calendar"})
        duration = r.get(path, "duration", str, required=True)
        rolling = r.get(path, "isRolling", bool)
        calendar = r.get(path, "calendar", dict)
        if calendar is None and rolling is False:
            raise r.unsupported(
                path, "isRolling: false without calendar", "a rolling window or a calendar"
            )
        if calendar is None:
            return as_window(r, (*path, "duration"), duration, calendar=None)
        r.only((*path, "calendar"), {"startTime", "timeZone"})
        return as_window(r, (*path, "duration"), duration, calendar=calendar)

    def _indicator(self, doc: Document, r: Reader) -> tuple[Document, Path_]:
        spec = doc.data["spec"]
        if "indicator" in spec:
            r.only(("spec", "indicator"), {"metadata", "spec"})
            return doc, ("spec", "indicator", "spec")
        ref = r.get(("spec",), "indicatorRef", str)
        if ref is None:
            raise doc.error(("spec",), "OpenSLO SLO has neither indicator nor indicatorRef")
        found = self._find(doc, "SLI", ref)
        if found is not None:
            return found, ("spec",)
        raise doc.error(
            ("spec", "indicatorRef"),
            f"indicatorRef {ref!r}: no OpenSLO SLI of that name",
            hint="define it in this file or a YAML file beside it",
        )

    def _metric(self, r: Reader, path: Path_) -> tuple[dict[str, Any], dict[str, Any] | None]:
        r.only(path, {"ratioMetric", "thresholdMetric", "description"})
        spec = r.node(path)
        if "ratioMetric" in spec:
            p = (*path, "ratioMetric")
            r.only(p, {"counter", "good", "bad", "total"})
            counter = bool(r.get(p, "counter", bool))
            key = "good" if "good" in spec["ratioMetric"] else "bad"
            part, ds = self._query(r, (*p, key))
            total, _ = self._query(r, (*p, "total"))
            return {
                "ratio": {key: counter_query(part, counter), "total": counter_query(total, counter)}
            }, ds
        if "thresholdMetric" in spec:
            query, ds = self._query(r, (*path, "thresholdMetric"))
            return {"threshold": query}, ds
        raise r.unsupported(
            path, "an SLI without ratioMetric or thresholdMetric", "ratioMetric, thresholdMetric"
        )

    def _query(self, r: Reader, path: Path_) -> tuple[str, dict[str, Any] | None]:
        r.only(path, {"metricSource"})
        ms = (*path, "metricSource")
        r.only(ms, {"metricSourceRef", "type", "spec"})
        kind = r.get(ms, "type", str)
        if kind is not None and kind.lower() != "prometheus":
            raise r.unsupported((*ms, "type"), f"metricSource type {kind!r}", "Prometheus")
        r.only((*ms, "spec"), {"query", "queryType", "promql"})
        qtype = r.get((*ms, "spec"), "queryType", str)
        if qtype is not None and qtype.lower() != "promql":
            raise r.unsupported((*ms, "spec", "queryType"), f"queryType {qtype!r}", "promql")
        node = r.node((*ms, "spec"))
        field = "promql" if "promql" in node else "query"
        query = r.get((*ms, "spec"), field, str, required=True)
        ref = r.get(ms, "metricSourceRef", str)
        return query, (self._find_datasource(r.doc, ms, ref) if ref is not None else None)

    def _objective(
        self, r: Reader, path: Path_, metric: dict[str, Any], budgeting: str
    ) -> dict[str, Any]:
        r.only(
            path,
            {
                "displayName",
                "op",
                "value",
                "target",
                "targetPercent",
                "timeSliceTarget",
                "timeSliceWindow",
            },
        )
        node = r.node(path)
        if "targetPercent" in node:
            target = float(r.get(path, "targetPercent", (int, float))) / 100.0
        else:
            target = float(r.get(path, "target", (int, float), required=True))
        native: dict[str, Any] = {"budgeting": budgeting}
        if budgeting != "occurrences":
            native["timeslice_window"] = as_window(
                r,
                (*path, "timeSliceWindow"),
                r.get(path, "timeSliceWindow", str, required=True),
                None,
            )
        if "ratio" in metric:
            good = "good" in metric["ratio"]
            native["indicator"] = metric
            per_event = {"at_least": target} if good else {"at_most": complement(target)}
            if budgeting == "timeslices":
                tst = float(r.get(path, "timeSliceTarget", (int, float), required=True))
                native["timeslice_target"] = (
                    {"at_least": tst} if good else {"at_most": complement(tst)}
                )
                native["objective"] = {"at_least": target}
            else:
                native["objective"] = per_event
            return native
        op = r.get(path, "op", str, required=True)
        if op not in _OPS:
            raise r.unsupported((*path, "op"), f"op {op!r}", ", ".join(_OPS))
        value = float(r.get(path, "value", (int, float), required=True))
        if budgeting == "ratio_timeslices":
            raise r.unsupported(
                path, "RatioTimeslices with a thresholdMetric", "Occurrences or Timeslices"
            )
        if "timeSliceTarget" in node:
            raise r.unsupported(
                (*path, "timeSliceTarget"),
                "timeSliceTarget with a thresholdMetric",
                "op and value (a slice is good when its value meets them)",
            )
        query = metric["threshold"]
        if budgeting == "timeslices":
            native["indicator"] = {"threshold": {"query": threshold_share(query, None, value)}}
            native["timeslice_target"] = bound(_OPS[op], value)
        else:
            # Occurrences of a threshold: the share of 1-minute points that meet it.
            native["indicator"] = {
                "threshold": {"query": threshold_share(query, _SYMBOLS[op], value)}
            }
        native["objective"] = {"at_least": target}
        return native

    # -- references ----------------------------------------------------------

    def _find(self, doc: Document, kind: str, name: str) -> Document | None:
        """The OpenSLO document ``kind``/``name`` in this file or a YAML file beside it."""
        for other in self._siblings(doc):
            data = other.data
            meta = data.get("metadata") if isinstance(data, dict) else None
            if isinstance(meta, dict) and (
                data.get("apiVersion"),
                data.get("kind"),
                meta.get("name"),
            ) == ("openslo/v1", kind, name):
                return other
        return None

    def _siblings(self, doc: Document) -> list[Document]:
        out: list[Document] = []
        for path in [doc.path, *sorted(p for p in doc.path.parent.glob("*.y*ml") if p != doc.path)]:
            if path not in self._files:
                try:
                    self._files[path] = load_spec_file(path)
                except SpecError:
                    self._files[path] = []
            out.extend(self._files[path])
        return out

    def _find_datasource(self, doc: Document, path: Path_, ref: str) -> dict[str, Any]:
        found = self._find(doc, "DataSource", ref)
        if found is not None:
            return self._datasource_spec(found)
        raise doc.error(
            (*path, "metricSourceRef"),
            f"metricSourceRef {ref!r}: no OpenSLO DataSource of that name",
            hint="define it in this file or a YAML file beside it",
        )

    def _datasource_spec(self, doc: Document) -> dict[str, Any]:
        """A Prometheus DataSource: its name and URL (None: use a burnin Source instead)."""
        r = Reader(doc, "OpenSLO")
        r.only(("spec",), {"type", "connectionDetails", "description"})
        kind = r.get(("spec",), "type", str, required=True)
        if kind.lower() != "prometheus":
            raise r.unsupported(("spec", "type"), f"DataSource type {kind!r}", "Prometheus")
        details = r.get(("spec",), "connectionDetails", dict) or {}
        url = details.get("url")
        return {"name": str(doc.data["metadata"]["name"]), "url": None if url is None else str(url)}


def _slug(text: str) -> str:
    """An objective's displayName as part of an item name (``Fast enough`` -> ``fast-enough``)."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "objective"
