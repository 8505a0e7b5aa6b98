"""Smaller expressions for the shrinker: same-typed sub-trees, the simplest leaf of a
type, a selector without its matchers and modifiers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .gen import NAME_MARK, SIMPLEST, M, Node, leaf


def _bare(leaf_node: Node) -> Node | None:
    """A selector leaf without its matchers and modifiers (the metric name, and the range)."""
    text = leaf_node.parts[0]
    name = re.match(re.escape(NAME_MARK) + r"\w+", text)
    if leaf_node.children or name is None:
        return None
    rng = re.search(r"\[[^\]]+\]", text) if leaf_node.type == M else None
    bare = name.group(0) + (rng.group(0) if rng else "")
    return leaf(leaf_node.type, bare) if bare != text else None


def shrink_candidates(root: Node) -> Iterator[Node]:
    """Smaller trees: each node replaced by a descendant of its type, by the simplest
    leaf, or (a selector) by its bare metric name."""
    for path, target in _paths(root):
        seen: set[str] = set()
        options = [d for d in list(target.walk())[1:] if d.type == target.type]
        bare = _bare(target)
        if bare is not None:
            options.insert(0, bare)
        if target.size() > 1 or target.text() != SIMPLEST[target.type]().text():
            options.append(SIMPLEST[target.type]())
        for option in options:
            text = option.text()
            if text in seen:
                continue
            seen.add(text)
            yield _replace(root, path, option)


def _paths(n: Node, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Node]]:
    yield path, n
    for i, c in enumerate(n.children):
        yield from _paths(c, (*path, i))


def _replace(n: Node, path: tuple[int, ...], new: Node) -> Node:
    if not path:
        return new
    children = list(n.children)
    children[path[0]] = _replace(children[path[0]], path[1:], new)
    return Node(n.type, n.parts, children)
