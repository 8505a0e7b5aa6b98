"""The ``burnin`` command: work outside a test run.

``burnin validate PATH...`` checks spec files without evaluating them: YAML,
schemas, queries. ``burnin schemas -o DIR`` writes the JSON Schemas for editors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    from .kinds import KindHandler


# Packages that bring their own subcommands: each has ``add_parsers(sub)``,
# whose parsers set ``func`` (argparse namespace -> exit code).
COMMAND_MODULES = (
    "pytest_burnin.burnin.commands",
    "pytest_burnin.slo.commands",
    "pytest_burnin.release.commands",
    "pytest_burnin.report.commands",
)


def _add_module_parsers(sub: Any, module: str) -> None:
    import importlib

    from .plugin import _present

    if _present(module):
        importlib.import_module(module).add_parsers(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="burnin", description="pytest-burnin: release and SLO gate."
    )
    parser.add_argument("--version", action="version", version=f"pytest-burnin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p_val = sub.add_parser("validate", help="check spec files without running them.")
    p_val.add_argument(
        "paths",
        nargs="*",
        default=["slo_specs"],
        help="spec files or folders (default: slo_specs).",
    )
    p_fl = sub.add_parser("flush", help="deliver the alerts earlier runs left in the spool.")
    p_fl.add_argument(
        "paths",
        nargs="*",
        default=["slo_specs"],
        help="spec files or folders with the Channel entries.",
    )
    p_fl.add_argument(
        "--spool", default=".burnin/spool", help="the spool folder (default: .burnin/spool)."
    )
    dead = p_fl.add_mutually_exclusive_group()
    dead.add_argument("--retry-dead", action="store_true", help="send the dead letters again.")
    dead.add_argument("--drop-dead", action="store_true", help="discard the dead letters.")
    p_sch = sub.add_parser("schemas", help="write the spec JSON Schemas (for editors) to a folder.")
    p_sch.add_argument(
        "-o", "--output", default="schemas", help="folder to write (default: schemas)."
    )
    for module in COMMAND_MODULES:
        _add_module_parsers(sub, module)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is not None:
        code: int = func(args)
        return code
    if args.command == "validate":
        return validate(args.paths)
    if args.command == "flush":
        return flush(args.paths, Path(args.spool), args.retry_dead, args.drop_dead)
    if args.command == "schemas":
        return export_schemas(Path(args.output))
    return 2  # pragma: no cover - argparse enforces the choices


def _spec_files(paths: Sequence[str]) -> list[Path]:
    from .spec.model import spec_files

    return spec_files([Path(p) for p in paths])


def validate(paths: Sequence[str]) -> int:
    """Exit 0 when every spec file is valid, 1 otherwise; one line per entry."""
    from .collect import collect_documents
    from .errors import SpecError

    kinds = _all_kinds()
    files = _spec_files(paths)
    if not files:
        print(f"burnin validate: no spec files under {', '.join(paths)}", file=sys.stderr)
        return 1
    bad = 0
    for f in files:
        if not f.exists():
            print(f"{f}: no such file", file=sys.stderr)
            bad += 1
            continue
        try:
            entries = collect_documents(f, kinds)
        except SpecError as exc:
            print(str(exc), file=sys.stderr)
            bad += 1
            continue
        for entry, _ in entries:
            print(f"ok  {f}:{entry.line}  {entry.item_name}")
    print(f"{len(files)} file(s), {bad} with errors", file=sys.stderr if bad else sys.stdout)
    return 1 if bad else 0


def _all_kinds() -> dict[str, KindHandler]:
    """Every kind this installation knows: the built-ins and those of the optional parts."""
    import importlib

    from .builtin import pytest_burnin_spec_kinds
    from .plugin import GLUE_MODULES, _present

    kinds: dict[str, KindHandler] = {}
    providers = [pytest_burnin_spec_kinds]
    for name in GLUE_MODULES:
        if _present(name):
            hook = getattr(importlib.import_module(name), "pytest_burnin_spec_kinds", None)
            if hook is not None:
                providers.append(hook)
    for provide in providers:
        # Outside pytest there is no config: kinds are built with their defaults.
        for handler in provide(config=None):  # type: ignore[arg-type]
            kinds.setdefault(handler.kind, handler)
    return kinds


def flush(
    paths: Sequence[str], spool_dir: Path, retry_dead: bool = False, drop_dead: bool = False
) -> int:
    """Exit 0 when the spool is empty afterwards, 1 while anything is pending or dead."""
    from .alerting.config import ChannelSpecError, build_channel
    from .alerting.flushing import flush_spool
    from .collect import collect_documents
    from .errors import SpecError

    channels = {}
    for f in _spec_files(paths):
        try:
            entries = collect_documents(f, _all_kinds())
        except SpecError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        for entry, _ in entries:
            if entry.kind == "Channel":
                try:
                    channels[entry.name] = build_channel(
                        entry.name, entry.spec, base_dir=entry.path.parent
                    )
                except ChannelSpecError as exc:
                    print(f"{entry.where(*exc.path)}: {exc}", file=sys.stderr)
                    return 1
    if not spool_dir.is_dir():
        print(f"nothing to flush: {spool_dir} does not exist")
        return 0
    summary = flush_spool(spool_dir, channels, retry_dead=retry_dead, drop_dead=drop_dead)
    print("\n".join(summary.lines()))
    return summary.exit_code


def export_schemas(folder: Path) -> int:
    """Write each kind's schema as JSON, for ``# yaml-language-server: $schema=...``."""
    from .spec.schema import load_schema, schema_names

    folder.mkdir(parents=True, exist_ok=True)
    for name in schema_names():
        target = folder / name.replace(".yaml", ".json")
        text = json.dumps(load_schema(name), indent=2) + "\n"
        # Cross-file references point at the exported JSON files, not the YAML sources.
        text = text.replace(".schema.yaml", ".schema.json")
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
