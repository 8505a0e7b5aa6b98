"""ASCII trees exactly as ``amtool config routes`` prints them (xlab/treeprint)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .route import Route

# treeprint 1.1 (amtool up to 0.26) indents under a continuing edge with two
# no-break spaces and a space; treeprint 1.2 (amtool 0.27+) with three spaces.
_LINK_INDENT = {False: "│\u00a0\u00a0 ", True: "│   "}


def _plain_spaces(version: str) -> bool:
    return tuple(int(p) for p in version.split(".")[:2]) >= (0, 27)


@dataclass
class _Node:
    value: str
    children: list[_Node] = field(default_factory=list)


def _render(root: _Node, version: str) -> str:
    lines = [root.value]
    link = _LINK_INDENT[_plain_spaces(version)]

    def walk(nodes: list[_Node], prefix: str) -> None:
        for i, node in enumerate(nodes):
            last = i == len(nodes) - 1
            lines.append(prefix + ("└── " if last else "├── ") + node.value)
            walk(node.children, prefix + ("    " if last else link))

    walk(root.children, "")
    return "\n".join(lines) + "\n"


def _full(route: Route) -> _Node:
    node = _Node(route.slug(show_continue=True, show_receiver=True))
    node.children = [_full(r) for r in route.routes]
    return node


def routes_tree(root: Route, version: str = "0.25") -> str:
    """``amtool config routes`` stdout (``Routing tree:`` then the tree and a blank line)."""
    return "Routing tree:\n" + _render(_Node(".", [_full(root)]), version) + "\n"


def _matching(route: Route, labels: Mapping[str, str]) -> _Node:
    # cli/routing.go getMatchingTree: a node that no child extends shows its receiver.
    node = _Node(route.slug(show_continue=False, show_receiver=False))
    for child in route.routes:
        if child.matches(labels):
            node.children.append(_matching(child, labels))
            if not child.continue_:
                break
    if not node.children:
        node.value = route.slug(show_continue=False, show_receiver=True)
    return node


def matching_tree(root: Route, labels: Mapping[str, str], version: str = "0.25") -> str:
    """``amtool config routes test --tree`` output before the receivers line."""
    return "Matching routes:\n" + _render(_Node(".", [_matching(root, labels)]), version) + "\n\n"


def route_path(route: Route) -> str:
    """A final route's path from the root, one slug per level, for failure headlines."""
    return " -> ".join(r.slug(show_continue=False, show_receiver=False) for r in route.path())
