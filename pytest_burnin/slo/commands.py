"""``burnin rules``: the rule file generated from the SLO specs.

``burnin rules [PATH...] [-o FILE] [--check]`` writes the recording rules and
burn-rate alerts (stdout without ``-o``). With ``--check`` nothing is written:
the exit code says whether the file is up to date (0) or not (1), for CI. A
bad spec exits 2 with its ``file:line:col`` message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import BurninError


def add_parsers(sub: Any) -> None:
    p_rules = sub.add_parser(
        "rules", help="generate Prometheus rules (burn-rate alerts) from SLOs."
    )
    p_rules.add_argument(
        "paths", nargs="*", default=[], help="spec files or folders (default: burnin_specs)."
    )
    p_rules.add_argument(
        "-o", "--output", default=None, help="rule file to write (default: stdout)."
    )
    p_rules.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the file is out of date."
    )
    p_rules.add_argument(
        "--extra-label",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a label for every recording rule generated from a Sloth SLO (Sloth's --extra-labels).",
    )
    p_rules.set_defaults(func=cmd_rules)


def slo_entries(args: argparse.Namespace) -> list[Any]:
    from .docs import load_slos

    return load_slos([Path(p) for p in args.paths])


def write_or_check(args: argparse.Namespace, text: str, stale: str) -> int:
    target = Path(args.output)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            print(stale, file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    """Generate the SLO rule file; notes say which tiers were left out and why."""
    from .rules_gen import generate, slo_rules

    extra: dict[str, str] = {}
    for item in getattr(args, "extra_label", []) or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            print(f"burnin rules: --extra-label wants KEY=VALUE, got {item!r}", file=sys.stderr)
            return 2
        extra[key] = value
    try:
        entries = slo_entries(args)
        text = generate(entries, extra)
        notes = [f"{e.name}: {n}" for e in entries for n in slo_rules(e).notes]
    except BurninError as exc:
        print(f"burnin rules: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if args.output is None:
        if args.check:
            print("burnin rules: --check needs -o FILE", file=sys.stderr)
            return 2
        sys.stdout.write(text)
        return 0
    return write_or_check(
        args, text, f"{args.output} is out of date: run `burnin rules -o {args.output}`"
    )
