"""pytest glue of promtool's ``--run``: test groups whose names match none of the
``burnin_promtool_run`` regexes are deselected, as ``promtool test rules --run``
leaves them out. Imports nothing of the core at import time.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from .state import STATE_KEY

    state = config.stash.get(STATE_KEY, None)
    if state is None or not state.settings.promtool_run:
        return
    from ..promql.goregex import unanchored

    patterns = [unanchored(p) for p in state.settings.promtool_run]
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        entry = getattr(item, "entry", None)
        if entry is None or entry.kind != "PromtoolTest":
            keep.append(item)
            continue
        _, group = entry.payload
        name = group.name or ""
        (keep if any(p.search(name) for p in patterns) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
