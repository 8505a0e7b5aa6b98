"""Reading one setting from a YAML, JSON, TOML or INI file, and comparing it to a bound."""

from __future__ import annotations

import configparser
import json
import math
import sys
from pathlib import Path
from typing import Any

BOUNDS = {"equals": "==", "at_most": "<=", "at_least": ">="}


class SettingError(Exception):
    """The file cannot be read, or the key is not in it."""


def read_file(path: Path, fmt: str | None = None) -> Any:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        if fmt in ("yaml", "yml"):
            import yaml

            return yaml.safe_load(text)
        if fmt == "json":
            return json.loads(text)
        if fmt == "toml":
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - Python 3.10
                import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
            return tomllib.loads(text)
        if fmt in ("ini", "cfg", "conf"):
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(text, source=str(path))
            return {s: dict(parser[s]) for s in parser.sections()}
    except Exception as exc:  # each parser has its own error class
        raise SettingError(f"cannot parse {path} as {fmt}: {exc}") from None
    raise SettingError(f"unknown format {fmt!r} for {path}: say format: yaml|json|toml|ini")


def key_path(key: str | list[Any]) -> list[str | int]:
    """``raw.retention_days`` or ``[raw, retention_days]``; list indexes as integers."""
    parts = key.split(".") if isinstance(key, str) else list(key)
    return [int(p) if isinstance(p, str) and p.isdigit() else p for p in parts]


def lookup(data: Any, key: str | list[Any]) -> Any:
    node = data
    walked: list[str] = []
    for part in key_path(key):
        if isinstance(node, dict) and (str(part) in node or part in node):
            node = node[str(part)] if str(part) in node else node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            where = ".".join(walked) or "the top level"
            have = ", ".join(map(str, node)) if isinstance(node, dict) else type(node).__name__
            raise SettingError(f"no key {part!r} under {where} (found: {have})")
        walked.append(str(part))
    return node


def comparable(value: Any) -> float | str:
    """Numbers as numbers, Prometheus durations (``30d``) as seconds, anything else as text."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    from ..promql.lexer import parse_duration

    try:
        return parse_duration(text) / 1000
    except ValueError:
        return text


def compare(value: Any, bound: str, limit: Any) -> bool:
    a, b = comparable(value), comparable(limit)
    if bound == "equals":
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        return str(a) == str(b)
    if not (isinstance(a, float) and isinstance(b, float)):
        raise SettingError(f"cannot compare {value!r} with {limit!r}: not numbers or durations")
    return a <= b if bound == "at_most" else a >= b
