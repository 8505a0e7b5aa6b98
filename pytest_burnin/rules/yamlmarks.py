"""YAML loading that remembers where every value came from (1-based line:col).

Prometheus reports rule errors at the YAML node (``7:15: group "g", rule 1, ...``),
so the loader keeps a mark for every mapping value and key. It is a SafeLoader
subclass: nothing global is patched. Duplicate keys are an error, as in Go's
yaml.v3 (``mapping key "x" already defined at line N``).
"""

from __future__ import annotations

from typing import Any

import yaml

Mark = tuple[int, int]  # (line, col), both 1-based


class MarkedDict(dict[str, Any]):
    """A mapping plus the position of itself, of each key and of each value."""

    mark: Mark = (0, 0)
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]
    raw: dict[str, str]  # source text of scalar values: Go reads `true` into a string as "true"

    def text(self, key: str) -> str:
        """A value as Go's YAML decoder puts it into a string field ("" for null)."""
        v = self.get(key)
        if v is None:
            return ""
        if isinstance(v, str):
            return v
        return self.raw.get(key, str(v))

    def key_mark(self, key: str) -> Mark:
        return self.key_marks.get(key, self.mark)

    def value_mark(self, key: str) -> Mark:
        return self.value_marks.get(key, self.mark)


class MarkedList(list[Any]):
    mark: Mark = (0, 0)
    item_marks: list[Mark]
    raw_items: list[str | None]  # source text of scalar items (Go reads `10:00` as "10:00")


class LocatedError(Exception):
    """A problem at a place in a file; ``str()`` is ``path:line:col: message`` (1-based)."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        self.path, self.line, self.col, self.message = path, line, col, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        return f"{where}: {self.message}"


class YamlError(Exception):
    def __init__(self, msg: str, mark: Mark = (0, 0)) -> None:
        super().__init__(msg)
        self.msg = msg
        self.line, self.col = mark


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class MarkedLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry marks."""

    def construct_marked_mapping(self, node: yaml.MappingNode) -> MarkedDict:
        own = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)
        first_own = len(node.value) - own
        out = MarkedDict()
        out.mark = _mark(node)
        out.key_marks, out.value_marks, out.raw = {}, {}, {}
        own_keys: set[str] = set()
        for i, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key) if isinstance(key, (int, float, bool)) else repr(key)
            if i >= first_own:
                # Keys merged in with "<<" may be overridden; a key written twice may not.
                if key in own_keys:
                    line = out.key_marks[key][0]
                    msg = f'mapping key "{key}" already defined at line {line}'
                    raise YamlError(msg, _mark(key_node))
                own_keys.add(key)
            out[key] = self.construct_object(value_node, deep=True)
            out.key_marks[key] = _mark(key_node)
            out.value_marks[key] = _mark(value_node)
            if isinstance(value_node, yaml.ScalarNode):
                out.raw[key] = value_node.value
        return out

    def construct_marked_sequence(self, node: yaml.SequenceNode) -> MarkedList:
        out = MarkedList(self.construct_object(child, deep=True) for child in node.value)
        out.mark = _mark(node)
        out.item_marks = [_mark(child) for child in node.value]
        out.raw_items = [c.value if isinstance(c, yaml.ScalarNode) else None for c in node.value]
        return out


MarkedLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    MarkedLoader.construct_marked_mapping,
)
MarkedLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    MarkedLoader.construct_marked_sequence,
)


if hasattr(yaml, "CSafeLoader"):

    class _FastMarkedLoader(yaml.CSafeLoader):
        """The same constructors over libyaml's parser: the same values and marks, ~7x faster.

        Rule and promtool test files are most of what collection reads, and a
        fleet's are megabytes of YAML.
        """

    _FastMarkedLoader.yaml_constructors = dict(MarkedLoader.yaml_constructors)
    _FastMarkedLoader.construct_marked_mapping = MarkedLoader.construct_marked_mapping  # type: ignore[attr-defined]
    _FastMarkedLoader.construct_marked_sequence = MarkedLoader.construct_marked_sequence  # type: ignore[attr-defined]
    _LOADERS: tuple[type[Any], ...] = (_FastMarkedLoader, MarkedLoader)
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (MarkedLoader,)


def load(text: str) -> Any:
    """Parse one YAML document; syntax errors become YamlError with line:col."""
    if len(_LOADERS) > 1:
        try:
            return yaml.load(text, Loader=_LOADERS[0])
        except YamlError:
            raise
        except yaml.YAMLError:
            pass  # reported below in the pure-Python parser's words, as always
    try:
        return yaml.load(text, Loader=MarkedLoader)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as e:
        m = e.problem_mark
        mark = (m.line + 1, m.column + 1) if m is not None else (0, 0)
        raise YamlError(f"yaml: {e.problem or e}", mark) from None
    except yaml.YAMLError as e:
        raise YamlError(f"yaml: {e}") from None
