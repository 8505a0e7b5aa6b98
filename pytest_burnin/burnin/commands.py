"""Bodies of the ``burnin record|status|incident|freeze|ingest|schedule`` commands.

Each ``cmd_*`` takes the argparse namespace ``add_parsers`` defines, prints
user-facing text and returns the exit code: 0 done (``status``: GA-ready),
1 done but something needs attention, 2 could not do it (bad spec, bad
argument, unusable store). Errors are one message, never a traceback.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BurninError
from ..paths import DEFAULT_STORE
from ..store.sqlite import Store, iso, utc_now
from .spec import BurnInSpec
from .storecheck import cmd_store

if TYPE_CHECKING:
    from .rewrites import Rewrite

Command = Callable[[argparse.Namespace], int]


def _guard(fn: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except BurninError as exc:
            print(f"burnin {args.command}: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"burnin {args.command}: {exc}", file=sys.stderr)
            return 2

    run.__doc__ = fn.__doc__
    return run


def _store_path(args: argparse.Namespace, spec: BurnInSpec | None = None) -> Path:
    """``--store``, else the BurnIn's ``store:``, else the ini's ``burnin_store``."""
    from ..settings import Settings

    if getattr(args, "store", None):
        return Path(args.store)
    settings = Settings.discover()
    return settings.under_root(spec.store if spec is not None and spec.store else settings.store)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BurninError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


@_guard
def cmd_record(args: argparse.Namespace) -> int:
    """Record the burn-in's checks for one or more days (default: yesterday, UTC)."""
    from ..alerting.flushing import dead_notice
    from ..progress import Progress
    from .freeze import record_baseline
    from .loading import load_project
    from .notify import notify_failures
    from .records import RunInfo, SloCheck, record_day
    from .remediate import from_spec
    from .rewrites import text as rewrite_text

    project = load_project(args.specs, store=args.store, announce=True)
    spec = project.burnin(args.name)
    now = utc_now()
    days = [_day(d, "--day") for d in args.day] if args.day else []
    if getattr(args, "from_day", None):
        # A range is as explicit as listing its days: missed days are never filled silently.
        first = _day(args.from_day, "--from")
        last = _day(args.to_day, "--to") if args.to_day else now.date() - timedelta(1)
        if last < first:
            raise BurninError(f"--to {last} is before --from {first}")
        days += [first + timedelta(n) for n in range((last - first).days + 1)]
    if not days:
        days = [now.date() - timedelta(1)]
    store_path = project.store_path(spec)
    checks = [SloCheck(project.slo(n), window=spec.window) for n in spec.slos]
    project.attach_sources(checks, override=args.source)
    remediate = None if args.no_remediate else from_spec(spec)
    run = RunInfo.current(_git_commit())
    rewrite = _rewrite(args)
    channels = project.channels(spec.notify)
    spool = project.project.settings.spool
    worst = 0
    with Store(store_path) as store:
        if spec.frozen:
            stored = record_baseline(
                store, spec.name, spec.root, spec.frozen, identity=spec.identity, at=now
            )
            if stored:
                print(f"frozen: baseline of {stored} file(s) recorded")
        with Progress("recording", total=len(days)) as progress:
            for day in sorted(days):
                result = record_day(
                    store, day, checks, None, remediate=remediate, run=run, rewrite=rewrite
                )
                parts = []
                for o in result.outcomes:
                    shown = "no value" if o.value is None else f"{o.value:.6g}"
                    parts.append(f"{o.name} {shown} {o.verdict}")
                    if o.verdict == "error":
                        worst = 1
                        progress.echo(f"  {o.name}: {o.error}", file=sys.stderr)
                progress.echo(f"recorded {day}: " + ", ".join(parts))
                for r in result.rewritten:
                    progress.echo(
                        f"  REWROTE {r.check}: {rewrite_text(r.old)} -> {rewrite_text(r.new)}"
                    )
                for line in notify_failures(store, spec, day, result.outcomes, channels, spool):
                    progress.echo(f"  {line}")
                for name, rem in result.remediations:
                    code = "did not finish" if rem.exit_code is None else f"exit {rem.exit_code}"
                    progress.echo(f"  remediation for {name} ({rem.mode}): {rem.command} -> {code}")
                progress.advance(label=str(day))
    # A notification refused for good fails every daily job until someone handles it.
    notice = dead_notice(spool)
    for line in notice:
        print(line, file=sys.stderr)
    return 1 if notice else worst


def _rewrite(args: argparse.Namespace) -> Rewrite | None:
    from .rewrites import Rewrite

    reason = (getattr(args, "reason", None) or "").strip()
    if not getattr(args, "rewrite", False):
        if reason:
            raise BurninError("--reason goes with --rewrite (it says why recorded days change)")
        return None
    if not reason:
        raise BurninError(
            "--rewrite needs --reason TEXT: why the recorded days must change (it is kept "
            "with the old records and shown by the burn-in verdict)"
        )
    import getpass

    try:
        who = getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        who = ""
    return Rewrite(reason, who)


