"""An interpreter for Prometheus' PromQL test scripts (``promql/promqltest/testdata/*.test``).

It reads both the 2.42 format (``eval``, ``eval_fail``, ``eval_ordered``) and
the current one (``eval range from .. to .. step ..``, indented ``expect``
lines), runs each command against ``Engine`` and reports one ``CaseResult``
per eval command. Pure Python, no pytest: ``tests/promql/test_scripts.py`` and
``scripts/conformance_promql.py`` are thin layers over ``run_script``.

Like upstream, an instant eval is checked twice: as an instant query, and as
a range query (t-1m .. t+1m, step 1m) whose middle step must give the same
result. Floats compare with a relative tolerance of 1e-6 (``almost_equal``).

Native histograms load from the ``{{schema:... buckets:[...]}}`` notation;
expected histograms compare as promqltest compares them (after compaction,
floats within the tolerance, the counter reset hint only when the expectation
names it). ``load_with_nhcb`` blocks also convert their classic histograms
(``_bucket``/``_count``/``_sum``) into native histograms with custom buckets,
named after the base metric, as upstream's loader does. A query the engine
refuses with NativeHistogramUnsupported is skipped with that reason.

Annotations (``expect warn``/``info``) are checked against the subset of
Prometheus' warnings and infos this engine emits (see ``Engine.last_annotations``).

The current scripts run with ``delayed_name_removal=True``, as upstream's test
engine does. Start-timestamp lines (``metric@st ...``, an experimental 3.x
storage feature) load into ``Series.sts``; native-histogram functions read
them, float functions do not yet, so the float cases that depend on them fail.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from pytest_burnin.promql import ast, goregex
from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.float_histogram import (
    CUSTOM_BUCKETS_SCHEMA,
    FloatHistogram,
    histograms_match,
)
from pytest_burnin.promql.gomath import almost_equal
from pytest_burnin.promql.labels import METRIC_NAME, Labels, format_labels, labels_from
from pytest_burnin.promql.storage import Storage
from pytest_burnin.promql.values import (
    Matrix,
    NativeHistogramUnsupported,
    QueryError,
    Sample,
    Scalar,
    String,
    Vector,
)

EPSILON = 1e-6
_EVAL_INSTANT = re.compile(
    r"^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$"
)
_EVAL_RANGE = re.compile(
    r"^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$"
)
_EXPECT = re.compile(r"^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$")
_EXPECT_RANGE = re.compile(r"^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$")
_QUERY_CONTEXT_FUNCS = re.compile(r"(start|end|range|step)\(\)")
_LOAD = re.compile(r"^load(?:_(with_nhcb))?\s+(.+?)$")


@dataclass
class CaseResult:
    line: int
    expr: str
    status: str  # "passed" | "failed" | "skipped"
    reason: str = ""


@dataclass
class _Expect:
    kind: str
    msg: str | None = None
    regex: str | None = None

    def matches(self, text: str) -> bool:
        if self.regex is not None:
            return goregex.unanchored(self.regex).search(text) is not None
        return self.msg is None or self.msg == text


@dataclass
class _Eval:
    line: int
    expr: str
    is_range: bool
    start: int
    end: int
    step: int
    flags: set[str] = field(default_factory=set)
    expects: list[_Expect] = field(default_factory=list)
    expected: dict[Labels, tuple[int, list[_Value]]] = field(default_factory=dict)
    expect_scalar: float | None = None
    expect_string: str | None = None
    range_vector: tuple[int, int, int] | None = None
    histogram: bool = False  # expectations mention a native histogram

    @property
    def fail(self) -> bool:
        return "fail" in self.flags or any(e.kind == "fail" for e in self.expects)

    @property
    def ordered(self) -> bool:
        return "ordered" in self.flags or any(e.kind == "ordered" for e in self.expects)


_Value = float | tuple[FloatHistogram, bool] | None  # a float, (histogram, hint given), or none


class _Skip(Exception):
    pass


class _Mismatch(Exception):
    pass


def _duration(text: str) -> int:
    from pytest_burnin.promql.parser import parse_duration

    return parse_duration(text.strip())


def _load(storage: Storage, step: int, body: list[str], nhcb: bool) -> None:
    from pytest_burnin.promql.series_notation import parse_series_mixed

    classic: dict[Labels, dict[int, list[tuple[str, float, float]]]] = {}
    for text in body:
        first = text.split(None, 1)[0] if text.split() else ""
        if first.endswith("@st") or "}@st " in text:
            # Start timestamps (an experimental 3.x storage feature): offsets from
            # each sample's time. Native-histogram functions read them; float
            # functions do not (yet), so their dependent cases fail.
            st_labels, offsets = parse_series_mixed(text.replace("@st", "", 1))
            series = storage.get_or_create(st_labels)
            series.sts = series.sts or {}
            for i, v in enumerate(offsets):
                if isinstance(v, float):
                    series.sts[i * step] = i * step + round(v * 1000)
            continue
        labels, values = parse_series_mixed(text)
        for i, v in enumerate(values):
            if isinstance(v, tuple):
                storage.append_histogram(labels, i * step, v[0])
            elif v is not None:
                storage.append(labels, i * step, v)
        if nhcb:
            _collect_classic(classic, labels, values, step)
    for base, by_t in classic.items():
        for t in sorted(by_t):
            h = _classic_to_nhcb(by_t[t])
            if h is not None:
                storage.append_histogram(base, t, h)


def _collect_classic(
    classic: dict[Labels, dict[int, list[tuple[str, float, float]]]],
    labels: Labels,
    values: list[_Value],
    step: int,
) -> None:
    """Remember the samples of a _bucket/_count/_sum series under its base metric."""
    name = dict(labels).get(METRIC_NAME, "")
    for suffix in ("_bucket", "_sum", "_count"):
        if not name.endswith(suffix):
            continue
        le = math.nan
        if suffix == "_bucket":
            try:
                le = float(dict(labels).get("le", "nan").replace("Inf", "inf"))
            except ValueError:
                return
            if le != le:
                return
        base = labels_from(
            [
                *(p for p in labels if p[0] not in (METRIC_NAME, "le")),
                (METRIC_NAME, name[: -len(suffix)]),
            ]
        )
        by_t = classic.setdefault(base, {})
        for i, v in enumerate(values):
            if isinstance(v, float):
                by_t.setdefault(i * step, []).append((suffix, le, v))
        return


def _classic_to_nhcb(parts: list[tuple[str, float, float]]) -> FloatHistogram | None:
    """One classic histogram at one time as a histogram with custom buckets (convertnhcb)."""
    buckets: dict[float, float] = {}
    count: float | None = None
    total = 0.0
    for suffix, le, v in parts:
        if suffix == "_bucket":
            buckets.setdefault(le, v)
        elif suffix == "_count":
            count = v
        else:
            total = v
    bounds = sorted(buckets)
    cum = [buckets[b] for b in bounds]
    if any(c < 0 for c in cum) or any(b < a for a, b in itertools.pairwise(cum)):
        return None  # not cumulative: upstream refuses the conversion
    if count is None:
        count = cum[-1] if cum else 0.0
    if not bounds or bounds[-1] != math.inf:
        bounds.append(math.inf)
        cum.append(count)
    if count != cum[-1]:
        return None
    positive = {i: c - (cum[i - 1] if i else 0.0) for i, c in enumerate(cum)}
    return FloatHistogram(
        schema=CUSTOM_BUCKETS_SCHEMA,
        count=count,
        sum=total,
        positive=positive,
        custom_values=tuple(bounds[:-1]),
    ).compact()


def _metric_of(text: str) -> Labels:
    from pytest_burnin.promql.series_notation import parse_metric

    depth = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == "\\":
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return parse_metric(text[: i + 1])
        elif ch in " \t" and depth == 0:
            return parse_metric(text[:i])
    return parse_metric(text)


def _parse_eval(line_no: int, head: str, body: list[str]) -> _Eval:
    m = _EVAL_INSTANT.match(head)
    if m:
        mod, at, expr = m.group(1), m.group(2), m.group(3)
        t = _duration(at) if at else 0
        cmd = _Eval(line_no, expr, False, t, t, 0)
    else:
        r = _EVAL_RANGE.match(head)
        if r is None:
            raise ValueError(f"line {line_no}: invalid eval command {head!r}")
        mod, expr = r.group(1), r.group(5)
        cmd = _Eval(line_no, expr, True, _duration(r.group(2)), _duration(r.group(3)), 0)
        cmd.step = _duration(r.group(4))
    if mod:
        cmd.flags.add(mod)
    from pytest_burnin.promql.literals import parse_number
    from pytest_burnin.promql.series_notation import parse_series_mixed

    pos = 0
    for text in body:
        if text.startswith("expected_fail_message"):
            cmd.expects.append(_Expect("fail", msg=text[len("expected_fail_message") :].strip()))
            break
        if text.startswith("expected_fail_regexp"):
            pat = text[len("expected_fail_regexp") :].strip()
            cmd.expects.append(_Expect("fail", regex=pat))
            break
        rv = _EXPECT_RANGE.match(text)
        if rv:
            cmd.range_vector = (
                _duration(rv.group(1)),
                _duration(rv.group(2)),
                _duration(rv.group(3)),
            )
            continue
        if text.startswith("expect string"):
            from pytest_burnin.promql.literals import unquote

            cmd.expect_string = unquote(text[len("expect string") :].strip())
            continue
        if text.split(" ")[0] == "expect":
            e = _EXPECT.match(text)
            if e is None:
                raise ValueError(f"line {line_no}: invalid expect line {text!r}")
            kind, how, what = e.group(1), e.group(2), e.group(3)
            what = what.strip() if what is not None else None
            cmd.expects.append(
                _Expect(
                    kind, msg=what if how == "msg" else None, regex=what if how == "regex" else None
                )
            )
            continue
        try:
            cmd.expect_scalar = parse_number(text)
            break
        except Exception:
            pass
        pos += 1
        labels, vals = parse_series_mixed(text)
        cmd.expected[labels] = (pos, vals)
    return cmd


def _split_blocks(text: str) -> list[tuple[int, str, list[str]]]:
    lines = [ln.strip() for ln in text.split("\n")]
    lines = ["" if ln.startswith("#") else ln for ln in lines]
    out: list[tuple[int, str, list[str]]] = []
    i = 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        head, start = lines[i], i
        i += 1
        body: list[str] = []
        # "clear" is one line; load and eval blocks run to the next blank line.
        while head.lower() != "clear" and i < len(lines) and lines[i]:
            body.append(lines[i])
            i += 1
        out.append((start + 1, head, body))
    return out


def _selectors(expr: object) -> list[ast.VectorSelector]:
    found: list[ast.VectorSelector] = []

    def walk(node: object) -> None:
        if isinstance(node, ast.VectorSelector):
            found.append(node)
            return
        if isinstance(node, list):
            for n in node:
                walk(n)
            return
        if isinstance(node, ast.Expr):
            for value in vars(node).values():
                if isinstance(value, (ast.Expr, list)):
                    walk(value)

    walk(expr)
    return found


def run_script(text: str, compat: int = 3) -> list[CaseResult]:
    """Run one script; every eval command gives one CaseResult."""
    storage = Storage()
    engine = Engine(storage, compat=compat, delayed_name_removal=compat >= 3)
    results: list[CaseResult] = []
    for line_no, head, body in _split_blocks(text):
        word = head.split()[0].lower()
        if word == "clear":
            storage.clear()
            engine = Engine(storage, compat=compat, delayed_name_removal=compat >= 3)
            continue
        if word.startswith("load"):
            m = _LOAD.match(head)
            if m is None:
                raise ValueError(f"line {line_no}: invalid load command")
            _load(storage, _duration(m.group(2)), body, m.group(1) == "with_nhcb")
            continue
        if not word.startswith("eval"):
            raise ValueError(f"line {line_no}: invalid command {head!r}")
        try:
            cmd = _parse_eval(line_no, head, body)
        except NativeHistogramUnsupported:
            results.append(CaseResult(line_no, head, "skipped", "native histogram"))
            continue
        results.append(_run_eval(engine, cmd))
    return results


def _run_eval(engine: Engine, cmd: _Eval) -> CaseResult:
    try:
        _check(engine, cmd)
    except _Skip as exc:
        return CaseResult(cmd.line, cmd.expr, "skipped", str(exc))
    except _Mismatch as exc:
        return CaseResult(cmd.line, cmd.expr, "failed", str(exc))
    except Exception as exc:  # an engine crash is a failed case, not a crashed run
        return CaseResult(cmd.line, cmd.expr, "failed", f"{type(exc).__name__}: {exc}")
    return CaseResult(cmd.line, cmd.expr, "passed")


def _check(engine: Engine, cmd: _Eval) -> None:
    try:
        expr = engine.parse(cmd.expr)
    except Exception as exc:
        _expect_failure(cmd, exc)
        return
    try:
        if cmd.is_range:
            result: object = engine.range(expr, cmd.start, cmd.end, cmd.step)
        elif cmd.range_vector is not None:
            result = engine.instant(expr, cmd.range_vector[1])
        else:
            result = engine.instant(expr, cmd.start)
    except NativeHistogramUnsupported as exc:
        raise _Skip("native histogram") from exc
    except QueryError as exc:
        _expect_failure(cmd, exc)
        return
    if cmd.fail:
        raise _Mismatch("expected an error, got none")
    _check_annotations(cmd, engine.last_annotations)
    _compare(cmd, result)
    if (
        not cmd.is_range
        and not cmd.ordered
        and cmd.range_vector is None
        and cmd.expect_string is None
        # Query-context functions resolve differently in a range query.
        and not _QUERY_CONTEXT_FUNCS.search(cmd.expr)
    ):
        _check_range_mode(engine, expr, cmd)


def _with_name(vs: ast.VectorSelector) -> list[ast.Matcher]:
    ms = list(vs.matchers)
    if vs.name is not None and not any(m.name == METRIC_NAME for m in ms):
        ms.append(ast.Matcher(METRIC_NAME, ast.MatchType.EQUAL, vs.name))
    return ms


def _expect_failure(cmd: _Eval, exc: Exception) -> None:
    if not cmd.fail:
        raise _Mismatch(f"unexpected error: {exc}")
    fails = [e for e in cmd.expects if e.kind == "fail"]
    if fails and not fails[0].matches(str(exc)):
        raise _Mismatch(f"expected error {fails[0].msg or fails[0].regex!r}, got {str(exc)!r}")


def _check_annotations(cmd: _Eval, annos: tuple[list[str], list[str]]) -> None:
    warnings, infos = annos
    if "warn" in cmd.flags and not warnings:
        raise _Mismatch("expected warnings, got none")
    if "info" in cmd.flags and not infos:
        raise _Mismatch("expected info annotations, got none")
    for kind, actual in (("warn", warnings), ("info", infos)):
        wanted = [e for e in cmd.expects if e.kind == kind]
        if wanted:
            if not actual:
                raise _Mismatch(f"expected {kind} annotations, got none")
            for e in wanted:
                if not any(e.matches(a) for a in actual):
                    raise _Mismatch(f"expected {kind} {e.msg or e.regex!r}, got {actual}")
            for a in actual:
                if not any(e.matches(a) for e in wanted):
                    raise _Mismatch(f"unexpected {kind} annotation {a!r}")
        if any(e.kind == "no_" + kind for e in cmd.expects) and actual:
            raise _Mismatch(f"unexpected {kind} annotations: {actual}")


def _compare(cmd: _Eval, result: object) -> None:
    if isinstance(result, String):
        if cmd.expect_string != result.v:
            raise _Mismatch(f"expected string {cmd.expect_string!r}, got {result.v!r}")
        return
    if isinstance(result, Scalar):
        if cmd.expect_scalar is None:
            raise _Mismatch(f"expected a vector or matrix, got scalar {result.v}")
        if not almost_equal(cmd.expect_scalar, result.v, EPSILON):
            raise _Mismatch(f"expected scalar {cmd.expect_scalar}, got {result.v}")
        return
    if cmd.expect_scalar is not None:
        raise _Mismatch(f"expected scalar {cmd.expect_scalar}, got {type(result).__name__}")
    if isinstance(result, Vector):
        _compare_vector(cmd, result)
        return
    assert isinstance(result, Matrix)
    if cmd.ordered:
        raise _Mismatch("expected ordered result, but query returned a matrix")
    start, end, step = cmd.range_vector if cmd.range_vector else (cmd.start, cmd.end, cmd.step)
    seen = set()
    for series in result:
        exp = cmd.expected.get(series.labels)
        if exp is None:
            raise _Mismatch(f"unexpected series {_fmt(series.labels)}: {series.points[:5]}")
        seen.add(series.labels)
        want = [(start + i * step, v) for i, v in enumerate(exp[1]) if v is not None]
        if any(t > end for t, _ in want):
            raise _Mismatch(f"too many expected points for {_fmt(series.labels)}")
        got: list[tuple[int, float | FloatHistogram]] = sorted(
            [*series.points, *series.hpoints], key=lambda p: p[0]
        )
        if len(want) != len(got):
            raise _Mismatch(f"{_fmt(series.labels)}: expected {_show(want)}, got {_show(got)}")
        for (wt, wv), (gt, gv) in zip(want, got, strict=False):
            if wt != gt or not _value_matches(wv, gv):
                raise _Mismatch(f"{_fmt(series.labels)}: expected {_show(want)}, got {_show(got)}")
    missing = [lab for lab in cmd.expected if lab not in seen]
    if missing:
        raise _Mismatch(f"expected series {_fmt(missing[0])} not found")


def _compare_vector(cmd: _Eval, result: Vector) -> None:
    seen = set()
    for pos, s in enumerate(result, 1):
        exp = cmd.expected.get(s.labels)
        if exp is None:
            raise _Mismatch(f"unexpected metric {_fmt(s.labels)} with value {s.v}")
        if cmd.ordered and exp[0] != pos:
            raise _Mismatch(f"{_fmt(s.labels)} at position {pos}, expected {exp[0]}")
        want = exp[1][0] if exp[1] else None
        got = s.h if s.h is not None else s.v
        if want is None or not _value_matches(want, got):
            raise _Mismatch(f"expected {_show1(want)} for {_fmt(s.labels)}, got {_show1(got)}")
        seen.add(s.labels)
    missing = [lab for lab in cmd.expected if lab not in seen]
    if missing:
        raise _Mismatch(f"expected metric {_fmt(missing[0])} not found")


def _check_range_mode(engine: Engine, expr: ast.Expr, cmd: _Eval) -> None:
    """The instant result must also be the middle step of a t-1m..t+1m range query."""
    t = cmd.start
    try:
        mat = engine.range(expr, t - 60_000, t + 60_000, 60_000)
    except QueryError as exc:
        raise _Mismatch(f"range-mode evaluation failed: {exc}") from exc
    vec = Vector()
    for series in mat:
        for pt, pv in series.points:
            if pt == t:
                vec.append(Sample(series.labels, t, pv))
                break
        for pt, ph in series.hpoints:
            if pt == t:
                vec.append(Sample(series.labels, t, 0.0, ph))
                break
    if cmd.expect_scalar is not None:
        if not vec:
            raise _Mismatch("range mode: no scalar at the middle step")
        if not almost_equal(cmd.expect_scalar, vec[0].v, EPSILON):
            raise _Mismatch(f"range mode: expected scalar {cmd.expect_scalar}, got {vec[0].v}")
        return
    try:
        _compare_vector(cmd, vec)
    except _Mismatch as exc:
        raise _Mismatch(f"range mode: {exc}") from exc


def _value_matches(want: _Value, got: float | FloatHistogram) -> bool:
    if isinstance(want, tuple):
        return isinstance(got, FloatHistogram) and histograms_match(want[0], got, want[1], EPSILON)
    if isinstance(got, FloatHistogram) or want is None:
        return False
    return almost_equal(want, got, EPSILON)


def _show1(v: object) -> str:
    if isinstance(v, tuple):
        v = v[0]
    return v.test_expression() if isinstance(v, FloatHistogram) else str(v)


def _show(points: list[tuple[int, object]]) -> str:
    return "[" + ", ".join(f"{t}:{_show1(v)}" for t, v in points[:6]) + "]"


def _fmt(labels: Labels) -> str:
    return format_labels(labels) or "{}"


def run_file(path: Path, compat: int = 3) -> list[CaseResult]:
    return run_script(path.read_text(encoding="utf-8"), compat=compat)


def share(results: list[CaseResult]) -> float:
    """Passed / (passed + failed); skipped cases do not count."""
    ran = [r for r in results if r.status != "skipped"]
    return 1.0 if not ran else sum(r.status == "passed" for r in ran) / len(ran)


__all__ = ["CaseResult", "run_file", "run_script", "share"]
