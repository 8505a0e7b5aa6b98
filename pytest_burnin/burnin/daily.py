"""The daily job inside a pytest run (``pytest --burnin --burnin-record[=DAY]``).

Records, for every collected BurnIn entry, its SLOs for one day from the
sources the run already uses, then lets the BurnIn items judge the history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BurninError, EvaluationError

if TYPE_CHECKING:
    from ..context import RunContext


def parse_day(text: str) -> date:
    if text == "yesterday":
        return datetime.now(timezone.utc).date() - timedelta(days=1)
    if text == "today":
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BurninError(f"--burnin-record {text!r} is not a date (YYYY-MM-DD)") from None


def record_for_run(
    ctx: RunContext, day_text: str, remediate: Callable[[Any, date, Any], Any], root: Path
) -> list[str]:
    """Record ``day`` for each BurnIn entry of the run; one line of news per entry."""
    from ..store.location import is_postgres
    from ..store.sqlite import Store
    from .freeze import record_baseline
    from .notify import notify_failures
    from .records import RunInfo, SloCheck, record_day
    from .spec import BurnInSpec

    day = parse_day(day_text)
    slos = {e.name: e for e in ctx.of_kind("SLO")}
    lines = []
    for entry in ctx.of_kind("BurnIn"):
        spec = BurnInSpec.from_entry(entry)
        missing = [n for n in spec.slos if n not in slos]
        if missing:
            raise BurninError(
                f"{entry.where('slos')}: no SLO entry named {', '.join(missing)} in this run"
            )
        checks = []
        for name in spec.slos:
            try:
                source = ctx.source(slos[name].spec.get("source"), slos[name])
            except EvaluationError as exc:
                raise BurninError(str(exc)) from None
            checks.append(SloCheck(slos[name], window=spec.window, source=source))
        # The BurnIn's own store:, else the ini's burnin_store (as the item that judges it reads).
        path = Path(spec.store) if spec.store else ctx.settings.store
        path = path if path.is_absolute() else root / path
        if not is_postgres(path):
            path.parent.mkdir(parents=True, exist_ok=True)

        def for_spec(d: date, outcome: Any, spec: BurnInSpec = spec) -> Any:
            return remediate(spec, d, outcome)

        with Store(path) as store:
            if spec.frozen:
                record_baseline(store, spec.name, spec.root, spec.frozen, identity=spec.identity)
            result = record_day(
                store, day, checks, None, remediate=for_spec, run=RunInfo.current(None)
            )
            channels = {n: ctx.channel(n, entry) for n in spec.notify}
            news = notify_failures(store, spec, day, result.outcomes, channels, ctx.spool_dir)
        parts = [
            f"{o.name} {'no value' if o.value is None else f'{o.value:.6g}'} {o.verdict}"
            for o in result.outcomes
        ]
        lines.append(f"{spec.name} {day}: " + ", ".join(parts))
        lines.extend(f"  {o.name}: {o.error}" for o in result.outcomes if o.error)
        lines.extend(f"  {n}" for n in news)
    return lines
