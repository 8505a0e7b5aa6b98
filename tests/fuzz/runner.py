"""The differential fuzzer: random data and PromQL, a real Prometheus and our engine.

``Fuzzer.run`` generates datasets (``data.py``), pushes each into the real
server under a prefix of its own (``remote_write.py``) and into a fresh
``Storage``, then asks both sides random expressions (``gen.py``) as instant
queries at two times and as one range query (``compare.py``). A disagreement
is shrunk (expression first, then data) to a minimal case and printed as a
promql ``.test`` script: ``load`` block, ``eval`` command, Prometheus' answer
as the expectation and ours as a comment.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.storage import STALE_NAN, Storage
from pytest_burnin.promql.typecheck import FUNCTIONS

from . import remote_write
from .compare import Outcome, Query, agree, ask_engine, ask_prometheus
from .data import STALE, DataGenerator, Dataset, SeriesData
from .gen import (
    AGGREGATIONS,
    SIMPLEST,
    SKIPPED_FUNCTIONS,
    ExprGenerator,
    Node,
)
from .printed import render_case
from .shrink import shrink_candidates

EXPRESSIONS_PER_DATASET = 8
SHRINK_ATTEMPTS = 300


@dataclass
class Target:
    """A running Prometheus and the engine mode that must agree with it."""

    name: str  # "prometheus 3.5.3"
    url: str
    compat: int
    functions: set[str] = field(default_factory=set)
    aggregations: set[str] = field(default_factory=set)


@dataclass
class Finding:
    data: Dataset
    expr: Node
    query: Query
    theirs: Outcome
    ours: Outcome

    def cause(self) -> str:
        """A coarse class: what each side answered, and the expression's outermost operation."""
        return f"P {self.theirs.kind} / E {self.ours.kind}: {outermost(self.expr.text())}"


@dataclass
class Report:
    expressions: int = 0
    queries: int = 0
    findings: list[Finding] = field(default_factory=list)  # shrunk, one per cause
    raw_findings: int = 0
    seconds: float = 0.0
    causes: dict[str, int] = field(default_factory=dict)


def outermost(text: str) -> str:
    stripped = text.lstrip("-( ")
    head = re.match(r"[a-z_]+", stripped)
    if head and stripped[head.end() :].lstrip().startswith(("(", " by", " without")):
        return head.group(0)
    op = re.search(
        r"\) (and|or|unless|atan2|[-+*/%^]|[=!<>]=?|==)( bool)?(?: (on|ignoring)\([^)]*\))?( group_\w+)?",
        text,
    )
    if op:
        return " ".join(x.strip() for x in op.groups() if x)
    return "selector" if head else "literal"


def probe(url: str, compat: int) -> tuple[set[str], set[str]]:
    """The functions and aggregations the server knows (experimental ones where enabled)."""
    functions = set()
    for name, (args, _variadic, _ret) in FUNCTIONS.items():
        if name in SKIPPED_FUNCTIONS or (compat == 3 and name == "holt_winters"):
            continue
        call = f"{name}({', '.join(SIMPLEST[a.value]().text() for a in args)})"
        # These arguments are valid for every function, so any error means "unknown".
        if ask_prometheus(url, call, Query(0)).kind != "error":
            functions.add(name)
    aggregations = set()
    for op in AGGREGATIONS:
        param = {"count_values": '"v", ', "quantile": "0.5, ", "limit_ratio": "0.5, "}.get(
            op, "1, " if op in ("topk", "bottomk", "limitk") else ""
        )
        if ask_prometheus(url, f"{op}({param}m0)", Query(0)).kind != "error":
            aggregations.add(op)
    return functions, aggregations


def load(data: Dataset, prefix: str) -> Storage:
    storage = Storage()
    for labels, samples in data.samples(prefix):
        for t, v in samples:
            storage.append(labels, t, STALE_NAN if v == STALE else float(v))
    return storage


