"""The release gate: ``kind: Checklist`` items, evidence checks, sign-offs, GA.

Pure core except ``glue.py`` (the pytest plugin) and ``hookspecs.py``. ``model``
reads a checklist, ``checks`` and ``settings`` are the built-in evidence
types, ``signoffs`` and ``gitinfo`` bind sign-offs to an item and a commit,
``kind`` judges an item, ``render`` writes RELEASE_CHECKLIST.md, ``ga`` records
a GA declaration, ``commands`` are the CLI bodies.
"""

from __future__ import annotations
