"""``burnin notify render``: the request a receiver would get for an alert.

    burnin notify render --config alertmanager.yml --receiver ingest-oncall \\
        --alert 'alertname=IntegrityRateHigh,service=ingest' --annotation runbook_url=https://...

Prints, per integration of the receiver, a ``#`` line (type, index, where it
goes, secrets hidden) and the exact body. Exit codes: 0 rendered, 1 a template
or receiver error (Alertmanager would fail to notify), 2 a usage or config problem.
"""

from __future__ import annotations

import argparse
import glob
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
        help="comma-separated group labels (default: the root route's group_by).",
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


def _load_for_render(path: Path) -> tuple[dict[str, Any], dict[str, Any], list[Path], list[str]]:
    """(receivers by name, global, template files, root group_by) of an Alertmanager config.

    A minimal private reader; the shared config loader replaces it when it lands.
    """
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise ValueError(f"{path}: cannot read: {e.strerror}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ValueError(f"{where}: not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: an Alertmanager config is a mapping")
    receivers = {str(r.get("name")): r for r in doc.get("receivers") or [] if isinstance(r, dict)}
    files: list[Path] = []
    for pattern in doc.get("templates") or []:
        full = Path(pattern) if Path(pattern).is_absolute() else path.parent / pattern
        files += [Path(p) for p in sorted(glob.glob(str(full)))]  # Go's Glob is sorted too
    route = doc.get("route") or {}
    return receivers, dict(doc.get("global") or {}), files, list(route.get("group_by") or [])


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
    from ..template_data import PostedAlert
    from ..templates import TemplateError, TemplateSet
    from .render import RenderError, render_receiver

    try:
        # The whole file as Alertmanager reads it first: it would refuse a bad
        # config (an undefined receiver, a bad matcher) before sending anything.
        load_config(Path(args.config))
    except SpecError as e:
        print(f"burnin notify render: {e}", file=sys.stderr)
        return 2
    try:
        receivers, global_conf, files, root_group_by = _load_for_render(Path(args.config))
        labels = [parse_labels(a) for a in args.alert]
        annotations = dict(_kv(a) for a in args.annotation)
    except ValueError as e:
        print(f"burnin notify render: {e}", file=sys.stderr)
        return 2
    receiver = receivers.get(args.receiver)
    if receiver is None:
        known = ", ".join(sorted(receivers)) or "none"
        print(
            f"{args.config}: no receiver named {args.receiver!r} (receivers: {known})",
            file=sys.stderr,
        )
        return 2
    group_by = args.group_by.split(",") if args.group_by else root_group_by
    if "..." in group_by:
        group_labels = dict(labels[0])
    else:
        group_labels = {k: labels[0][k] for k in group_by if k in labels[0]}
    now = GoTime(datetime.now(timezone.utc))
    alerts = [
        PostedAlert(
            lab, annotations, now, now if args.resolved else GoTime.zero(), resolved=args.resolved
        )
        for lab in labels
    ]
    try:
        templates = TemplateSet.from_files(args.am_version, files)
        notes = render_receiver(
            receiver, global_conf, templates, alerts, group_labels=group_labels,
            external_url=args.external_url, version=args.am_version,
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


def _kv(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(f"--annotation wants K=V, got {text!r}")
    return key, value