class Fuzzer:
    def __init__(
        self,
        target: Target,
        seed: int,
        log: Callable[[str], None] = print,
        explain: Callable[[Finding, int], str | None] = lambda f, compat: None,
    ) -> None:
        self.target = target
        self.explain = explain
        self.rng = random.Random(seed)
        self.data_gen = DataGenerator(self.rng)
        self.expr_gen = ExprGenerator(self.rng, target.functions, target.aggregations)
        self.log = log
        self.cases = 0

    def prefix(self) -> str:
        self.cases += 1
        return f"c{self.cases}_"

    def queries(self, data: Dataset) -> list[Query]:
        rng = self.rng
        end = data.end_ms + 6 * 60_000
        grid = data.step_ms
        times = [rng.randrange(0, end // grid + 1) * grid, rng.randrange(0, end // 1000 + 1) * 1000]
        step = rng.choice((15_000, 30_000, 60_000, 37_000, 120_000))
        start = rng.randrange(0, data.end_ms // 1000 + 1) * 1000
        return [Query(t) for t in times] + [Query(start, start + step * rng.randint(1, 12), step)]

    def run(self, count: int, budget_s: float) -> Report:
        report = Report()
        started = time.monotonic()
        while report.expressions < count and time.monotonic() - started < budget_s:
            data = self.data_gen.dataset()
            prefix = self.prefix()
            remote_write.push(self.target.url, data.samples(prefix))
            engine = Engine(load(data, prefix), compat=self.target.compat)
            for _ in range(EXPRESSIONS_PER_DATASET):
                expr = self.expr_gen.expr()
                report.expressions += 1
                for q in self.queries(data):
                    report.queries += 1
                    text = expr.text(prefix)
                    theirs = ask_prometheus(self.target.url, text, q)
                    ours = ask_engine(engine, text, q)
                    if agree(theirs, ours):
                        continue
                    report.raw_findings += 1
                    found = Finding(data, expr, q, theirs, ours)
                    cause = self.classify(found)
                    small = None
                    if cause.startswith("UNEXPLAINED"):
                        # Each unexplained finding is shrunk and classed by its minimal form.
                        small = self.shrink(found)
                        cause = self.classify(small)
                    if cause not in report.causes:
                        small = small or self.shrink(found)
                        report.findings.append(small)
                        self.log(f"# {cause}\n{render_case(small, self.target)}")
                    report.causes[cause] = report.causes.get(cause, 0) + 1
                    break  # one finding per expression
        report.seconds = time.monotonic() - started
        return report

    def classify(self, f: Finding) -> str:
        """The known cause's name, or UNEXPLAINED with the coarse class."""
        known = self.explain(f, self.target.compat)
        return f"known: {known}" if known else f"UNEXPLAINED {f.cause()}"

    # -- shrinking ------------------------------------------------------------------

    def still_differs(
        self, data: Dataset, expr: Node, q: Query, kinds: tuple[str, str]
    ) -> Finding | None:
        prefix = self.prefix()
        remote_write.push(self.target.url, data.samples(prefix))
        text = expr.text(prefix)
        theirs = ask_prometheus(self.target.url, text, q)
        ours = ask_engine(Engine(load(data, prefix), compat=self.target.compat), text, q)
        if agree(theirs, ours) or (theirs.kind == "error") != (kinds[0] == "error"):
            return None
        if (ours.kind in ("error", "crash")) != (kinds[1] in ("error", "crash")):
            return None
        return Finding(data, expr, q, theirs, ours)

    def shrink(self, f: Finding) -> Finding:
        kinds = (f.theirs.kind, f.ours.kind)
        budget = [SHRINK_ATTEMPTS]

        def attempt(data: Dataset, expr: Node) -> Finding | None:
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            return self.still_differs(data, expr, f.query, kinds)

        best = f
        progress = True
        while progress and budget[0] > 0:
            progress = False
            for smaller in shrink_candidates(best.expr):
                if (smaller.size(), len(smaller.text())) >= (
                    best.expr.size(),
                    len(best.expr.text()),
                ):
                    continue  # only strictly smaller trees, so shrinking ends
                got = attempt(best.data, smaller)
                if got is not None:
                    best, progress = got, True
                    break
            if progress:
                continue
            for data in data_candidates(best.data):
                got = attempt(data, best.expr)
                if got is not None:
                    best, progress = got, True
                    break
        return best


def data_candidates(data: Dataset) -> list[Dataset]:
    out = []
    for i in range(len(data.series)):
        out.append(replace(data, series=data.series[:i] + data.series[i + 1 :]))
    if data.length > 1:
        out.append(replace(data, series=[SeriesData(s.labels, s.points[:-1]) for s in data.series]))
        out.append(replace(data, series=[SeriesData(s.labels, s.points[1:]) for s in data.series]))
    for i, s in enumerate(data.series):
        for j, p in enumerate(s.points):
            if p is not None:
                points = list(s.points)
                points[j] = None
                out.append(
                    replace(
                        data,
                        series=[
                            *data.series[:i],
                            SeriesData(s.labels, points),
                            *data.series[i + 1 :],
                        ],
                    )
                )
    return out
