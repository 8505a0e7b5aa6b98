"""``kind: BurnIn`` as a ``KindHandler``: one item per burn-in, judged on its exit criteria.

No pytest here: the plugin registers ``BurnInKind()`` beside the built-in kinds.
The item passes only when the exit criteria are met; each part (days,
objectives, alerts, incidents, frozen files) is one line of its details and a
``burnin.<part>`` property, so a failure's first line says what is missing.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BurninError, EvaluationError
from ..kinds import Evaluation
from .spec import BurnInSpec

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from ..spec.model import Entry


class BurnInKind:
    kind = "BurnIn"
    schema: str | None = "burnin.schema.yaml"

    def __init__(
        self,
        *,
        as_of: date | None = None,
        now: datetime | None = None,
        in_progress_passes: bool = False,
    ) -> None:
        # Fixed dates make a run reproducible (tests, re-judging a past day).
        self.as_of = as_of
        self.now = now
        # The daily job may want a healthy burn-in that has days left to run to
        # pass ("on track"); a release gate wants it to fail until the exit.
        self.in_progress_passes = in_progress_passes

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        spec = entry.spec
        return [
            ("burnin.start", str(spec.get("start", ""))),
            ("burnin.length", str(spec.get("length", "30d"))),
            ("burnin.slos", ",".join(map(str, spec.get("slos", ())))),
        ]

    def check_references(self, entry: Entry, project: Project) -> None:
        """Every SLO it judges and every channel it notifies is defined."""
        for name in entry.spec.get("slos", ()) or ():
            if not any(e.name == name for e in project.entries("SLO")):
                raise EvaluationError(
                    f"{entry.where('slos')}: the burn-in lists SLO {name!r}, which no spec "
                    f"file defines (SLOs: {', '.join(e.name for e in project.entries('SLO'))})"
                )
        for name in entry.spec.get("notify", ()) or ():
            project.named("Channel", str(name), entry)
        # An alert no rule of the project defines can never fire: a typo here
        # would count no firing and pass. Alerts from rules outside the project
        # (no rule file in it at all) cannot be checked.
        defined = sorted({e.payload[1].name for e in project.entries("Rule")})
        for i, alert in enumerate(entry.spec.get("alerts", ()) or ()):
            if defined and alert not in defined:
                raise EvaluationError(
                    f"{entry.where('alerts', i)}: the burn-in lists alert {alert!r}, which no "
                    f"alerting rule of the project defines (alerts: {', '.join(defined)})"
                )
        # A frozen file that does not exist cannot be held unchanged: the
        # freeze would hold nothing.
        from ..spec.references import require_files

        frozen = entry.spec.get("frozen")
        if isinstance(frozen, list):
            require_files(
                entry, "frozen file", frozen, "frozen", base=BurnInSpec.from_entry(entry).root
            )

    def check(self, entry: Entry) -> None:
        BurnInSpec.from_entry(entry)  # raises SpecError naming file:line

    def store_path(self, spec: BurnInSpec, ctx: RunContext) -> Path:
        path = Path(spec.store) if spec.store else ctx.settings.store
        return path if path.is_absolute() else ctx.rootdir / path

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from ..store.location import masked, store_exists
        from ..store.sqlite import Store, StoreError
        from .verdict import VERDICTS, BurnInState, exit_verdict

        spec = BurnInSpec.from_entry(entry)
        path = self.store_path(spec, ctx)
        if not store_exists(path):
            raise EvaluationError(
                f"{entry.where('start')}: no history store at {path}; the daily job "
                "'burnin record' creates it (see 'burnin schedule')"
            )
        try:
            with Store(path) as store:
                state = BurnInState.load(store, spec, as_of=self.as_of, now=self.now)
        except StoreError as exc:
            raise EvaluationError(str(exc)) from None
        except BurninError as exc:
            raise EvaluationError(f"{entry.where()}: {exc}") from None
        parts = {k: f(state) for k, f in VERDICTS.items()}
        ex = exit_verdict(state, parts)
        details = [f"{'PASS' if e.passed else 'FAIL'} {e.headline}" for e in parts.values()]
        for e in parts.values():
            details += [f"  {line}" for line in e.details[:10] if not e.passed]
        details.append(f"store: {masked(path)}")
        props = dict(ex.properties)
        for e in parts.values():
            props.update(dict(e.properties))
        passed, headline = ex.passed, ex.headline
        in_progress_passes = self.in_progress_passes or ctx.settings.in_progress_passes
        if not passed and in_progress_passes and all(e.passed for e in parts.values()):
            n, length = state.day_number, spec.length_days
            passed, headline = (
                True,
                f"BurnIn {spec.name}: on track, day {n} of {length}, all criteria met so far",
            )
        props["burnin.headline"] = headline
        return Evaluation(passed, headline, details, list(props.items()))
