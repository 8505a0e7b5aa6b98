"""``burnin routes test|show``: amtool's ``config routes`` on the embedded model.

Output and exit codes are amtool 0.25's (``cli/routing.go``, ``cli/test_routing.go``):
``test`` prints the receivers comma-separated (with ``--tree`` the matching
routes first) and exits 1 when ``--verify-receivers`` differs; ``show`` prints
the whole tree. A config or label amtool refuses exits 1 with the reason.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import BurninError
from .config import load_config
from .matchers import EQ, MatcherError, parse_classic
from .route import Route, receivers
from .tree import matching_tree, routes_tree


def parse_labels(args: list[str]) -> dict[str, str]:
    """``name=value`` / ``name="value"`` arguments as amtool's ``parseLabels`` reads them."""
    out: dict[str, str] = {}
    for text in args:
        try:
            m = parse_classic(text)
        except MatcherError as exc:
            raise BurninError(f"Failed to parse labels: {exc}") from None
        if m.op != EQ:
            raise BurninError("Failed to parse labels: labels must be specified as key=value pairs")
        out[m.name] = m.value
    return out


def _root(config: str) -> Route:
    path = Path(config)
    if not path.exists():
        raise BurninError(f"path '{config}' does not exist")
    return Route.build(load_config(path).route)


def cmd_routes_test(args: argparse.Namespace) -> int:
    """Print the receivers an alert with these labels reaches."""
    try:
        root = _root(args.config)
        labels = parse_labels(args.labels)
    except (BurninError, OSError) as exc:
        print(f"burnin routes test: {exc}", file=sys.stderr)
        return 1
    if args.tree:
        sys.stdout.write(matching_tree(root, labels, args.amtool_version))
    slug = ",".join(receivers(root, labels))
    print(slug)
    if args.verify_receivers and args.verify_receivers != slug:
        print("WARNING: Expected receivers did not match resolved receivers.")
        return 1
    return 0


def cmd_routes_show(args: argparse.Namespace) -> int:
    """Print the routing tree."""
    try:
        root = _root(args.config)
    except (BurninError, OSError) as exc:
        print(f"burnin routes show: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(routes_tree(root, args.amtool_version))
    return 0


def _version_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--amtool-version",
        default="0.25",
        type=_version,
        help="print as this amtool prints (default 0.25; 0.27+ indents trees with plain spaces).",
    )


def _version(text: str) -> str:
    parts = text.split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"{text!r} is not a version like 0.25 or 0.33.1")
    return text


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``burnin routes show`` and ``burnin routes test``."""
    p = sub.add_parser("routes", help="Alertmanager routing: show the tree or test labels.")
    rsub = p.add_subparsers(dest="action", required=True)
    show = rsub.add_parser("show", help="print the routing tree (amtool config routes).")
    show.add_argument("--config", required=True, help="the alertmanager.yml to read.")
    _version_option(show)
    show.set_defaults(func=cmd_routes_show)
    test = rsub.add_parser("test", help="print the receivers an alert reaches.")
    test.add_argument("--config", required=True, help="the alertmanager.yml to read.")
    test.add_argument("--tree", action="store_true", help="print the matching routes first.")
    test.add_argument(
        "--verify-receivers",
        "--verify.receivers",
        dest="verify_receivers",
        default="",
        help="R1,R2: exit 1 unless the alert reaches exactly these, in this order.",
    )
    _version_option(test)
    test.add_argument("labels", nargs="*", help="the alert's labels as name=value.")
    test.set_defaults(func=cmd_routes_test)
