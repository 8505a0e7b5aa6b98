"""Sign-off records (``signoffs.yaml``) and whether each still holds.

A record names a person and a role and is bound to the item's content hash
and to a commit. It stops holding when the item changes, when the checkout
is not a descendant of that commit, or when anything but the release records
themselves (sign-offs, GA declarations, the rendered checklist) changed since:
so signing, committing ``signoffs.yaml`` and re-rendering the checklist does
not invalidate what was just signed, while any code or spec change does, and
so do uncommitted changes to tracked files. Who signed is checked too: the
record's digest and the author of the commit that added it (``identity.py``).
Writers take a lock, so concurrent ``burnin signoff`` commands lose no record.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..fileio import atomic_write
from . import gitinfo
from .identity import adding_commit, person_key, record_digest, tree_of
from .model import ChecklistItem

HEADER = (
    "# Release sign-offs, written by `burnin signoff` (review them in the pull request).\n"
    "# Each record is bound to the item's content hash and to a commit: changing the item,\n"
    "# or releasing another commit, invalidates it. Old records are kept as history.\n"
)


@dataclass(frozen=True)
class Record:
    item: str  # "<checklist>/<item>"
    by: str
    role: str
    at: str  # ISO 8601 UTC
    commit: str
    item_hash: str
    note: str = ""
    email: str = ""
    digest: str = ""  # identity.record_digest of the fields above (and the commit's tree)


@dataclass
class Judgement:
    record: Record | None  # the record that holds, if any
    why: str  # when none holds: why, in a phrase
    proof: str = ""  # when one holds: the commit that added it, and its signature state


def read_records(path: Path) -> list[Record]:
    import yaml

    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = data.get("signoffs", []) if isinstance(data, dict) else []
    fields = set(Record.__dataclass_fields__)
    out = []
    for row in rows or []:
        if isinstance(row, dict) and {"item", "by", "role", "commit", "item_hash"} <= set(row):
            out.append(Record(**{k: str(v) for k, v in row.items() if k in fields}))
    return out


def append_record(path: Path, record: Record) -> None:
    """Add a record, keeping the others; atomic (temp file, fsync, rename) and locked.

    The read-modify-write runs under an exclusive ``flock`` on the file's folder:
    two ``burnin signoff`` commands at once would otherwise both read the old
    file and the second rename would drop the first one's record.
    """
    import yaml

    with locked(path):
        rows = [_row(r) for r in read_records(path)] + [_row(record)]
        text = HEADER + yaml.safe_dump({"signoffs": rows}, sort_keys=False, allow_unicode=True)
        atomic_write(path, text)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s folder while the block runs.

    The folder rather than a lock file: nothing extra appears in the
    repository to be committed, and the lock is released when the descriptor
    closes, even when the process is killed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _row(r: Record) -> dict[str, str]:
    return {k: v for k, v in asdict(r).items() if v != ""}


def record_files(items: list[ChecklistItem]) -> set[Path]:
    """Files whose changes after a sign-off do not invalidate it: the release records."""
    out: set[Path] = set()
    for item in items:
        out.add(item.options.signoffs_file.resolve())
        out.add(item.options.ga_file.resolve())
        if item.check and item.check.get("type") == "docs" and "path" in item.check:
            out.add(item.path(str(item.check["path"])).resolve())
    return out


def judge_all(
    items: list[ChecklistItem], records: list[Record], repo: Path
) -> dict[str, Judgement]:
    """Item (qualified name) -> judgement, for every sign-off item of one checklist."""
    signoff_items = [i for i in items if i.role is not None]
    try:
        head = gitinfo.head(repo)
        top = gitinfo.toplevel(repo)
    except gitinfo.NotARepository as exc:
        why = f"not a git checkout ({exc}), and a sign-off is bound to a commit"
        return {i.qualified: Judgement(None, why) for i in signoff_items}
    allowed = {_rel(p, top) for p in record_files(items)}
    dirty = [p for p in gitinfo.modified(repo) if p not in allowed]
    if dirty:
        more = f" (+{len(dirty) - 3} more)" if len(dirty) > 3 else ""
        why = (
            f"the checkout has uncommitted changes ({', '.join(dirty[:3])}{more}): a sign-off "
            "holds only for committed code and frozen files; commit or revert them"
        )
        return {i.qualified: Judgement(None, why) for i in signoff_items}
    out = {i.qualified: _judge(i, records, repo, head, allowed) for i in signoff_items}
    if items and items[0].options.distinct_signers:
        _distinct(signoff_items, out)
    return out


def _rel(path: Path, top: Path) -> str:
    try:
        return path.relative_to(top.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _judge(
    item: ChecklistItem, records: list[Record], repo: Path, head: str, allowed: set[str]
) -> Judgement:
    mine = [r for r in records if r.item == item.qualified]
    if not mine:
        return Judgement(None, f"no sign-off recorded (burnin signoff {item.qualified} ...)")
    problems = []
    for rec in sorted(mine, key=lambda r: r.at, reverse=True):
        problem = _problem(item, rec, repo, head, allowed)
        if problem is None:
            return Judgement(rec, "", _proof(item, rec, repo))
        problems.append(problem)
    return Judgement(None, problems[0])


def _problem(
    item: ChecklistItem, rec: Record, repo: Path, head: str, allowed: set[str]
) -> str | None:
    if rec.role != item.role:
        return f"{rec.by} signed as {rec.role}, but this item needs a {item.role}"
    if rec.item_hash != item.content_hash:
        return f"stale: the item changed since {rec.by} signed it on {rec.at[:10]}"
    changed = gitinfo.changed_since(repo, rec.commit, head)
    if changed is None:
        return (
            f"{rec.by} signed for commit {rec.commit[:12]}, which is not an ancestor "
            f"of the checked-out commit {head[:12]}"
        )
    moved = [p for p in changed if p not in allowed]
    if moved:
        more = f" (+{len(moved) - 3} more)" if len(moved) > 3 else ""
        return (
            f"stale: {rec.by} signed commit {rec.commit[:12]}; since then "
            f"{', '.join(moved[:3])}{more} changed"
        )
    who = gitinfo.change_author(repo, rec.commit, allowed)
    if who is not None and _same_person(rec, who):
        return (
            f"{rec.by} wrote the change being released (commit {rec.commit[:12]}); "
            "someone else must sign"
        )
    return _identity_problem(item, rec, repo)


def _identity_problem(item: ChecklistItem, rec: Record, repo: Path) -> str | None:
    """The record is what ``burnin signoff`` wrote, committed by the person it names."""
    tree = tree_of(repo, rec.commit) or ""
    expected = record_digest(
        item=rec.item,
        by=rec.by,
        email=rec.email,
        role=rec.role,
        commit=rec.commit,
        tree=tree,
        item_hash=rec.item_hash,
        at=rec.at,
    )
    if rec.digest != expected:
        what = "has no digest" if not rec.digest else "does not match its digest"
        return (
            f"the record of {rec.by} {what}: it was not written by 'burnin signoff' or was "
            "edited by hand; sign again with 'burnin signoff'"
        )
    adder = adding_commit(repo, item.options.signoffs_file, rec.digest)
    if adder is None:
        return (
            f"{rec.by}'s sign-off is not committed: the signer commits "
            f"{item.options.signoffs_file.name} (the commit's author is the proof of who signed)"
        )
    if not adder.author.is_(rec.by, rec.email):
        return (
            f"the record naming {rec.by} was committed by {adder.author} (commit "
            f"{adder.commit[:12]}), not by the signer: a sign-off is committed by its signer"
        )
    if item.options.signed_signoffs and not adder.signed_by(rec.by, rec.email):
        state = _SIGNATURES.get(adder.signature, adder.signature)
        key = f" by {adder.key_owner}" if adder.key_owner else ""
        return (
            f"{rec.by}'s sign-off was committed in {adder.commit[:12]} without the signer's "
            f"good signature ({state}{key}); this checklist wants signed sign-offs: "
            "commit it with 'git commit -S' and a key trusted here"
        )
    return None


_SIGNATURES = {
    "G": "good signature",
    "U": "good signature, key of unknown validity",
    "X": "good signature, expired",
    "Y": "good signature, expired key",
    "R": "good signature, revoked key",
    "E": "signature not checkable here",
    "B": "BAD signature",
    "N": "unsigned: the author name is a claim, see docs/integrity.md",
}


def _proof(item: ChecklistItem, rec: Record, repo: Path) -> str:
    adder = adding_commit(repo, item.options.signoffs_file, rec.digest)
    if adder is None:
        return ""
    state = _SIGNATURES.get(adder.signature, f"signature state {adder.signature}")
    return f"committed by {adder.author} in {adder.commit[:12]} ({state})"


def _same_person(rec: Record, who: tuple[str, str]) -> bool:
    name, email = who
    if rec.email and email and rec.email.strip().casefold() == email.strip().casefold():
        return True
    return person_key(rec.by) == person_key(name)


def _distinct(items: list[ChecklistItem], out: dict[str, Judgement]) -> None:
    # The earliest sign-off of a person keeps its role; later ones by the same
    # person for another role stop holding, so the outcome does not depend on order.
    held = sorted(
        ((i, out[i.qualified].record) for i in items if out[i.qualified].record is not None),
        key=lambda pair: pair[1].at if pair[1] else "",
    )
    first_role: dict[str, tuple[str, str]] = {}
    emails: dict[str, str] = {}  # e-mail -> person: one person under two spellings
    for item, rec in held:
        assert rec is not None
        person = person_key(rec.by)
        email = rec.email.strip().casefold()
        if email:
            person = emails.setdefault(email, person)
        if person in first_role and first_role[person][0] != rec.role:
            role, other = first_role[person]
            out[item.qualified] = Judgement(
                None,
                f"{rec.by} already signed {other} as {role}; distinct_signers wants "
                f"another person for {rec.role}",
            )
        else:
            first_role.setdefault(person, (rec.role, item.qualified))


def as_properties(rec: Record) -> list[tuple[str, str]]:
    props = [
        ("signer", rec.by),
        ("role", rec.role),
        ("signed_at", rec.at),
        ("signed_commit", rec.commit),
    ]
    if rec.note:
        props.append(("signoff_note", rec.note))
    return props


def load_for(items: list[ChecklistItem]) -> list[Record]:
    return read_records(items[0].options.signoffs_file) if items else []


def to_mapping(rec: Record) -> dict[str, Any]:
    return asdict(rec)
