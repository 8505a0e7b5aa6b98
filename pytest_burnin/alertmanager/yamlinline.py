"""How Alertmanager 0.28+ reads a rendered PagerDuty detail back as YAML (gopkg.in/yaml.v2).

template.DeepCopyWithTemplate renders each string, then parses the result as
YAML: ``"2"`` becomes the number 2, ``"[...]"`` (``toJson``) a list, ``"a: b"``
a map, while plain text stays text. yaml.v2 is YAML 1.1 (``yes``/``y``/``on``
are booleans) and keeps timestamp-like scalars as strings when decoding into
interface{}; PyYAML's SafeLoader is taught the same.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class _V2Loader(yaml.SafeLoader):
    pass


# Copy the resolvers without the timestamp one (yaml.v2 keeps those as strings).
_V2Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_V2_BOOL = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
)
for first in "yYnNtTfFoO":
    _V2Loader.yaml_implicit_resolvers[first] = [
        (tag, rx)
        for tag, rx in _V2Loader.yaml_implicit_resolvers.get(first, [])
        if tag != "tag:yaml.org,2002:bool"
    ] + [("tag:yaml.org,2002:bool", _V2_BOOL)]


def _bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)) in ("y", "Y", "yes", "Yes", "YES", "true", "True",
                                                   "TRUE", "on", "On", "ON")  # fmt: skip


_V2Loader.add_constructor("tag:yaml.org,2002:bool", _bool)


class NotYAML(Exception):
    pass


# A single line of these characters, not starting with an indicator, is a plain
# scalar whatever else it holds: only its implicit type (int, float, bool, null)
# needs the resolvers. Rendering a notification reads back every detail value,
# and the full YAML parser is most of its cost.
_PLAIN = re.compile(r"[A-Za-z0-9_(](?:[A-Za-z0-9_ ()./=+;~^$<>%,?&*!@-]|:(?=\S))*")
_INT = re.compile(r"0|[1-9][0-9]*")


def parse_inline(text: str) -> Any:
    """The value yaml.v2 decodes ``text`` to; raises NotYAML where it reports an error."""
    if text == "":
        return None
    if _PLAIN.fullmatch(text) and not text.endswith(" "):
        tag = _V2Loader.resolve(_V2Loader, yaml.ScalarNode, text, (True, False))  # type: ignore[arg-type,no-untyped-call]
        if tag == "tag:yaml.org,2002:str":
            return text
        if tag == "tag:yaml.org,2002:int" and _INT.fullmatch(text):
            return int(text)
    try:
        return yaml.load(text, Loader=_V2Loader)
    except yaml.YAMLError:
        raise NotYAML(text) from None
