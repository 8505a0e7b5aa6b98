"""Sloth ``prometheus/v1`` files, read as they are: each of ``slos[]`` becomes one native SLO.

Sloth states the objective in percent of good events and its queries measure
``{{.window}}``; we judge the SLO over a 30-day rolling window (Sloth's own
default period). ``alerting`` is accepted: it configures generated alerts, not
the verdict. ``sli.plugin`` is refused: its query lives in Sloth's plugin code.
"""

from __future__ import annotations

import re
from typing import Any

from ..spec.loader import Document
from ..spec.model import Entry
from .kind import SLOKind
from .translate import Reader, complement, native_document

DEFAULT_WINDOW = "30d"
_WINDOW = re.compile(r"\{\{\s*\.window\s*\}\}")


def _ours(query: str) -> str:
    return _WINDOW.sub("{{window}}", query)


class SlothKind(SLOKind):
    """A Sloth SLO file: one ``SLO:<name>`` item per entry of ``slos``."""

    kind = "Sloth"
    schema: str | None = None

    def expand(self, doc: Document) -> list[Entry]:
        r = Reader(doc, "Sloth")
        r.only((), {"version", "service", "labels", "slos"})
        service = r.get((), "service", str, required=True)
        slos = r.get((), "slos", list, required=True)
        out = []
        for i in range(len(slos)):
            native = self._translate(r, i)
            name = r.get(("slos", i), "name", str, required=True)
            native["description"] = native.get("description") or f"Sloth SLO of service {service}"
            meta: dict[str, Any] = {"name": name}
            labels = doc.data.get("labels")
            if isinstance(labels, dict) and "owner" in labels:
                meta["owner"] = str(labels["owner"])
            entry_doc = native_document(doc, ("slos", i), native, meta)
            out.append(Entry("SLO", name, entry_doc, anchor=("slos", i), payload=native))
        return out

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        props = [("service", str(entry.doc.data.get("service"))), ("input", "sloth")]
        return props + super().static_properties(entry)

    def _translate(self, r: Reader, i: int) -> dict[str, Any]:
        path = ("slos", i)
        r.only(path, {"name", "objective", "description", "labels", "sli", "alerting"})
        objective = float(r.get(path, "objective", (int, float), required=True))
        if not 0 < objective <= 100:
            raise r.doc.error(
                (*path, "objective"),
                f"Sloth objective must be a percentage in (0, 100], got {objective}",
            )
        sli = (*path, "sli")
        r.get(path, "sli", dict, required=True)
        r.only(sli, {"events", "raw"})
        node = r.node(sli)
        native: dict[str, Any] = {"window": DEFAULT_WINDOW}
        allowed = {"at_most": complement(objective / 100.0)}
        if "events" in node:
            events = (*sli, "events")
            r.only(events, {"error_query", "total_query"})
            bad = _ours(r.get(events, "error_query", str, required=True))
            total = _ours(r.get(events, "total_query", str, required=True))
            native["indicator"] = {"ratio": {"bad": bad, "total": total}}
        elif "raw" in node:
            raw = (*sli, "raw")
            r.only(raw, {"error_ratio_query"})
            query = _ours(r.get(raw, "error_ratio_query", str, required=True))
            native["indicator"] = {"threshold": {"query": query}}
        else:
            raise r.unsupported(
                sli,
                "an SLI without events or raw",
                "sli.events (error_query, total_query), sli.raw (error_ratio_query)",
            )
        native["objective"] = allowed
        if "description" in r.node(path):
            native["description"] = str(r.node(path)["description"])
        return native
