"""Items an SLO brings with it: the proofs that its generated alerts page in time
(``SLOAlerts:<slo>/<check>``) and the committed files its specs generate
(``Docs:SLOs.md``, ``Generated:slo.rules.yaml``). Pure core: the pytest layer
adds these items beside each SLO item (``plugin/slo_glue.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EvaluationError
from ..kinds import Evaluation

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry

DOCS_FILE = "docs/SLOs.md"
RULES_FILE = "generated/slo.rules.yaml"  # under a spec folder, so the rule lint collects it


class SLOAlertsKind:
    """Not a spec kind of its own: evaluates one behaviour check of an SLO's alerts."""

    kind = "SLOAlerts"
    schema: str | None = None

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        rules, name = entry.payload
        return [("check", name)] if rules is not None else []

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .behaviour import run_check
        from .proof_cache import folder_for, shared

        rules, name = entry.payload
        if rules is None:
            raise EvaluationError(f"cannot generate the alerts: {name}")
        # Shared by the run's SLOs and, on disk beside the spool, by xdist workers and later runs.
        return run_check(rules, name, shared(folder_for(ctx.spool_dir)))


class GeneratedFileKind:
    """``Docs:SLOs.md``, ``Generated:slo.rules.yaml``: a committed file is what the specs make."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.schema: str | None = None

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        return [("file", str(entry.payload[1]))]

    def check(self, entry: Entry) -> None:
        return None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .docs import load_slos, render
        from .rules_gen import generate

        spec_paths, target = entry.payload
        shown = _shown(target, ctx.rootdir)
        entries = load_slos(spec_paths)
        if self.kind == "Docs":
            expected, command = render(entries, ctx.rootdir), "burnin docs"
        else:
            expected, command = generate(entries), f"burnin rules -o {shown}"
        if target.read_text(encoding="utf-8") != expected:
            return Evaluation(
                False,
                f"{shown} is out of date: run `{command}`",
                details=["it differs from what the SLO specs generate now"],
            )
        return Evaluation(True, f"{shown} is up to date with the SLO specs")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
