"""``burnin notify render``: the request a receiver would get for an alert.

    burnin notify render --config alertmanager.yml --receiver ingest-oncall \\
        --alert 'alertname=IntegrityRateHigh,service=ingest' --annotation runbook_url=https://...

Prints, per integration of the receiver, a ``#`` line (type, index, where it
goes, secrets hidden) and the exact body. Exit codes: 0 rendered, 1 a template
or receiver error (Alertmanager would fail to notify), 2 a usage or config problem.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

_LABEL_PAIR = re.compile(
    r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,}]*))\s*(?:,|$)'
)


def add_parsers(sub: Any) -> None:
    n = sub.add_parser("notify", help="Alertmanager notifications: render what a receiver gets.")
    nsub = n.add_subparsers(dest="notify_command", required=True)
    r = nsub.add_parser("render", help="print the request body a receiver would get for an alert.")
    r.add_argument("--config", required=True, help="the Alertmanager configuration file.")
    r.add_argument("--receiver", required=True, help="the receiver's name in that file.")
    r.add_argument(
        "--alert",
        action="append",
        required=True,
        help="an alert's labels, 'a=b,c=d' or '{a=\"b\"}'; repeat for a group of several.",
    )
    r.add_argument(
        "--annotation", action="append", default=[], help="K=V annotation on every alert."
    )
    r.add_argument("--resolved", action="store_true", help="render the resolved notification.")
    r.add_argument(
        "--group-by",
        help="comma-separated group labels (default: the group_by of the route the alert takes to the receiver).",
    )
    r.add_argument(
        "--external-url", default="http://localhost:9093", help="Alertmanager's external URL."
    )
    r.add_argument(
        "--am-version",
        choices=["0.25", "0.33"],
        default="0.33",
        help="the Alertmanager whose templates and bodies to reproduce (default 0.33).",
    )
    r.set_defaults(func=render_command)


def parse_labels(text: str) -> dict[str, str]:
    """``a=b,c=d`` or ``{a="b", c="d"}``; raises ValueError naming what is wrong."""
    body = text.strip()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    out: dict[str, str] = {}
    pos = 0
    while pos < len(body):
        m = _LABEL_PAIR.match(body, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot read labels {text!r} at {body[pos:]!r}: want name=value")
        quoted, plain = m.group(2), m.group(3)
        out[m.group(1)] = (
            re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else (plain or "").strip()
        )
        pos = m.end()
    if not out:
        raise ValueError(f"no labels in {text!r}")
    return out


def _header(n: Any) -> str:
    req = n.request
    if req.kind == "smtp":
        sender, rcpt = req.envelope
        to = ", ".join(f"<{r}>" for r in rcpt)
        return f"# {n.integration}[{n.index}] SMTP {req.url} MAIL FROM:<{sender}> RCPT TO:{to}"
    return f"# {n.integration}[{n.index}] POST {req.display_url}"


def render_command(args: argparse.Namespace) -> int:
    from ...errors import SpecError
    from ..config import load_config
    from ..gotime import GoTime
    from ..route import Route
    from ..template_data import PostedAlert
    from ..templates import TemplateError, TemplateSet
    from .render import RenderError
    from .routed import NoSuchReceiver, lookup_receiver, place, render_on_route

    try:
        config = load_config(Path(args.config))
        labels = [parse_labels(a) for a in args.alert]
        annotations = dict(_kv(a) for a in args.annotation)
        lookup_receiver(config, args.receiver)
    except NoSuchReceiver as e:
        print(f"{args.config}: {e}", file=sys.stderr)
        return 2
    except (SpecError, ValueError) as e:
        print(f"burnin notify render: {e}", file=sys.stderr)
        return 2
    placement = place(Route.build(config.route), labels[0], args.receiver)
    if not placement.reached:
        # Still rendered (a preview of a receiver is useful before its route exists),
        # but the user should know the alert would not get there.
        print(
            f"burnin notify render: note: {_labels_text(labels[0])} does not reach "
            f"{args.receiver!r}; grouped as on {_route_text(placement.route)}",
            file=sys.stderr,
        )
    now = GoTime(datetime.now(timezone.utc))
    alerts = [
        PostedAlert(
            lab, annotations, now, now if args.resolved else GoTime.zero(), resolved=args.resolved
        )
        for lab in labels
    ]
    try:
        templates = TemplateSet.from_files(args.am_version, config.template_files())
        notes = render_on_route(
            config, placement.route, args.receiver, templates, alerts, version=args.am_version,
            external_url=args.external_url,
            group_by=args.group_by.split(",") if args.group_by else None,
        )  # fmt: skip
    except (TemplateError, RenderError) as e:
        print(f"{args.config}: receiver {args.receiver!r}: {e}", file=sys.stderr)
        return 1
    if not notes:
        print(
            f"# receiver {args.receiver!r} sends nothing for this (no integration, or send_resolved off)"
        )
    for n in notes:
        print(_header(n))
        sys.stdout.write(n.request.display_body())
        if not n.request.body.endswith(b"\n"):
            sys.stdout.write("\n")
    return 0


def _labels_text(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in labels.items()) + "}"


def _route_text(route: Any) -> str:
    from ..tree import route_path

    return f"route {route_path(route)} (group_by from there)"


def _kv(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(f"--annotation wants K=V, got {text!r}")
    return key, value
