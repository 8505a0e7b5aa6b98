"""Read YAML spec files safely, keeping the line and column of every node.

PyYAML's composer gives us nodes with marks; we build plain Python values from
them ourselves (instead of a constructor) so that we can:

- record where every value came from, keyed by its path (``("spec", "objective")``),
  which is how a JSON Schema error is turned back into ``file:line:col``;
- refuse duplicate keys (PyYAML silently keeps the last one);
- refuse alias bombs: expansion is counted and stopped early, so a
  "billion laughs" document fails in milliseconds instead of eating memory;
- never run arbitrary constructors (safe loading only: tags are not honoured).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError

MAX_SPEC_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000  # values built per file, counting every alias expansion
Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """One YAML document of a spec file, with the position of every value."""

    path: Path
    index: int  # 0-based position of the document in the file
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # 1-based
    text: str = ""
    # The source text of plain scalars YAML did not keep as strings: where a
    # spec field is text by nature (promtool's "0x60"), it is read from here.
    raw: dict[Path_, str] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return self.positions.get((), (1, 1))[0]

    def where(self, path: Path_) -> tuple[int, int]:
        """Line and column of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p and p not in self.positions:
            p = p[:-1]
        return self.positions.get(p, (self.line, 1))

    def error(self, path: Path_, message: str, hint: str | None = None) -> SpecError:
        line, col = self.where(path)
        return SpecError(self.path, message, line=line, col=col, hint=hint, source_text=self.text)


# Node kinds are told apart by their ``id`` ("scalar", "sequence", "mapping"),
# not isinstance: libyaml builds nodes from the classes of the yaml module it
# was first imported with, which need not be the module object we see.


class _Builder:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.count = 0
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.raw: dict[Path_, str] = {}

    def fail(self, node: yaml.Node, message: str, hint: str | None = None) -> SpecError:
        return SpecError(
            self.path,
            message,
            line=node.start_mark.line + 1,
            col=node.start_mark.column + 1,
            hint=hint,
            source_text=self.text,
        )

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            top = self.positions.get(path[:1], (node.start_mark.line + 1, 1))
            raise SpecError(
                self.path,
                f"document expands to more than {MAX_NODES:,} values (YAML alias bomb?)",
                line=top[0],
                col=top[1],
                hint="write the values out instead of nesting anchors and aliases",
                source_text=self.text,
            )
        if depth > 100:
            raise self.fail(node, "YAML nested more than 100 levels deep")
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if _kind(node) == "scalar":
            value = self.scalar(node)
            if not isinstance(value, str) and not getattr(node, "style", None):
                self.raw[path] = node.value
            return value
        if node.tag not in _COLLECTION_TAGS and not _kind(node) == "scalar":
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed in specs")
        if _kind(node) == "sequence":
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if _kind(node) == "mapping":
            return self.mapping(node, path, depth)
        raise self.fail(node, f"unsupported YAML node {type(node).__name__}")  # pragma: no cover

    def scalar(self, node: Any) -> Any:
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(
                node,
                f"YAML tag {node.tag!r} is not allowed in specs",
                hint="specs are plain data: remove the tag",
            )
        # Resolve plain scalars to bool/int/float/None with YAML 1.1 rules, as
        # SafeLoader would; quoted scalars are always strings.
        if node.tag == "tag:yaml.org,2002:str" or node.style in ("'", '"', "|", ">"):
            return node.value
        return _resolve_plain(node)

    def mapping(self, node: Any, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merges.append(value_node)  # applied below: keys written here win, as in YAML
                continue
            if _kind(key_node) != "scalar" or key_node.tag not in _STANDARD_TAGS:
                raise self.fail(key_node, "mapping keys must be plain strings")
            key = key_node.value
            if key in out:
                first = self.positions.get((*path, key), (0, 0))[0]
                raise self.fail(
                    key_node,
                    f"duplicate key {key!r} (first defined on line {first})",
                    hint="YAML keeps only one of them; remove or rename the other",
                )
            key_path: Path_ = (*path, key)
            self.positions[key_path] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = self.build(value_node, key_path, depth + 1)
        # Rule files use `<<: *defaults` (Prometheus reads them); merged values keep
        # their own positions under "<<" and are counted against the alias bomb limit.
        for merged in merges:
            for source in merged.value if _kind(merged) == "sequence" else [merged]:
                if _kind(source) != "mapping":
                    raise self.fail(source, "a merge key (<<) takes a mapping or a list of them")
                for key, value in self.mapping(source, (*path, "<<"), depth + 1).items():
                    out.setdefault(key, value)
        return out


_PLAIN_LOADER = yaml.SafeLoader("")
# libyaml composes ten times faster than the pure-Python scanner; both give
# the same nodes and marks, so use it where PyYAML was built with it.
_FastLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DEFAULT_TAGS = {"sequence": "tag:yaml.org,2002:seq", "mapping": "tag:yaml.org,2002:map"}
_COLLECTION_TAGS = frozenset(("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"))
_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
)


