"""Typed spec entries: what the loader found, before any evaluation."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SpecError, display_path
from .loader import Document, Path_, load_documents

API_VERSION = "burnin/v1"


@dataclass
class Entry:
    """One ``apiVersion: burnin/v1`` document: becomes one pytest item."""

    kind: str
    name: str
    doc: Document
    # Where in the document the entry lives: () for a burnin/v1 document, or
    # e.g. ("groups", 0, "rules", 2) for one rule of a Prometheus rule file.
    anchor: Path_ = ()
    label: str | None = None  # the pytest item name, when not "<kind>:<name>"
    payload: Any = None  # what the kind's loader made of it (a rule, a test group)
    # Alert names this entry's test makes fire: the rule lint counts it as a test of them.
    exercises: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return self.doc.path

    @property
    def line(self) -> int:
        return self.doc.where(self.anchor)[0] if self.anchor else self.doc.line

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.doc.data.get("metadata", {})
        return meta if isinstance(meta, dict) else {}

    @property
    def spec(self) -> dict[str, Any]:
        node: Any = self.doc.data
        for key in self.anchor or ("spec",):
            if isinstance(node, dict):
                node = node.get(key, {})
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                node = node[key]
            else:
                node = {}
        return node if isinstance(node, dict) else {}

    @property
    def item_name(self) -> str:
        return self.label or f"{self.kind}:{self.name}"

    def _spec_path(self, path: tuple[str | int, ...]) -> Path_:
        return (*self.anchor, *path) if self.anchor else ("spec", *path)

    def where(self, *path: str | int) -> str:
        line, _ = self.doc.where(self._spec_path(path))
        return f"{display_path(self.path)}:{line}"

    def error(self, path: Path_, message: str, hint: str | None = None) -> SpecError:
        return self.doc.error(self._spec_path(tuple(path)), message, hint)

    def duration_ms(self, text: object, *path: str | int) -> int:
        """A Prometheus duration from this entry's spec; a SpecError naming ``path``'s line."""
        from ..promql.lexer import parse_duration

        try:
            return parse_duration(str(text))
        except ValueError as exc:
            raise self.error(path, f"invalid duration {text!r}: {exc}") from None


def document_kind(doc: Document) -> str:
    """What a YAML document is: a burnin kind, or a Prometheus file format.

    Returns the burnin kind name, ``"PrometheusRules"`` for a rule file
    (``groups:``) or ``"PromtoolTest"`` for a ``promtool test rules`` file.
    """
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "a spec document must be a mapping with apiVersion and kind")
    if "apiVersion" not in data:
        if "version" in data and "slos" in data:
            return "Sloth"  # a Sloth SLO file, read as it is (slo/sloth.py)
        if "tests" in data and ("rule_files" in data or _promtool_groups(data["tests"])):
            return "PromtoolTest"  # rule_files is optional: tests may query input_series only
        if "groups" in data:
            return "PrometheusRules"
        raise doc.error(
            (),
            "document has no apiVersion",
            hint=f"start each document with 'apiVersion: {API_VERSION}' and a 'kind:'",
        )
    api = data["apiVersion"]
    if str(api).startswith("monitoring.coreos.com/") and data.get("kind") == "PrometheusRule":
        return "PrometheusRules"  # the Prometheus Operator's rule object (rules/rulefile.py)
    if api == "openslo/v1":
        return "OpenSLO"  # every OpenSLO v1 document, read as it is (slo/openslo.py)
    if api in ("sloth.slok.dev/v1", "openslo/v1alpha"):
        return "Sloth"  # Sloth's Kubernetes form and OpenSLO v1alpha (slo/sloth_spec.py)
    if api != API_VERSION:
        raise doc.error(
            ("apiVersion",),
            f"unsupported apiVersion {api!r}",
            hint=f"this version reads '{API_VERSION}'",
        )
    kind = data.get("kind")
    if kind is None:
        raise doc.error((), "document has no kind", hint="add e.g. 'kind: SLO'")
    if not isinstance(kind, str):
        raise doc.error(("kind",), f"kind must be a string, got {kind!r}")
    return kind


def _promtool_groups(tests: object) -> bool:
    """A list of promtool test groups (each a mapping with input_series or a test list)."""
    keys = {"input_series", "promql_expr_test", "alert_rule_test"}
    return (
        isinstance(tests, list)
        and bool(tests)
        and all(isinstance(t, dict) and keys & t.keys() for t in tests)
    )


def unknown_kind(doc: Document, kind: str, known: list[str]) -> SpecError:
    lowered = {k.lower(): k for k in known}
    close = [lowered[c] for c in difflib.get_close_matches(kind.lower(), list(lowered), n=1)]
    hint = f"did you mean {close[0]!r}?" if close else f"known kinds: {', '.join(sorted(known))}"
    return doc.error(("kind",), f"unknown kind {kind!r}", hint=hint)


def load_spec_file(path: Path) -> list[Document]:
    docs = load_documents(path)
    if not docs:
        raise SpecError(
            path,
            "spec file is empty: no YAML document found",
            line=1,
            hint=f"add a document with 'apiVersion: {API_VERSION}' and a 'kind:', or delete the file",
        )
    return docs
