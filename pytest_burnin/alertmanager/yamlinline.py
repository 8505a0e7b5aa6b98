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


def parse_inline(text: str) -> Any:
    """The value yaml.v2 decodes ``text`` to; raises NotYAML where it reports an error."""
    try:
        return yaml.load(text, Loader=_V2Loader)
    except yaml.YAMLError:
        raise NotYAML(text) from None
