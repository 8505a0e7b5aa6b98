"""The layering written down and checked: the pytest layer above a pure core, no cycles.

An import-linter-like check over the package's own source (every ``import``,
at module level or inside a function, except those under ``if TYPE_CHECKING:``,
which exist only for the type checker).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest_burnin

PACKAGE = Path(pytest_burnin.__file__).parent
PYTEST_LAYER = "pytest_burnin.plugin"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                skip.update(id(n) for n in ast.walk(inner))
    return skip


def _imports(module: str, *, with_type_checking: bool = False) -> Iterator[str]:
    """Every module name ``module`` imports (absolute, resolved to the deepest known module)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set() if with_type_checking else _type_checking_nodes(tree)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            prefix = ".".join([*base, node.module] if node.module else base)
            for alias in node.names:
                candidate = f"{prefix}.{alias.name}"
                yield candidate if candidate in MODULES else prefix


def _internal(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for name in _imports(module):
            target = _internal(name)
            if target is not None and target != module:
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_between_modules() -> None:
    assert _cycles(_graph()) == []


def test_no_import_cycles_between_packages() -> None:
    # One level up: slo/ may use rules/, or rules/ slo/, never both.
    def package(module: str) -> str:
        return ".".join(module.split(".")[:2])

    graph: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        node = graph.setdefault(package(module), set())
        node.update(package(t) for t in targets if package(t) != package(module))
    for targets in list(graph.values()):
        for t in targets:
            graph.setdefault(t, set())
    assert _cycles(graph) == []


def test_only_the_pytest_layer_imports_pytest() -> None:
    importers = sorted(
        m
        for m in MODULES
        for name in _imports(m, with_type_checking=True)
        if name.split(".")[0] in ("pytest", "_pytest")
    )
    outside = [m for m in importers if not m.startswith(PYTEST_LAYER)]
    assert outside == []
    assert importers, "the pytest layer itself should import pytest"


def test_the_core_never_imports_the_pytest_layer() -> None:
    upward = sorted(
        f"{m} -> {name}"
        for m in MODULES
        if not m.startswith(PYTEST_LAYER)
        for name in _imports(m, with_type_checking=True)
        if name.startswith(PYTEST_LAYER)
    )
    assert upward == []


def test_nothing_imports_from_private_pytest() -> None:
    private = sorted(
        f"{m} -> {name}" for m in MODULES for name in _imports(m) if name.startswith("_pytest")
    )
    assert private == []


def test_the_checker_sees_a_cycle() -> None:
    # The check itself can fail: two modules importing each other are one component.
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
