"""Replay a case the fuzzer printed (``load`` block, one ``eval``, Prometheus' answer)
against the engine alone, compared exactly as the fuzzer compares: no server.

The printed case is a small subset of promql ``.test`` syntax: ``load <step>``
with series lines, then ``eval[_fail] instant at <t> <expr>`` or ``eval[_fail]
range from <t> to <t> step <d> <expr>``, then Prometheus' answer, one series
per line (``_`` for a step without a point). Comment lines are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.lexer import parse_duration
from pytest_burnin.promql.series_notation import parse_series, parse_series_values
from pytest_burnin.promql.storage import Storage

from .compare import Outcome, Query, agree, ask_engine

_INSTANT = re.compile(r"^eval(_fail)? instant at (\S+) (.+)$")
_RANGE = re.compile(r"^eval(_fail)? range from (\S+) to (\S+) step (\S+) (.+)$")


def _ms(text: str) -> int:
    return 0 if text == "0" else parse_duration(text)


@dataclass
class Case:
    storage: Storage
    expr: str
    query: Query
    fail: bool
    expected: list[str]  # Prometheus' answer, one series per line

    def recorded(self, kind: str) -> Outcome:
        if self.fail:
            return Outcome("error", text="(an error)")
        return _expected(self.expected, self.query, kind)


def parse_case(text: str) -> Case:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    storage = Storage()
    i = 0
    if lines[0].startswith("load "):
        step = _ms(lines[0].split()[1])
        i = 1
        while i < len(lines) and lines[i].startswith(" "):
            labels, values = parse_series(lines[i].strip())
            for n, v in enumerate(values):
                if v is not None:
                    storage.append(labels, n * step, v)
            i += 1
    head, expected = lines[i], [ln.strip() for ln in lines[i + 1 :]]
    if m := _RANGE.match(head):
        q = Query(_ms(m.group(2)), _ms(m.group(3)), _ms(m.group(4)))
        return Case(storage, m.group(5), q, bool(m.group(1)), expected)
    if m := _INSTANT.match(head):
        return Case(storage, m.group(3), Query(_ms(m.group(2))), bool(m.group(1)), expected)
    raise ValueError(f"not an eval command: {head!r}")


def replay(text: str, compat: int) -> tuple[Outcome, Outcome]:
    """(Prometheus' recorded answer, the engine's answer now)."""
    case = parse_case(text)
    ours = ask_engine(Engine(case.storage, compat=compat), case.expr, case.query)
    return case.recorded(ours.kind), ours


def _expected(lines: list[str], q: Query, kind: str) -> Outcome:
    """The recorded answer as an Outcome of the kind the engine gave (a recorded
    empty answer is empty whatever its kind)."""
    if len(lines) == 1 and not lines[0].startswith("{") and re.match(r"^[-+\w.]+$", lines[0]):
        (v,) = parse_series_values(lines[0])
        assert v is not None
        return Outcome("scalar", (((), ((q.start_ms, v),)),))
    series = []
    for line in lines:
        labels, values = parse_series(line)
        if q.is_range:
            steps = range(q.start_ms, q.end_ms + 1, q.step_ms)
            pts = tuple((t, v) for t, v in zip(steps, values, strict=False) if v is not None)
        else:
            pts = ((q.start_ms, values[0] if values[0] is not None else float("nan")),)
        series.append((labels, pts))
    out_kind = "matrix" if q.is_range else "vector"
    if not series and kind in ("vector", "matrix"):
        out_kind = kind
    return Outcome(out_kind, tuple(sorted(series)))


def differs(text: str, compat: int) -> str | None:
    """None when the engine agrees with the recorded answer, else both answers."""
    theirs, ours = replay(text, compat)
    if agree(theirs, ours):
        return None
    return f"Prometheus: {theirs.describe()}\nengine:     {ours.describe()}"
