"""The metrics sanity check's core: scrape, parse, required series, promtool lint."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

PROMTOOL_TIMEOUT_S = 60


def fetch(url: str, timeout: float) -> str:
    import requests

    # Ask for the classic text format: it is what promtool check metrics reads.
    resp = requests.get(url, timeout=timeout, headers={"Accept": "text/plain;version=0.0.4"})
    resp.raise_for_status()
    return resp.text


def sample_names(text: str) -> set[str]:
    """Names of every exposed sample; ValueError when the text does not parse."""
    from prometheus_client import parser as text_parser
    from prometheus_client.openmetrics import parser as om_parser

    parse = (
        om_parser.text_string_to_metric_families
        if text.rstrip().endswith("# EOF")
        else text_parser.text_string_to_metric_families
    )
    names: set[str] = set()
    try:
        for family in parse(text):
            names.update(s.name for s in family.samples)
    except Exception as exc:  # the parsers raise ValueError, and more on odd input
        raise ValueError(str(exc) or type(exc).__name__) from None
    return names


def selector_names(expr: str) -> set[str]:
    """Metric names the expression selects (``foo`` and ``{__name__="foo"}``)."""
    from ..promql import ast
    from ..promql.parser import parse

    names: set[str] = set()
    stack: list[object] = [parse(expr)]
    while stack:  # iterative: deep binary expressions must not hit the recursion limit
        node = stack.pop()
        if isinstance(node, ast.VectorSelector):
            if node.name:
                names.add(node.name)
            for m in node.matchers:
                if m.name == "__name__" and m.type is ast.MatchType.EQUAL:
                    names.add(m.value)
        if isinstance(node, ast.Expr):
            for child in vars(node).values():
                stack.extend(
                    c
                    for c in (child if isinstance(child, list) else [child])
                    if isinstance(c, ast.Expr)
                )
    return names


def rule_exprs(path: Path) -> tuple[list[tuple[str, str]], set[str]]:
    """(where, expr) of every rule in a rule file, and the names its recording rules make."""
    from ..rules.rulefile import load_rule_file

    exprs: list[tuple[str, str]] = []
    recorded: set[str] = set()
    for group in load_rule_file(path).groups:
        for rule in group.rules:
            exprs.append((f"{path.name}: {rule.name}", rule.expr))
            if not rule.is_alert:
                recorded.add(rule.name)
    return exprs, recorded


def missing_series(
    exprs: Iterable[tuple[str, str]], exposed: set[str], produced: set[str]
) -> dict[str, list[str]]:
    """Series name -> where it is used, for every selected name that is not exposed."""
    missing: dict[str, list[str]] = {}
    for where, expr in exprs:
        for name in sorted(selector_names(expr) - exposed - produced):
            missing.setdefault(name, []).append(where)
    return missing


def promtool_problems(text: str) -> list[str] | None:
    """``promtool check metrics`` findings (empty: clean); None when promtool is absent."""
    exe = shutil.which("promtool")
    if exe is None:
        return None
    proc = subprocess.run(
        [exe, "check", "metrics"],
        input=text,
        capture_output=True,
        text=True,
        timeout=PROMTOOL_TIMEOUT_S,
    )
    if proc.returncode == 0:
        return []
    out = (proc.stdout + proc.stderr).strip().splitlines()
    return out or [f"promtool exited with {proc.returncode}"]
