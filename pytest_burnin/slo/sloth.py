"""Sloth files, read as they are: each SLO becomes one native SLO entry, ``SLO:<service>/<name>``.

Three forms, all read by ``sloth_spec.py``: ``prometheus/v1``, the Kubernetes
``sloth.slok.dev/v1`` ``PrometheusServiceLevel`` and OpenSLO ``v1alpha`` (as
Sloth reads it). An SLO's identity is (service, name), as Sloth's ``sloth_id``
says, so two services of one file may share an SLO name. Sloth states the
objective in percent of good events and its queries measure ``{{.window}}``;
the verdict is over Sloth's 30-day period. The Sloth model rides along in the
payload (``payload["sloth"]``), so ``burnin rules`` writes the rules Sloth
writes (``sloth_rules.py``) and the alert behaviour items test those.
"""

from __future__ import annotations

import re
from typing import Any

from ..spec.loader import Document
from ..spec.model import Entry
from .kind import SLOKind
from .sloth_spec import PERIOD_DAYS, SlothSLO, read_openslo_alpha, read_sloth, sloth_of
from .translate import complement, native_document

DEFAULT_WINDOW = f"{PERIOD_DAYS}d"
_WINDOW = re.compile(r"\{\{\s*\.window\s*\}\}")


def _ours(query: str) -> str:
    return _WINDOW.sub("{{window}}", query)


class SlothKind(SLOKind):
    """A Sloth SLO file: one ``SLO:<service>/<name>`` item per SLO."""

    kind = "Sloth"
    schema: str | None = None

    def expand(self, doc: Document) -> list[Entry]:
        if doc.data.get("apiVersion") == "openslo/v1alpha":
            slos = read_openslo_alpha(doc)
        else:
            slos = read_sloth(doc)
        out = []
        for slo in slos:
            native = native_spec(slo)
            name = f"{slo.service}/{slo.name}"
            meta: dict[str, Any] = {"name": name}
            if "owner" in slo.labels:
                meta["owner"] = slo.labels["owner"]
            entry_doc = native_document(doc, slo.anchor, native, meta)
            out.append(Entry("SLO", name, entry_doc, anchor=slo.anchor, payload=native))
        return out

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        slo = sloth_of(entry)
        props = [("service", slo.service if slo else ""), ("input", "sloth")]
        return props + super().static_properties(entry)


def native_spec(slo: SlothSLO) -> dict[str, Any]:
    """The native spec judged by the SLO item, with the Sloth model kept for rule generation."""
    native: dict[str, Any] = {
        "window": DEFAULT_WINDOW,
        "objective": {"at_most": complement(slo.objective / 100.0)},
        "description": slo.description or f"Sloth SLO of service {slo.service}",
    }
    if slo.raw_query:
        native["indicator"] = {"threshold": {"query": _ours(slo.raw_query)}}
    else:
        native["indicator"] = {
            "ratio": {"bad": _ours(slo.error_query), "total": _ours(slo.total_query)}
        }
    native["sloth"] = slo
    return native
