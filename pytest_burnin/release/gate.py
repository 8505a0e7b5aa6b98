"""The two evidence types that judge the run itself: ``gate`` and ``burnin``.

``gate`` reads the outcomes of this run's other burn-in items (the glue
orders gate items after them); ``burnin`` judges a ``kind: BurnIn``'s exit
criteria with ``pytest_burnin.burnin.verdict``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import BurninError, EvaluationError
from .model import KIND, ChecklistItem, Evidence

if TYPE_CHECKING:
    from ..context import RunContext


class RunResult(Protocol):
    """What the gate needs of a verdict (``pytest_burnin.plugin.state.Result`` has it)."""

    kind: str
    name: str
    outcome: str


Results = Callable[[], Sequence[RunResult]]


def _is_gate(entry: Any) -> bool:
    payload = getattr(entry, "payload", None)
    return (
        entry.kind == KIND and isinstance(payload, ChecklistItem) and payload.check_type == "gate"
    )


def check_gate(
    item: ChecklistItem, check: dict[str, Any], ctx: RunContext, results: Results
) -> Evidence:
    kinds = [str(k) for k in check.get("kinds", [])]
    every = "*" in kinds  # every kind but Checklist: new kinds join the gate by themselves

    def gated(kind: str) -> bool:
        return kind != KIND if every else kind in kinds

    expected = [(e.kind, e.name) for e in ctx.entries if gated(e.kind) and not _is_gate(e)]
    outcome: dict[tuple[str, str], str] = {}
    for r in results():
        outcome.setdefault((r.kind, r.name), r.outcome)
        if r.outcome != "passed":
            outcome[(r.kind, r.name)] = r.outcome
    keys = list(dict.fromkeys([*expected, *(k for k in outcome if gated(k[0]))]))
    keys = [k for k in keys if k != (KIND, item.qualified)]
    shown = "burn-in" if every else ", ".join(kinds)
    ran = sorted({k for k, _ in keys})
    props = [("evidence.kinds", ", ".join(ran)), ("evidence.items", str(len(keys)))]
    if not keys:
        return Evidence(False, f"no {shown} item ran in this run", [], props)
    bad = [(k, outcome.get(k, "not run")) for k in keys if outcome.get(k) != "passed"]
    props.append(("evidence.not_passing", ", ".join(f"{k}:{n} ({o})" for (k, n), o in bad)))
    if bad:
        (k, n), o = bad[0]
        more = f" (+{len(bad) - 1} more)" if len(bad) > 1 else ""
        details = [f"{kk}:{nn}: {oo}" for (kk, nn), oo in bad]
        return Evidence(
            False,
            f"{len(bad)} of {len(keys)} gate items not green: {k}:{n} {o}{more}",
            details,
            props,
        )
    return Evidence(True, f"all {len(keys)} {shown} items passed in this run", [], props)


def check_burnin(item: ChecklistItem, check: dict[str, Any], ctx: RunContext | None) -> Evidence:
    from ..burnin.spec import BurnInSpec
    from ..burnin.verdict import BurnInState, exit_verdict
    from ..paths import DEFAULT_STORE
    from ..store.location import store_exists
    from ..store.sqlite import Store, StoreError

    name, spec, spec_file = _burnin_spec(item, check.get("name"), ctx)
    try:
        burnin = BurnInSpec.from_mapping(name, spec, spec_file.parent)
    except BurninError as exc:
        raise EvaluationError(f"BurnIn {name} in {spec_file}: {exc}") from None
    root = ctx.rootdir if ctx is not None else item.options.base
    default = ctx.settings.store if ctx is not None else Path(DEFAULT_STORE)
    store_path = Path(burnin.store) if burnin.store else default
    store_path = store_path if store_path.is_absolute() else root / store_path
    if not store_exists(store_path):
        raise EvaluationError(
            f"no burn-in history store at {store_path}; the daily job 'burnin record' creates it"
        )
    try:
        with Store(store_path) as store:
            state = BurnInState.load(store, burnin)
    except (StoreError, BurninError) as exc:
        raise EvaluationError(f"BurnIn {name}: {exc}") from None
    ex = exit_verdict(state)
    summary = ex.headline.split(": ", 1)[-1]
    props = [("evidence.burnin", name), *((f"evidence.{k}", v) for k, v in ex.properties)]
    return Evidence(ex.passed, f"BurnIn {name}: {summary}", list(ex.details), props)


def _burnin_spec(
    item: ChecklistItem, name: Any, ctx: RunContext | None
) -> tuple[str, dict[str, Any], Path]:
    """The BurnIn entry the item names (or the project's only one), from the project model."""
    if ctx is None:
        # Outside a run: the project is the folder the checklist lives in.
        from ..project import project_at

        folder = item.options.spec_file.parent
        project = project_at(folder, [folder])
    else:
        project = ctx.project
    try:
        entry = project.named("BurnIn", None if name is None else str(name))
    except EvaluationError as exc:
        raise EvaluationError(f"{item.where('check')}: {exc}") from None
    return entry.name, entry.spec, entry.path