@_guard
def cmd_status(args: argparse.Namespace) -> int:
    """Print every burn-in verdict and ``GA-ready`` or what is missing; 0 only when GA-ready."""
    from .loading import load_project
    from .verdict import BurnInState, evaluate_all, status

    spec = load_project(args.specs, announce=True).burnin(args.name)
    as_of = _day(args.as_of, "--as-of") if args.as_of else None
    with Store(_store_path(args, spec)) as store:
        state = BurnInState.load(store, spec, as_of=as_of)
    for key, ev in evaluate_all(state).items():
        if key == "exit":
            continue
        print(f"{'PASS' if ev.passed else 'FAIL'}  {ev.headline}")
        for line in ev.details[:10]:
            print(f"        {line}")
    text = status(state)
    print(text)
    return 0 if text == "GA-ready" else 1


@_guard
def cmd_incident(args: argparse.Namespace) -> int:
    """``open TITLE``, ``resolve ID`` or ``list`` incidents (with MTTR)."""
    from .incidents import (
        human_duration,
        list_incidents,
        mttr_seconds,
        open_incident,
        resolve_incident,
    )

    with Store(_store_path(args)) as store:
        if args.action == "open":
            n = open_incident(store, args.title, severity=args.severity, note=args.note or "")
            print(f"opened incident #{n}: {args.title} ({args.severity})")
        elif args.action == "resolve":
            inc = resolve_incident(store, args.id, note=args.note or "")
            took = human_duration(
                ((inc.resolved_at or inc.opened_at) - inc.opened_at).total_seconds()
            )
            print(f"resolved incident #{inc.id} after {took}")
        else:
            incidents = list_incidents(store, open_only=args.open)
            now = utc_now()
            for i in incidents:
                end = i.resolved_at or now
                state = "resolved" if i.resolved_at else "OPEN"
                age = human_duration((end - i.opened_at).total_seconds())
                print(f"#{i.id}  {state:8}  {i.severity}  {iso(i.opened_at)}  {age:>7}  {i.title}")
            mttr = mttr_seconds(incidents)
            open_count = sum(1 for i in incidents if i.is_open)
            shown = "n/a" if mttr is None else human_duration(mttr)
            print(f"{len(incidents)} incident(s), {open_count} open, MTTR {shown}")
    return 0


@_guard
def cmd_freeze(args: argparse.Namespace) -> int:
    """Record changed frozen files under an open incident (``--incident N --note TEXT``)."""
    from .freeze import record_change
    from .loading import load_project

    spec = load_project(args.specs).burnin(args.name)
    if not spec.frozen:
        raise BurninError(f"burn-in {spec.name!r} lists no frozen files")
    with Store(_store_path(args, spec)) as store:
        paths = record_change(
            store,
            spec.name,
            spec.root,
            spec.frozen,
            incident_id=args.incident,
            note=args.note,
            identity=spec.identity,
        )
    if not paths:
        print("frozen files: no change to record")
        return 0
    for p in paths:
        print(f"recorded change of {p} under incident #{args.incident}")
    return 0


@_guard
def cmd_ingest(args: argparse.Namespace) -> int:
    """Store the samples of OpenMetrics / Prometheus text files (``-`` reads stdin)."""
    from ..openmetrics import OpenMetricsError
    from ..store.ingest import ingest_text

    default_ts = None
    if args.timestamp == "now":
        default_ts = int(utc_now().timestamp() * 1000)
    elif args.timestamp:
        try:
            stamp = datetime.fromisoformat(args.timestamp.replace("Z", "+00:00"))
        except ValueError:
            raise BurninError(f"--timestamp {args.timestamp!r} is not RFC 3339 or 'now'") from None
        if stamp.tzinfo is None:
            raise BurninError("--timestamp needs a time zone (e.g. 2026-11-28T00:00:00Z)")
        default_ts = int(stamp.timestamp() * 1000)
    with Store(_store_path(args)) as store:
        for name in args.files:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            try:
                stats = ingest_text(store, text, source=name, default_timestamp_ms=default_ts)
            except OpenMetricsError as exc:
                raise BurninError(str(exc)) from None
            span = ""
            if stats.min_ts is not None and stats.max_ts is not None:
                lo = datetime.fromtimestamp(stats.min_ts / 1000, tz=utc_now().tzinfo)
                hi = datetime.fromtimestamp(stats.max_ts / 1000, tz=utc_now().tzinfo)
                span = f", {iso(lo)} .. {iso(hi)}"
            print(f"ingested {name}: {stats.series} series, {stats.samples} samples{span}")
    return 0