def _kind(node: yaml.Node) -> str:
    return str(getattr(node, "id", ""))


def _resolve_plain(node: Any) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return _PLAIN_LOADER.construct_yaml_bool(node)
    if tag == "tag:yaml.org,2002:int":
        return _PLAIN_LOADER.construct_yaml_int(node)
    if tag == "tag:yaml.org,2002:float":
        return _PLAIN_LOADER.construct_yaml_float(node)
    # timestamps, binary and custom tags stay strings: specs parse dates themselves
    return node.value


def read_text(path: Path, max_bytes: int = MAX_SPEC_BYTES) -> str:
    """The file as text, or a SpecError for oversized or non-UTF-8 content."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpecError(path, f"cannot read spec file: {exc.strerror}") from None
    if size > max_bytes:
        raise SpecError(
            path,
            f"spec file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit for specs",
            line=1,
            hint="keep metric data in a data file (OpenMetrics) referenced by a Source",
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError(
            path,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            line=line,
            col=col,
            hint="save the file as UTF-8",
            source_text=raw.decode("utf-8", "replace"),
        ) from None


def load_documents(path: Path, text: str | None = None) -> list[Document]:
    """Every non-empty YAML document in ``path``; SpecError on any problem."""
    if text is None:
        text = read_text(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    docs: list[Document] = []
    try:
        loader = _FastLoader(text)
        try:
            index = 0
            while loader.check_node():
                node = loader.get_node()
                if node is not None and not _is_empty(node):
                    builder = _Builder(path, text)
                    data = builder.build(node, ())
                    docs.append(Document(path, index, data, builder.positions, text, builder.raw))
                index += 1
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(path, text, exc) from None
    except yaml.reader.ReaderError as exc:
        raise _from_reader_error(path, text, exc) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors
        raise SpecError(path, f"invalid YAML: {exc}") from None
    return docs


def _is_empty(node: yaml.Node) -> bool:
    return (
        _kind(node) == "scalar" and node.tag.endswith(":null") and node.value in ("", "~", "null")
    )


def _from_reader_error(path: Path, text: str, exc: yaml.reader.ReaderError) -> SpecError:
    """A character YAML refuses (NUL, other control characters): located at that character."""
    # The reader counts characters of the text it was given, so the position
    # maps straight onto ``text``.
    line = text.count("\n", 0, exc.position) + 1
    col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return SpecError(
        path,
        f"invalid YAML: control character {char!r} (#x{ord(char):04x}) is not allowed",
        line=line,
        col=col,
        hint="remove the character; a spec file is plain text",
        source_text=text.replace("\0", "\\0"),
    )


def _from_yaml_error(path: Path, text: str, exc: yaml.MarkedYAMLError) -> SpecError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    hint = None
    line = col = None
    if mark is not None:
        line, col = mark.line + 1, mark.column + 1
        lines = text.splitlines()
        if 0 < line <= len(lines) and "\t" in lines[line - 1][: max(col, 1) + 1]:
            problem = "tab character used for indentation"
            hint = "YAML indents with spaces only; replace the tabs with spaces"
    if exc.context and exc.problem:
        problem = f"{problem} ({exc.context})"
    return SpecError(
        path, f"invalid YAML: {problem}", line=line, col=col, hint=hint, source_text=text
    )
