"""JSON Schema validation of spec documents, with errors mapped back to file:line:col.

Schemas are kept as YAML beside this module (``schemas/*.schema.yaml``), the
way tavern keeps its own; ``burnin schemas`` exports them for editors.
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import SpecError
from .loader import Document

SCHEMA_PACKAGE = "pytest_burnin.spec"


@cache
def _registry() -> Any:
    from referencing import Registry, Resource

    resources_: list[tuple[str, Any]] = []
    for name in schema_names():
        schema = load_schema(name)
        resources_.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources_)


def schema_names() -> list[str]:
    folder = resources.files(SCHEMA_PACKAGE).joinpath("schemas")
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".schema.yaml"))


@cache
def load_schema(filename: str) -> dict[str, Any]:
    text = resources.files(SCHEMA_PACKAGE).joinpath("schemas").joinpath(filename).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def _validator(filename: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(filename), registry=_registry())


def validate(doc: Document, schema_file: str) -> None:
    """Raise a SpecError for the first problem (in file order) that the schema finds."""
    errors = list(_validator(schema_file).iter_errors(doc.data))
    if not errors:
        return
    errors.sort(key=lambda e: (doc.where(tuple(e.absolute_path)), -len(e.absolute_path)))
    err = _most_specific(errors[0])
    raise _to_spec_error(doc, err, len(errors))


def _most_specific(err: Any) -> Any:
    # oneOf/anyOf/allOf wrap the useful error; descend to the deepest one.
    while err.context:
        err = max(err.context, key=lambda e: len(e.absolute_path))
    return err


def _to_spec_error(doc: Document, err: Any, count: int) -> SpecError:
    path = tuple(err.absolute_path)
    where = ".".join(str(p) for p in path) or "document"
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(err.schema.get("properties", {}))
        unknown = [k for k in err.instance if k not in allowed]
        key = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(str(key), allowed, n=1)
        suggestion = (
            f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
        )
        return doc.error((*path, key), f"unknown key {key!r} in {where}{more}", hint=suggestion)
    if err.validator == "required":
        return doc.error(path, f"{where}: {err.message}{more}")
    if err.validator == "type":
        got = type(err.instance).__name__
        got = {"NoneType": "null", "str": "string", "dict": "mapping", "list": "list"}.get(got, got)
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        hint: str | None = None
        if want == "string" and isinstance(err.instance, (int, float, bool)):
            # 0x120 is hex to YAML, 1e3 a float, yes a bool: say how to keep the text.
            hint = f"YAML read this value as {got}; put it in quotes to keep it as text"
        return doc.error(
            path, f"{where}: expected {want}, got {got} {_short(err.instance)}{more}", hint=hint
        )
    if err.validator == "const":
        return doc.error(
            path, f"{where}: must be {err.validator_value!r}, got {_short(err.instance)}{more}"
        )
    if err.validator == "pattern":
        desc = err.schema.get("description", f"must match {err.validator_value}")
        return doc.error(path, f"{where}: {_short(err.instance)} is not valid: {desc}{more}")
    if err.validator in ("minProperties", "maxProperties") and isinstance(err.instance, dict):
        keys = sorted(err.schema.get("properties", {}))
        return doc.error(
            path,
            f"{where}: give exactly one of {', '.join(keys)}{more}"
            if err.schema.get("maxProperties") == 1
            else f"{where}: {err.message}{more}",
        )
    return doc.error(path, f"{where}: {err.message}{more}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
