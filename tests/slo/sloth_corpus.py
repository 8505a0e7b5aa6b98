"""Helpers to compare generated rules with Sloth's ``_gen`` output, rule by rule.

Expressions are compared as parsed PromQL trees (positions and parentheses
dropped, matchers sorted), so formatting never matters and a changed number,
window, label matcher or operator always does.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import yaml

from pytest_burnin.promql import ast
from pytest_burnin.promql.parser import parse

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "slo-formats"
SLOTH = CORPUS / "sloth" / "examples"
# Sloth's examples script runs `sloth generate --extra-labels cmd=examplesgen.sh`.
EXTRA_LABELS = {"cmd": "examplesgen.sh"}
# Names the generating binary: Sloth's build ("dev") against ours ("pytest-burnin").
IGNORED_LABELS = {"sloth_version"}


def tree(node: Any) -> Any:
    """A PromQL node as plain comparable data."""
    if isinstance(node, ast.ParenExpr):
        return tree(node.expr)
    if isinstance(node, ast.VectorSelector):
        return ("sel", node.name, sorted((m.name, m.type.value, m.value) for m in node.matchers))
    if is_dataclass(node) and not isinstance(node, type):
        return (
            type(node).__name__,
            tuple((f.name, tree(getattr(node, f.name))) for f in fields(node) if f.name != "pos"),
        )
    if isinstance(node, list | tuple):
        return tuple(tree(n) for n in node)
    if isinstance(node, float):
        return round(node, 15)
    return node


def expr_tree(text: str) -> Any:
    return tree(parse(text))


def groups_of(path: Path) -> list[dict[str, Any]]:
    """Rule groups of a ``_gen`` file: plain rule files and Kubernetes PrometheusRule objects."""
    out: list[dict[str, Any]] = []
    for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if not doc:
            continue
        out.extend(doc["spec"]["groups"] if "spec" in doc else doc["groups"])
    return out


def rule_view(rule: dict[str, Any]) -> dict[str, Any]:
    """What must be equal for two rules to be the same rule."""
    labels = {k: str(v) for k, v in (rule.get("labels") or {}).items() if k not in IGNORED_LABELS}
    return {
        "name": rule.get("record") or rule.get("alert"),
        "expr": expr_tree(str(rule["expr"])),
        "for": rule.get("for"),
        "labels": labels,
        "annotations": rule.get("annotations") or {},
    }


def differences(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[str]:
    """Every group and rule that differs, as one line each (empty: the same rules)."""
    out: list[str] = []
    names = ([g["name"] for g in ours], [g["name"] for g in theirs])
    if names[0] != names[1]:
        return [f"groups differ: {names[0]} != {names[1]}"]
    for mine, gen in zip(ours, theirs, strict=True):
        if mine.get("interval") != gen.get("interval"):
            out.append(f"{gen['name']}: interval {mine.get('interval')} != {gen.get('interval')}")
        if len(mine["rules"]) != len(gen["rules"]):
            out.append(f"{gen['name']}: {len(mine['rules'])} rules != {len(gen['rules'])}")
            continue
        for i, (a, b) in enumerate(zip(mine["rules"], gen["rules"], strict=True)):
            va, vb = rule_view(a), rule_view(b)
            for key in va:
                if va[key] != vb[key]:
                    shown = (a.get(key), b.get(key)) if key == "expr" else (va[key], vb[key])
                    out.append(
                        f"{gen['name']} rule {i} ({vb['name']}): {key} {shown[0]!r} != {shown[1]!r}"
                    )
    return out
