"""``kind: MetricsCheck`` as a ``KindHandler``: is a metrics endpoint fit for the rules and SLOs?"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EvaluationError
from ..kinds import Evaluation

if TYPE_CHECKING:
    from ..context import RunContext
    from ..project import Project
    from ..spec.model import Entry

DEFAULT_TIMEOUT_S = 10.0


class MetricsCheckKind:
    kind = "MetricsCheck"
    schema: str | None = "metricscheck.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        return [("target", str(entry.spec.get("url") or entry.spec.get("file")))]

    def check(self, entry: Entry) -> None:
        for i, rel in enumerate(entry.spec.get("rules", [])):
            if not (entry.path.parent / rel).is_file():
                raise entry.error(("rules", i), f"rule file {rel!r} not found")

    def check_references(self, entry: Entry, project: Project) -> None:
        """The saved scrape it reads exists (validate says so, not only the run)."""
        from ..spec.references import require_files

        if "file" in entry.spec:
            require_files(entry, "metrics file", entry.spec["file"], "file")

    def _text(self, entry: Entry) -> tuple[str, str]:
        from .metricscheck import fetch

        spec = entry.spec
        if "file" in spec:
            path = entry.path.parent / str(spec["file"])
            try:
                return path.read_text(encoding="utf-8"), str(spec["file"])
            except OSError as exc:
                raise EvaluationError(f"{entry.where('file')}: cannot read {path}: {exc}") from None
        url = str(spec["url"])
        try:
            return fetch(url, float(spec.get("timeout", DEFAULT_TIMEOUT_S))), url
        except Exception as exc:  # requests' errors: unreachable is could-not-evaluate
            raise EvaluationError(f"{entry.where('url')}: cannot scrape {url}: {exc}") from None

    def _exprs(self, entry: Entry, ctx: RunContext) -> tuple[list[tuple[str, str]], set[str]]:
        from ..slo.evaluate import substitute
        from .metricscheck import rule_exprs

        exprs: list[tuple[str, str]] = []
        produced: set[str] = set()
        for rel in entry.spec.get("rules", []):
            found, recorded = rule_exprs(Path(entry.path.parent / rel))
            exprs += found
            produced |= recorded
        if entry.spec.get("slos", True):
            for slo in ctx.of_kind("SLO"):
                body = slo.spec.get("indicator", {})
                for part in (body.get("ratio") or {}, body.get("threshold") or {}):
                    for key, q in sorted(part.items()):
                        if isinstance(q, str):
                            exprs.append((f"SLO {slo.name}: {key}", substitute(q, "5m")))
        return exprs, produced

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        from .metricscheck import missing_series, promtool_problems, sample_names

        text, target = self._text(entry)
        head = f"MetricsCheck {entry.name}"
        try:
            exposed = sample_names(text)
        except ValueError as exc:
            return Evaluation(False, f"{head}: {target} does not parse: {exc}")
        exprs, produced = self._exprs(entry, ctx)
        missing = missing_series(exprs, exposed, produced | set(entry.spec.get("ignore", [])))
        props = [("series_exposed", str(len(exposed))), ("queries_checked", str(len(exprs)))]
        if missing:
            details = [
                f"{name}: used by {', '.join(where)}" for name, where in sorted(missing.items())
            ]
            return Evaluation(
                False,
                f"{head}: {len(missing)} series used by rules/SLOs missing from {target}: "
                + ", ".join(sorted(missing)),
                details,
                props,
            )
        mode = entry.spec.get("promtool", "auto")
        problems = None if mode == "off" else promtool_problems(text)
        if problems is None and mode == "required":
            raise EvaluationError(f"{entry.where('promtool')}: promtool is not installed")
        if problems:
            return Evaluation(
                False, f"{head}: promtool check metrics: {problems[0]}", problems[1:], props
            )
        lint = "promtool clean" if problems == [] else "promtool not run"
        return Evaluation(
            True,
            f"{head}: {target} parses, {len(exposed)} series, all {len(exprs)} queries' series present, {lint}",
            properties=props,
        )