@_guard
def cmd_schedule(args: argparse.Namespace) -> int:
    """Print the daily job as a GitHub Actions workflow, systemd units or a crontab line."""
    from .schedule import Job, emit

    job = Job(
        specs=args.specs_path,
        store=args.store or DEFAULT_STORE,
        at=args.at,
        name=args.job_name,
        workdir=args.workdir,
        burnin=args.burnin_command,
        pytest=args.pytest_command,
    )
    kind = args.emit or args.kind
    if kind is None:
        raise BurninError("say what to emit: --emit github|systemd|cron")
    sys.stdout.write(emit(kind, job))
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the burn-in subcommands; each sets ``func`` to its ``cmd_*``."""

    def common(p: argparse.ArgumentParser, specs: bool = True) -> None:
        p.add_argument(
            "--store",
            help=f"history store: a file or postgresql://USER@HOST:PORT/DB (default: {DEFAULT_STORE}).",
        )
        if specs:
            p.add_argument(
                "specs",
                nargs="*",
                default=[],
                help="spec files or folders (default: burnin_specs).",
            )
            p.add_argument("--name", help="the BurnIn entry (default: the only one).")

    p = sub.add_parser("record", help="record the burn-in's checks for a day.")
    common(p)
    p.add_argument(
        "--day",
        "--date",
        dest="day",
        action="append",
        help="YYYY-MM-DD (repeatable; default yesterday).",
    )
    p.add_argument("--from", dest="from_day", help="first day of a range to fill (YYYY-MM-DD).")
    p.add_argument("--to", dest="to_day", help="last day of the range (default yesterday).")
    p.add_argument("--source", help="evaluate with this Source entry, or 'local' (the store).")
    p.add_argument("--no-remediate", action="store_true", help="do not run the remediation.")
    p.add_argument(
        "--rewrite",
        action="store_true",
        help="replace days already recorded with a different result (needs --reason; audited).",
    )
    p.add_argument("--reason", help="why recorded days are rewritten (kept with the old records).")
    p.set_defaults(func=cmd_record)
    p = sub.add_parser("status", help="the burn-in verdicts: GA-ready or what is missing.")
    common(p)
    p.add_argument("--as-of", help="judge the days up to YYYY-MM-DD (default yesterday).")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("incident", help="open, resolve or list incidents.")
    common(p, specs=False)
    isub = p.add_subparsers(dest="action", required=True)
    o = isub.add_parser("open", help="open an incident.")
    o.add_argument("title")
    o.add_argument("--severity", default="sev3", choices=["sev1", "sev2", "sev3", "sev4"])
    o.add_argument("--note")
    r = isub.add_parser("resolve", help="resolve an incident.")
    r.add_argument("id", type=int)
    r.add_argument("--note")
    ls = isub.add_parser("list", help="list incidents with MTTR.")
    ls.add_argument("--open", action="store_true", help="only unresolved ones.")
    p.set_defaults(func=cmd_incident)
    p = sub.add_parser("freeze", help="record a frozen file's change under an open incident.")
    common(p)
    p.add_argument("--incident", type=int, required=True)
    p.add_argument("--note", required=True, help="what changed and why.")
    p.set_defaults(func=cmd_freeze)
    p = sub.add_parser("ingest", help="store samples from OpenMetrics text for the local source.")
    common(p, specs=False)
    p.add_argument("files", nargs="+", help="OpenMetrics / Prometheus text files, or -.")
    p.add_argument("--timestamp", help="time of samples written without one: RFC 3339 or 'now'.")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("store", help="check the history store, or back it up.")
    common(p, specs=False)
    ssub = p.add_subparsers(dest="action", required=True)
    ssub.add_parser("check", help="SQLite's integrity check: exit 0 sound, 1 damaged.")
    b = ssub.add_parser("backup", help="a consistent copy of the store.")
    b.add_argument("dest", help="file to write.")
    p.set_defaults(func=_guard(cmd_store))
    from ..store.commands import add_migrate_parser

    add_migrate_parser(ssub)  # its own func: --from/--to, not --store
    p = sub.add_parser("schedule", help="print the daily job: github, systemd or cron.")
    common(p, specs=False)
    p.add_argument("kind", nargs="?", choices=["github", "systemd", "cron"])
    p.add_argument("--emit", choices=["github", "systemd", "cron"], help="what to write.")
    p.add_argument("--at", default="00:30", help="HH:MM UTC (default 00:30).")
    p.add_argument("--specs", dest="specs_path", default="slo_specs")
    p.add_argument("--job-name", default="burnin")
    p.add_argument("--workdir", default=".")
    p.add_argument("--burnin-command", default="burnin", help="path of burnin (a venv's).")
    p.add_argument("--pytest-command", default="pytest", help="path of pytest (a venv's).")
    p.set_defaults(func=cmd_schedule)
