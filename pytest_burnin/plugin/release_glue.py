"""pytest glue of the release gate: checklist items run after every other burn-in
item, and gate items last of all. Imports nothing of the core at import time.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Checklist items run after every other item, and gate items last of all:
    a gate reads the outcomes of the items before it. ``trylast``, so no other
    plugin reorders after us."""

    def rank(item: pytest.Item) -> int:
        entry = getattr(item, "entry", None)
        if entry is None or entry.kind != "Checklist":
            return 0
        return 2 if getattr(entry.payload, "check_type", "") == "gate" else 1

    if any(rank(i) for i in items):
        items.sort(key=rank)  # stable: the order within each rank is kept
