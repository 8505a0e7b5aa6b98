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
from typing import Any

from . import __version__

# Packages that bring their own subcommands: each has ``add_parsers(sub)``,
# whose parsers set ``func`` (argparse namespace -> exit code).
COMMAND_MODULES = (
    "pytest_burnin.burnin.commands",
    "pytest_burnin.slo.commands",
    "pytest_burnin.release.commands",
    "pytest_burnin.report.commands",
    "pytest_burnin.docs_commands",
    "pytest_burnin.alertmanager.commands",
    "pytest_burnin.alertmanager.notify.commands",
)


def _add_module_parsers(sub: Any, module: str) -> None:
    import importlib

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
        default=[],
        help="spec files or folders (default: the ini's burnin_specs).",
    )
    p_fl = sub.add_parser("flush", help="deliver the alerts earlier runs left in the spool.")
    p_fl.add_argument(
        "paths",
        nargs="*",
        default=[],
        help="spec files or folders with the Channel entries (default: burnin_specs).",
    )
    p_fl.add_argument("--spool", default=None, help="the spool folder (default: burnin_spool).")
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
        from .errors import BurninError

        try:
            code: int = func(args)
        except BurninError as exc:
            # A user's mistake a command did not catch itself (a bad ini value,
            # a spec error): its message, never a traceback.
            print(f"burnin {args.command}: {exc}", file=sys.stderr)
            return 1
        return code
    if args.command == "validate":
        return validate(args.paths)
    if args.command == "flush":
        return flush(
            args.paths, Path(args.spool) if args.spool else None, args.retry_dead, args.drop_dead
        )
    if args.command == "schemas":
        return export_schemas(Path(args.output))
    return 2  # pragma: no cover - argparse enforces the choices


def validate(paths: Sequence[str]) -> int:
    """Exit 0 when every spec file is valid, 1 otherwise; one line per entry.

    The same project model as ``pytest --burnin``: the same files, exclusions,
    schemas, checks and project-wide duplicate names.
    """
    from .errors import BurninError, display_path
    from .project import project_for_command

    try:
        project = project_for_command(paths, announce=True)
    except BurninError as exc:
        print(f"burnin validate: {exc}", file=sys.stderr)
        return 1
    files = project.spec_files()
    if not files:
        where = ", ".join(paths) or ", ".join(str(p) for p in project.settings.spec_paths)
        print(f"burnin validate: no spec files under {where}", file=sys.stderr)
        return 1
    errors = {path.resolve(): e for path, e in project.file_errors()}
    references = project.reference_errors()
    broken = {id(e): message for e, message in references}
    for f in files:
        error = errors.get(f.resolve())
        if error is not None:
            print(str(error), file=sys.stderr)
            continue
        for entry, _ in project.load(f).entries:
            if id(entry) in broken:
                print(f"{entry.item_name}: {broken[id(entry)]}", file=sys.stderr)
            else:
                print(f"ok  {display_path(f)}:{entry.line}  {entry.item_name}")
    bad = len(set(errors) | {e.path.resolve() for e, _ in references})
    print(f"{len(files)} file(s), {bad} with errors", file=sys.stderr if bad else sys.stdout)
    return 1 if bad else 0


def flush(
    paths: Sequence[str],
    spool_dir: Path | None,
    retry_dead: bool = False,
    drop_dead: bool = False,
) -> int:
    """Exit 0 when the spool is empty afterwards, 1 while anything is pending or dead.

    A broken spec file elsewhere is reported and does not stop delivery: the
    channels of every valid file are used.
    """
    from .alerting.flushing import flush_spool
    from .burnin.loading import BurnInProject
    from .errors import BurninError
    from .project import project_for_command

    try:
        project = project_for_command(paths)
    except BurninError as exc:
        print(f"burnin flush: {exc}", file=sys.stderr)
        return 1
    for error in project.errors():
        print(f"burnin flush: skipped a spec file: {error}", file=sys.stderr)
    spool_dir = spool_dir or project.settings.spool
    names = [e.name for e in project.entries("Channel")]
    try:
        channels = BurnInProject(project).channels(names)
    except BurninError as exc:
        print(f"burnin flush: {exc}", file=sys.stderr)
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
