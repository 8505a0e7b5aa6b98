"""``burnin signoff``, ``burnin release-docs`` and ``burnin ga``.

Registered by ``pytest_burnin.cli`` (``COMMAND_MODULES``). Exit codes: 0 done,
1 not done (something is missing), 2 refused (a usage or repository problem).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

SPECS_HELP = "spec files or folders with the Checklist specs (default: burnin_specs)."


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("signoff", help="sign a release-checklist item, or list what is pending.")
    p.add_argument("item", nargs="?", help="the item: <checklist>/<item> (or Checklist:<...>).")
    p.add_argument("--by", help="who signs: checked against your git identity (default: it).")
    p.add_argument("--role", help="the role signed for; must be the item's role.")
    p.add_argument("--email", default="", help="your e-mail: checked against your git identity.")
    p.add_argument("--note", default="", help="a note kept with the record.")
    p.add_argument("--list", action="store_true", help="list sign-off items and their state.")
    p.add_argument("--specs", nargs="+", default=[], help=SPECS_HELP)
    p.set_defaults(func=signoff)
    d = sub.add_parser("release-docs", help="write RELEASE_CHECKLIST.md from the Checklist specs.")
    d.add_argument("--specs", nargs="+", default=[], help=SPECS_HELP)
    d.add_argument(
        "-o", "--output", help="write one file for all checklists (default: each docs item's path)."
    )
    d.add_argument("--check", action="store_true", help="write nothing; exit 1 when out of date.")
    d.set_defaults(func=release_docs)
    g = sub.add_parser("ga", help="record a GA declaration when the release gate is green.")
    g.add_argument("--specs", nargs="+", default=[], help=SPECS_HELP)
    g.add_argument(
        "--junit",
        help="judge this report of pytest --burnin --burnin-release instead of running it.",
    )
    g.add_argument("--dry-run", action="store_true", help="say whether GA holds; write nothing.")
    g.set_defaults(func=ga)


def _items(specs: list[str]) -> list[Any]:
    from .kind import load_items
    from .model import spec_files

    return list(load_items(spec_files(specs)))


def _find(items: list[Any], wanted: str) -> Any:
    wanted = wanted.removeprefix("Checklist:")
    hits = [i for i in items if wanted in (i.qualified, i.name)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        known = ", ".join(i.qualified for i in items if i.role) or "none"
        raise SystemExit(_fail(f"no checklist item {wanted!r}; sign-off items: {known}"))
    raise SystemExit(
        _fail(
            f"{wanted!r} is ambiguous: {', '.join(i.qualified for i in hits)}; name the checklist"
        )
    )


def _fail(message: str, code: int = 2) -> int:
    print(f"burnin: {message}", file=sys.stderr)
    return code


def signoff(args: argparse.Namespace) -> int:
    from ..errors import SpecError

    try:
        items = _items(args.specs)
    except SpecError as exc:
        return _fail(str(exc))
    if args.list:
        return list_signoffs(items)
    if not (args.item and args.role):
        return _fail("sign with: burnin signoff ITEM --role ROLE [--by YOUR NAME] (or --list)")
    try:
        item = _find(items, args.item)
    except SystemExit as exc:
        return int(exc.code or 2)
    return record_signoff(item, args.by or "", args.role, note=args.note, email=args.email)


def record_signoff(item: Any, by: str, role: str, *, note: str = "", email: str = "") -> int:
    """Sign ``item`` as the git identity running this; ``by``/``email``, when given, must be it."""
    from . import gitinfo
    from .identity import current_identity, person_key, record_digest, tree_of
    from .signoffs import Record, append_record, judge_all, load_for, record_files

    if item.role is None:
        return _fail(
            f"{item.qualified} is an evidence item ({item.check_type}): it is checked, not signed"
        )
    if role != item.role:
        return _fail(f"{item.qualified} needs a sign-off as {item.role}, not {role}")
    folder = item.options.spec_file.parent
    try:
        head = gitinfo.head(folder)
        top = gitinfo.toplevel(folder)
    except gitinfo.NotARepository as exc:
        return _fail(f"cannot sign: a sign-off is bound to a commit, and {exc}")
    me = current_identity(folder)
    if me is None:
        return _fail(
            "cannot sign: git has no identity for you; set user.name and user.email "
            "(git config, or GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL): you commit the sign-off, "
            "and that commit's author is the proof of who signed"
        )
    if (by.strip() and not me.is_(by)) or (email.strip() and not me.is_("", email)):
        claimed = " ".join(x for x in (by.strip(), f"<{email.strip()}>" if email else "") if x)
        return _fail(
            f"--by {claimed} is not you: git says you are {me}; a person signs as themselves "
            "(run it as them, with their git identity)"
        )
    if gitinfo.dirty(folder, item.options.spec_file):
        return _fail(
            f"{item.options.spec_file.name} has uncommitted changes: commit them first, "
            "a sign-off is bound to the committed item"
        )
    allowed = set()
    for p in record_files(item.siblings):
        try:
            allowed.add(p.relative_to(top.resolve()).as_posix())
        except ValueError:
            continue
    dirty = [p for p in gitinfo.modified(folder) if p not in allowed]
    if dirty:
        return _fail(
            f"uncommitted changes ({', '.join(dirty[:3])}): a sign-off is bound to the "
            "committed code and frozen files; commit or revert them first"
        )
    who = gitinfo.change_author(folder, head, allowed)
    if who is not None and (me.is_(*who)):
        return _fail(
            f"{me.name} wrote the change being released (commit {head[:12]}); someone else must sign"
        )
    if item.options.distinct_signers:
        held = judge_all(item.siblings, load_for(item.siblings), folder)
        for other in item.siblings:
            judged = held.get(other.qualified)
            rec = judged.record if judged else None
            if rec and other.role != role and person_key(rec.by) == person_key(me.name):
                return _fail(
                    f"{me.name} already signed {other.qualified} as {other.role}; "
                    "this checklist wants distinct signers"
                )
    from .ga import now_utc

    at = now_utc().strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = {
        "item": item.qualified,
        "by": me.name,
        "email": me.email,
        "role": role,
        "commit": head,
        "item_hash": item.content_hash,
        "at": at,
    }
    digest = record_digest(tree=tree_of(folder, head) or "", **fields)
    record = Record(**fields, note=note, digest=digest)
    append_record(item.options.signoffs_file, record)
    print(
        f"signed {item.qualified} as {role} by {me} for commit {head[:12]}; recorded in "
        f"{item.options.signoffs_file}. Commit it yourself (your commit is the proof), "
        "then run `burnin release-docs`."
    )
    return 0


def list_signoffs(items: list[Any]) -> int:
    from .signoffs import judge_all, load_for

    by_checklist: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        by_checklist.setdefault((str(item.options.spec_file), item.options.name), []).append(item)
    pending = 0
    for group in by_checklist.values():
        judged = judge_all(group, load_for(group), group[0].options.spec_file.parent)
        for item in group:
            if item.role is None:
                continue
            j = judged[item.qualified]
            if j.record is None:
                pending += 1
                print(f"pending  {item.qualified}  needs a {item.role}: {j.why}")
            else:
                r = j.record
                print(
                    f"signed   {item.qualified}  by {r.by} as {r.role} on {r.at} ({r.commit[:12]})"
                )
    print(f"{pending} sign-off(s) pending")
    return 0


def release_docs(args: argparse.Namespace) -> int:
    from ..errors import SpecError
    from .model import spec_files
    from .render import render_release_checklist

    try:
        files = spec_files(args.specs)
        targets = _doc_targets(files, args.output)
    except SpecError as exc:
        return _fail(str(exc))
    if not targets:
        return _fail("no docs item in the checklists; name a file with -o RELEASE_CHECKLIST.md")
    stale = 0
    for target, sources in targets.items():
        text = render_release_checklist(sources, relative_to=target.parent)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            print(f"{target}: up to date")
            continue
        stale += 1
        if args.check:
            print(f"{target}: out of date")
        else:
            from ..fileio import atomic_write

            atomic_write(target, text)
            print(f"wrote {target}")
    return 1 if args.check and stale else 0


def _doc_targets(files: list[Path], output: str | None) -> dict[Path, list[Path]]:
    from .kind import load_items

    if output:
        return {Path(output).resolve(): [f.resolve() for f in files]}
    targets: dict[Path, list[Path]] = {}
    for item in load_items(files):
        if item.check is not None and item.check_type == "docs":
            sources = [item.path(str(s)) for s in item.check.get("from", [])] or [
                item.options.spec_file
            ]
            targets[item.path(str(item.check["path"])).resolve()] = sources
    return targets


def ga(args: argparse.Namespace) -> int:
    from . import gitinfo
    from .ga import append_declaration, declaration, missing, now_utc, read_report, run_gate

    try:
        head = gitinfo.head(Path.cwd())
    except gitinfo.NotARepository as exc:
        return _fail(f"cannot declare GA: {exc}")
    if args.junit:
        report = Path(args.junit)
        if not report.is_file():
            return _fail(f"no JUnit report at {report}")
    else:
        print("running the release gate: pytest --burnin --burnin-release ...")
        _, report = run_gate(Path.cwd(), [])
        if not report.is_file():
            return _fail("the release gate wrote no report (see pytest's output)")
    cases = read_report(report)
    if not args.junit:
        import shutil

        shutil.rmtree(report.parent, ignore_errors=True)
    gaps = missing(cases, head)
    if gaps:
        print(f"not GA: {len(gaps)} thing(s) missing:", file=sys.stderr)
        for gap in gaps:
            print(f"  - {gap}", file=sys.stderr)
        return 1
    decl = declaration(
        cases, head, str(args.junit or "pytest --burnin --burnin-release"), now_utc()
    )
    ga_files = sorted({str(i.options.ga_file) for i in _items(args.specs)})
    if args.dry_run:
        print(
            f"GA holds for commit {head[:12]} ({decl['items']} checklist items); --dry-run: not recorded"
        )
        return 0
    for path in ga_files:
        append_declaration(Path(path), decl)
        print(f"GA declared for commit {head[:12]}: recorded in {path}")
    return 0
