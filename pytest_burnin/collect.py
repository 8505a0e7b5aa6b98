"""From a spec file to (entry, handler) pairs: loading, kind dispatch, validation.

Pure core (no pytest): the ``burnin validate`` command uses it as the plugin does.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SpecError
from .spec.loader import Document
from .spec.model import Entry, document_kind, load_spec_file, unknown_kind
from .spec.schema import validate

if TYPE_CHECKING:
    from .context import RunContext
    from .kinds import KindHandler


def entry_from_document(doc: Document, kind: str, handler: KindHandler) -> Entry:
    if handler.schema is not None:
        validate(doc, handler.schema)
    meta = doc.data.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(name, str) or not name:
        raise doc.error(
            ("metadata",), "metadata.name is required", hint="name the entry: metadata: {name: ...}"
        )
    return Entry(kind, name, doc)


def collect_documents(
    path: Path, kinds: Mapping[str, KindHandler], ctx: RunContext | None = None
) -> list[tuple[Entry, KindHandler]]:
    """Every entry of a spec file with its handler; SpecError on the first problem."""
    out: list[tuple[Entry, KindHandler]] = []
    seen: dict[str, Entry] = {}
    for doc in load_spec_file(path):
        kind = document_kind(doc)
        handler = kinds.get(kind)
        if handler is None:
            raise unknown_kind(doc, kind, [k for k in kinds if not k.startswith("Prom")])
        expand = getattr(handler, "expand", None)
        entries = expand(doc) if expand is not None else [entry_from_document(doc, kind, handler)]
        for entry in entries:
            handler.check(entry)
            if entry.item_name in seen:
                first = seen[entry.item_name]
                raise SpecError(
                    path,
                    f"duplicate entry {entry.item_name!r} (first defined on line {first.line})",
                    line=entry.line,
                    col=1,
                    hint="give each entry of a kind its own metadata.name",
                    source_text=doc.text,
                )
            seen[entry.item_name] = entry
            out.append((entry, handler))
    if ctx is not None:
        for entry, _ in out:
            ctx.add_entry(entry)
    return out
