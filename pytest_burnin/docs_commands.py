"""``burnin docs``: the published documents, rendered from the specs.

``burnin docs [PATH...] [-o FILE] [--check]`` writes ``docs/SLOs.md`` from the
SLO specs and ``RELEASE_CHECKLIST.md`` from the Checklist specs. With
``--check`` nothing is written: the exit code says whether both are up to
date (0) or not (1), for CI. A bad spec exits 2 with its ``file:line:col``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .errors import BurninError


def add_parsers(sub: Any) -> None:
    p_docs = sub.add_parser(
        "docs", help="render the published documents (docs/SLOs.md, RELEASE_CHECKLIST.md)."
    )
    p_docs.add_argument(
        "paths", nargs="*", default=[], help="spec files or folders (default: burnin_specs)."
    )
    p_docs.add_argument(
        "-o", "--output", default="docs/SLOs.md", help="file to write (default: docs/SLOs.md)."
    )
    p_docs.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the file is out of date."
    )
    p_docs.set_defaults(func=cmd_docs)


def cmd_docs(args: argparse.Namespace) -> int:
    """Render docs/SLOs.md from the SLO specs."""
    from .slo.commands import slo_entries, write_or_check
    from .slo.docs import render

    try:
        text = render(slo_entries(args), Path.cwd())
    except BurninError as exc:
        print(f"burnin docs: {exc}", file=sys.stderr)
        return 2
    code = write_or_check(args, text, f"{args.output} is out of date: run `burnin docs`")
    return max(code, _release_docs(args))


def _release_docs(args: argparse.Namespace) -> int:
    """The release checklist documents too (RELEASE_CHECKLIST.md), when the specs have one."""
    from .project import project_for_command

    files = project_for_command(args.paths, announce=False).spec_files()
    if not any("kind: Checklist" in f.read_text(encoding="utf-8", errors="replace") for f in files):
        return 0
    from .release.commands import release_docs

    specs = [str(f) for f in files]
    return release_docs(argparse.Namespace(specs=specs, output=None, check=args.check))
