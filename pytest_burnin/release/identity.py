"""Who signed: a sign-off bound to a git identity, a digest and the commit that added it.

What can be verified without a GPG key, and what cannot:

* **The signer is whoever git says runs ``burnin signoff``** (``git var
  GIT_AUTHOR_IDENT``: ``user.name``/``user.email`` or ``GIT_AUTHOR_*``). A
  ``--by`` that is not that identity is refused, so ``--by`` is no longer free
  text.
* **The record is bound** to its item, role, signer, the commit it signs and
  that commit's tree (a Merkle digest of every file, frozen files included) by
  ``digest``; the gate recomputes it, so a record edited by hand (another
  signer, commit or item) stops holding.
* **The record must be committed, by its signer**: the gate finds the commit
  that added the record's digest to ``signoffs.yaml`` (``git log -S``) and
  checks that its author is the signer. A record someone else wrote into the
  file, and every record not yet committed, does not hold.
* **Not verifiable without signatures**: git author names are claims. Someone
  who sets ``GIT_AUTHOR_NAME`` to another person's name and commits can still
  impersonate them. A Checklist with ``signed_signoffs: true`` closes that: the
  adding commit must carry a good signature (``%G?`` is ``G``: a key the local
  GnuPG trusts) whose user id is the signer. Without it, the JUnit property
  ``signoff_proof`` says the commit was unsigned, and review of the pull
  request that adds ``signoffs.yaml`` remains the control.

Names are compared normalised (Unicode NFC, whitespace collapsed, casefolded),
so ``"Grace  Hopper"`` and ``"grace hopper"`` are one person.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import gitinfo

_SPACE = re.compile(r"\s+")


def display_name(name: str) -> str:
    """A name as recorded: NFC, runs of whitespace as one space, no edges."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", name)).strip()


def person_key(name: str) -> str:
    """A name as compared: ``display_name``, casefolded (and NFC again: casefold can denormalise)."""
    return unicodedata.normalize("NFC", display_name(name).casefold())


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def is_(self, name: str, email: str = "") -> bool:
        """Is ``name`` (or ``email``) this person?"""
        if email and self.email and email.strip().casefold() == self.email.casefold():
            return True
        return bool(name.strip()) and person_key(name) == person_key(self.name)

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


_IDENT = re.compile(r"^(?P<name>.*?) <(?P<email>[^>]*)> \d+ [+-]\d{4}$")


def current_identity(cwd: Path) -> Identity | None:
    """The git identity commits made here would carry (None: git has none configured)."""
    res = gitinfo.run_git(cwd, "var", "GIT_AUTHOR_IDENT")
    m = _IDENT.match(res.stdout.strip()) if res.returncode == 0 else None
    if m is None or not m["name"].strip():
        return None
    return Identity(display_name(m["name"]), m["email"].strip())


def tree_of(cwd: Path, commit: str) -> str | None:
    res = gitinfo.run_git(cwd, "rev-parse", "--verify", "--quiet", f"{commit}^{{tree}}")
    return res.stdout.strip() or None if res.returncode == 0 else None


def record_digest(
    *, item: str, by: str, email: str, role: str, commit: str, tree: str, item_hash: str, at: str
) -> str:
    """The digest a record carries: every field that makes it this sign-off, canonically."""
    body = {
        "item": item,
        "by": person_key(by),
        "email": email.strip().casefold(),
        "role": role,
        "commit": commit,
        "tree": tree,
        "item_hash": item_hash,
        "at": at,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Adder:
    """The commit that added a record to the sign-off file, and who wrote it."""

    commit: str
    author: Identity
    signature: str  # git's %G?: G good, N none, B bad, U good but untrusted key, ...
    key_owner: str = ""  # git's %GS: the signing key's user id ("Name <email>")

    def signed_by(self, name: str, email: str) -> bool:
        """A good, trusted signature from a key whose user id is this person."""
        if self.signature != "G":
            return False
        m = re.match(r"^(?P<name>.*?)\s*(?:<(?P<email>[^>]*)>)?$", self.key_owner.strip())
        if m is None:
            return False
        key = Identity(display_name(m["name"] or ""), (m["email"] or "").strip())
        return key.is_(name, email)


def adding_commit(cwd: Path, path: Path, digest: str) -> Adder | None:
    """The oldest commit whose change to ``path`` added ``digest`` (None: never committed)."""
    res = gitinfo.run_git(
        cwd,
        "log",
        "--reverse",
        "--format=%H%x1f%an%x1f%ae%x1f%G?%x1f%GS",
        "-S",
        digest,
        "--",
        str(path),
    )
    if res.returncode != 0:
        return None
    for line in res.stdout.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 5:
            author = Identity(display_name(parts[1]), parts[2])
            return Adder(parts[0], author, parts[3], parts[4])
    return None
