"""A checklist item as a typed value, and the evidence a check returns.

Items are named ``Checklist:<checklist>/<item>``: the slash keeps the
checklist visible in ``-k`` selections and in JUnit, and cannot occur in a
``metadata.name``, so the name is unambiguous.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..spec.model import Entry

KIND = "Checklist"
BUILTIN_TYPES = ("file", "link", "command", "backup", "setting", "gate", "burnin", "docs")


@dataclass
class Evidence:
    """What an evidence check found. ``summary`` completes the headline after
    ``Checklist <checklist>/<item>: ``; ``properties`` become JUnit properties."""

    passed: bool
    summary: str
    details: list[str] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ChecklistOptions:
    """Checklist-wide settings (``spec`` of the Checklist document)."""

    name: str
    title: str
    spec_file: Path
    base: Path  # item paths are relative to it
    signoffs_file: Path
    ga_file: Path
    distinct_signers: bool
    signed_signoffs: bool = False  # the commit adding a sign-off must carry the signer's signature


@dataclass
class ChecklistItem:
    """One item: ``check`` (evidence) or ``role`` (sign-off); ``raw`` is its YAML mapping."""

    options: ChecklistOptions
    name: str
    index: int
    title: str
    when: str  # "always" or "release"
    check: dict[str, Any] | None
    role: str | None
    raw: dict[str, Any]
    entry: Entry | None = field(default=None, repr=False)
    # Every item of the same checklist, this one included: a sign-off is judged
    # against its siblings (distinct signers, which files are release records).
    siblings: list[ChecklistItem] = field(default_factory=list, repr=False)

    @property
    def qualified(self) -> str:
        return f"{self.options.name}/{self.name}"

    @property
    def label(self) -> str:
        return f"{KIND}:{self.qualified}"

    @property
    def check_type(self) -> str:
        return str(self.check.get("type", "")) if self.check else "signoff"

    @property
    def content_hash(self) -> str:
        """sha256 of the item's YAML content as canonical JSON: a sign-off is bound to it."""
        return content_hash(self.raw)

    def path(self, value: str) -> Path:
        p = Path(value)
        return p if p.is_absolute() else self.options.base / p

    def where(self, *keys: str | int) -> str:
        if self.entry is not None:
            return self.entry.where(*keys)
        return str(self.options.spec_file)


def content_hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def options_from(name: str, spec: dict[str, Any], spec_file: Path) -> ChecklistOptions:
    folder = spec_file.parent
    return ChecklistOptions(
        name=name,
        title=str(spec.get("title") or name),
        spec_file=spec_file,
        base=(folder / str(spec.get("base", "."))).resolve(),
        signoffs_file=folder / str(spec.get("signoffs", "signoffs.yaml")),
        ga_file=folder / str(spec.get("ga", "ga.yaml")),
        distinct_signers=bool(spec.get("distinct_signers", False)),
        signed_signoffs=bool(spec.get("signed_signoffs", False)),
    )


def items_from(options: ChecklistOptions, spec: dict[str, Any]) -> list[ChecklistItem]:
    out = []
    for i, raw in enumerate(spec.get("items", []) or []):
        signoff = raw.get("signoff")
        out.append(
            ChecklistItem(
                options=options,
                name=str(raw["name"]),
                index=i,
                title=str(raw.get("title") or raw["name"]),
                when=str(raw.get("when", "release" if signoff else "always")),
                check=raw.get("check"),
                role=str(signoff["role"]) if isinstance(signoff, dict) else None,
                raw=raw,
            )
        )
    for item in out:
        item.siblings = out
    return out


def load_checklists(paths: list[Path]) -> list[tuple[ChecklistOptions, list[ChecklistItem]]]:
    """Every Checklist document of these spec files (schema-checked), without pytest."""
    from ..spec.model import document_kind, load_spec_file
    from ..spec.schema import validate

    out = []
    for path in paths:
        for doc in load_spec_file(path):
            if not isinstance(doc.data, dict) or doc.data.get("kind") != KIND:
                continue
            document_kind(doc)
            validate(doc, "checklist.schema.yaml")
            options = options_from(doc.data["metadata"]["name"], doc.data["spec"], path.resolve())
            out.append((options, items_from(options, doc.data["spec"])))
    return out


def spec_files(paths: list[str]) -> list[Path]:
    """The spec files holding checklists: under ``paths``, or the project's ``burnin_specs``."""
    from ..project import project_for_command

    files = project_for_command(paths, announce=False).spec_files()
    return [f for f in files if _has_checklist(f)]


# A cheap look before parsing: the CLI scans every YAML file under slo_specs/.
_KIND_LINE = re.compile(rf"^kind:\s*[\"']?{KIND}\b", re.MULTILINE)


def _has_checklist(path: Path) -> bool:
    try:
        return _KIND_LINE.search(path.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False
