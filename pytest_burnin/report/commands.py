"""``burnin serve-metrics``, ``burnin dashboard``, ``burnin report``: the report commands.

Registered by ``cli.py`` (``COMMAND_MODULES``); each parser sets
``func(args) -> int``. Bodies import the report code lazily.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BurninError

if TYPE_CHECKING:
    from ..context import RunContext

DEFAULT_PORT = 9464  # OpenTelemetry's Prometheus exporter port; any free port will do


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--specs",
        nargs="*",
        default=[],
        help="spec files or folders (default: the ini's burnin_specs).",
    )
    p.add_argument("--store", default=None, help="history store (default: .burnin/history.sqlite).")


def _context(args: argparse.Namespace) -> RunContext | None:
    from .build import project_context

    try:
        return project_context(args.specs, args.store)
    except (BurninError, OSError) as exc:
        print(f"burnin: specs not loaded ({exc}); charts left out", file=sys.stderr)
        return None


def _store(args: argparse.Namespace) -> Path | None:
    return Path(args.store) if args.store else None


def cmd_serve_metrics(args: argparse.Namespace) -> int:
    from .build import export_data, report_input
    from .exposition import render
    from .html import render_html
    from .serve import MetricsServer

    root = Path.cwd()
    ctx = _context(args)

    def html() -> bytes:
        return render_html(report_input(root, ctx, store=_store(args))).encode()

    server = MetricsServer(
        args.port,
        lambda: render(export_data(root, _store(args))),
        html,
        allowed_hosts=args.allow_host,
    )
    print(
        f"serving {server.url}/metrics and the report at {server.url}/ (Ctrl-C stops)", flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from ..burnin.loading import load_project
    from ..fileio import atomic_write
    from .dashboard import dashboard_json

    try:
        slos = list(load_project(args.specs).named("SLO").values())
    except BurninError as exc:
        print(f"burnin dashboard: {exc}", file=sys.stderr)
        return 2
    if not slos:
        print("burnin dashboard: no SLO entries found", file=sys.stderr)
        return 2
    atomic_write(Path(args.output), dashboard_json(slos, title=args.title, uid=args.uid).encode())
    print(f"wrote {args.output}: {len(slos)} SLOs")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..fileio import atomic_write
    from .build import export_data

    root = Path.cwd()
    if not args.weekly:
        from .build import report_input
        from .html import render_html

        out = Path(args.html or "burnin-report.html")
        atomic_write(
            out, render_html(report_input(root, _context(args), store=_store(args))).encode()
        )
        print(f"wrote {out}")
        return 0
    from . import weekly

    try:
        monday = (
            weekly.parse_week(args.week)
            if args.week
            else datetime.now(timezone.utc).date() - timedelta(days=7)
        )
    except ValueError as exc:
        print(f"burnin report: {exc}", file=sys.stderr)
        return 2
    monday -= timedelta(days=monday.weekday())
    data = export_data(root, _store(args))
    summary = weekly.summarise(data.history, data.snapshot, monday)
    folder = Path(args.output_dir)
    md, page = folder / f"weekly-{summary.week}.md", folder / f"weekly-{summary.week}.html"
    atomic_write(md, weekly.markdown(summary).encode())
    atomic_write(page, weekly.html(summary).encode())
    print(f"wrote {md} and {page}")
    if args.post:
        return _post(args, summary)
    return 0


def _post(args: argparse.Namespace, summary: object) -> int:
    from ..burnin.loading import BurnInProject
    from ..project import project_for_command
    from .weekly import Weekly, post

    assert isinstance(summary, Weekly)
    try:
        project = project_for_command(args.specs)
        # As `burnin flush`: a broken spec file elsewhere is said, and does not stop
        # the report reaching a channel a valid file defines.
        for error in project.errors():
            print(f"burnin report: skipped a spec file: {error}", file=sys.stderr)
        (channel,) = BurnInProject(project).channels([args.post]).values()
    except BurninError as exc:
        print(f"burnin report: {exc}", file=sys.stderr)
        return 2
    result = post(summary, channel)
    ok = bool(getattr(result, "delivered", False))
    print(f"posted to {args.post}" if ok else f"NOT posted: {getattr(result, 'last_error', '')}")
    return 0 if ok else 1


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve-metrics", help="serve /metrics and the HTML report on 127.0.0.1.")
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0: any free port).",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME[:PORT]",
        help="another Host header to answer (a proxy's name); "
        "127.0.0.1, localhost and [::1] on the port are always allowed.",
    )
    _common(p)
    p.set_defaults(func=cmd_serve_metrics)
    p = sub.add_parser("dashboard", help="write a Grafana dashboard for the SLOs.")
    p.add_argument(
        "-o", "--output", default="dashboards/slo.json", help="file (default dashboards/slo.json)."
    )
    p.add_argument("--title", default="SLOs", help="dashboard title.")
    p.add_argument("--uid", default="burnin-slo", help="dashboard uid.")
    _common(p)
    p.set_defaults(func=cmd_dashboard)
    p = sub.add_parser("report", help="write the HTML report, or the weekly ops report (--weekly).")
    p.add_argument(
        "--weekly", action="store_true", help="the weekly ops report (Markdown and HTML)."
    )
    p.add_argument("--week", default=None, help="ISO week, e.g. 2026-W48 (default: last week).")
    p.add_argument("--output-dir", default=".burnin/reports", help="weekly report folder.")
    p.add_argument("--html", default=None, help="HTML report file (default burnin-report.html).")
    p.add_argument(
        "--post",
        default=None,
        metavar="CHANNEL",
        help="send the weekly report through this Channel entry.",
    )
    _common(p)
    p.set_defaults(func=cmd_report)


__all__ = ["add_parsers"]
