"""Causes of mismatch already known, each with who owns the fix.

The fuzz test fails on any finding no entry here explains. Each entry is as
narrow as the evidence allows: the expression's shape and what each side
answered. Issue 16's "Why" list is fixed (branch ``engine``): its entries are
gone, so the fuzzer checks those fixes; what stays is open or deliberate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .compare import Series
from .runner import Finding

K_NAN_OVER_NOTHING = (
    "deliberate: the engine follows current Prometheus' promql-testdata "
    "(aggregators.test: topk(NaN, non_existent) fails 'Parameter value is NaN'); "
    "3.5.3 answers [] when no series has a sample"
)
GO_MATH_BITS = (
    "open: Go's math.Pow/Cos/... compute a value one bit apart from Python's libm, "
    "which count_values prints and `%` of a huge value amplifies; needs ports of Go's "
    "math functions into promql/gomath.py"
)
CURRENT_FRACTION = (
    "deliberate: the engine follows current Prometheus' histogram_fraction over classic "
    "buckets (first bucket from 0, no interpolation into an infinite bound: "
    "promql-testdata histograms.test); 3.5.3 interpolates from -Inf"
)
STEP_INVARIANT_AGGREGATION = (
    "open: Prometheus treats an aggregation over an @-pinned input as step invariant, "
    "its parameter included (evaluated once at the range's start); the engine "
    "evaluates the parameter at each step"
)
OPEN_BUG = "engine bug found by the fuzzer, not on issue 16's list: open (reported to the lead)"


@dataclass(frozen=True)
class Known:
    name: str
    owner: str  # who owns the fix, or why the difference stays
    matches: Callable[[Finding, int], bool]  # (finding, compat)


def _expr(f: Finding) -> str:
    return f.expr.text()


def _same_kind(f: Finding) -> bool:
    """Both sides answered a value of one kind: a value difference, not an error."""
    return f.ours.kind == f.theirs.kind and f.ours.kind not in ("error", "crash")


GO_MATH = r"\^|\batan2\b|\b(a?(cos|sin|tan)h?|exp|ln|log2|log10)\("


def _same_labels(f: Finding) -> bool:
    return sorted(lab for lab, _ in f.ours.series) == sorted(lab for lab, _ in f.theirs.series)


def _points_per_step(series: tuple[Series, ...]) -> dict[int, int]:
    """How many series answer at each step: what limitk fixes, whichever it keeps."""
    counts: dict[int, int] = {}
    for _, points in series:
        for t, _v in points:
            counts[t] = counts.get(t, 0) + 1
    return counts


def _rounded(v: str) -> str:
    try:
        return f"{float(v):.12g}"
    except ValueError:
        return v


def _differs_in_last_bits_only(f: Finding) -> bool:
    """The answers are equal once numbers, label values included, are cut to 12 digits."""

    def norm(series: tuple[Series, ...]) -> list[tuple[object, ...]]:
        return sorted(
            (
                tuple((k, _rounded(v)) for k, v in labels),
                tuple((t, f"{v:.12g}") for t, v in points),
            )
            for labels, points in series
        )

    return norm(f.ours.series) == norm(f.theirs.series)


def _near_zero_differences_only(f: Finding) -> bool:
    """Same series and steps; each differing value is within 1e-15 of the other (or 1e-9
    relative): what one last bit of an O(1) input leaves after a cancellation."""
    ours, theirs = dict(f.ours.series), dict(f.theirs.series)
    if sorted(ours) != sorted(theirs):
        return False
    for labels, points in ours.items():
        other = theirs[labels]
        if [t for t, _ in points] != [t for t, _ in other]:
            return False
        for (_, a), (_, b) in zip(points, other, strict=True):
            if a != b and not (abs(a - b) <= 1e-15 or abs(a - b) <= 1e-9 * max(abs(a), abs(b))):
                return False
    return True


KNOWN: tuple[Known, ...] = (
    Known(
        # The same last-bit difference, amplified by cancellation: the variance of
        # values a Go math function computes near one another (tanh(12.5) and
        # tanh(16) are both 1 - 1e-11ish) keeps only their few last bits. Found by
        # the CI seed: stdvar by () (tanh(m2)): P 1.9252289696742787e-22, E
        # 1.9252443743404946e-22.
        "stddev/stdvar of values Go's math computes one bit differently, amplified by "
        "cancellation (`stdvar(tanh(m))`: P 1.9252289696742787e-22, E 1.9252443743404946e-22)",
        GO_MATH_BITS,
        lambda f, c: (
            _same_kind(f)
            and re.search(GO_MATH, _expr(f)) is not None
            and re.search(r"\b(stddev|stdvar)(_over_time)?\b", _expr(f)) is not None
            and _near_zero_differences_only(f)
        ),
    ),
    Known(
        # Go's math.Pow, Cos, Sin, Exp, ... are Go's own code, not the C
        # library's, and may differ from Python's in the last bit. Comparisons
        # tolerate that (epsilon 1e-6); count_values prints the value into a
        # label, where one bit is a different label value.
        "count_values label, or `%` of a huge value, from a value Go's math computes "
        'one bit differently (`count_values("job", m ^ m)`: P 615876953193482.6, '
        "E 615876953193483)",
        GO_MATH_BITS,
        lambda f, c: (
            _same_kind(f)
            and re.search(GO_MATH, _expr(f)) is not None
            and (
                ("count_values" in _expr(f) and _differs_in_last_bits_only(f))
                # `%` of a huge power keeps only the last bits: ((m ^ 10) % 1)
                or ("%" in _expr(f) and _same_labels(f))
            )
        ),
    ),
    Known(
        # Current Prometheus (promql-testdata histograms.test) starts the first
        # bucket at 0 when its bound is positive and never interpolates into an
        # infinite bound; 3.5.3 interpolates from -Inf, so a value inside a
        # first bucket that reaches +Inf gives Inf/Inf = NaN.
        "histogram_fraction over classic buckets: 3.5.3 interpolates across an infinite "
        "or -Inf lower bound (NaN, or a different share), current Prometheus does not",
        CURRENT_FRACTION,
        lambda f, c: c == 3 and _same_kind(f) and "histogram_fraction" in _expr(f),
    ),
    Known(
        # Prometheus' PreprocessExpr decides whether an aggregation is step
        # invariant from its input alone, ignoring the parameter: with an
        # @-pinned input, `limitk(scalar(m0), m1 @ 450)` as a range query is
        # evaluated once, k included, at the range's start and repeated at
        # every step. The engine evaluates k at each step.
        "range query: an aggregation with a parameter over an @-pinned input: Prometheus "
        "evaluates it, parameter included, only at the first step and repeats that answer",
        STEP_INVARIANT_AGGREGATION,
        lambda f, c: (
            f.query.is_range
            and f.theirs.kind != "error"
            and "@" in _expr(f)
            and re.search(r"\b(topk|bottomk|limitk|limit_ratio|quantile)\b", _expr(f)) is not None
        ),
    ),
    Known(
        # Prometheus' range evaluation collects a function's or operator's
        # output series in a Go map and lists them in map order, which Go
        # randomises: limitk over such an input keeps different series from
        # one run to the next (a plain selector's order is stable).
        "range query: limitk over a computed input keeps series Prometheus picks in "
        "random (Go map) order",
        "not fixable: Prometheus itself is not deterministic here",
        lambda f, c: (
            f.query.is_range
            and f.ours.kind == f.theirs.kind == "matrix"
            and re.search(r"\blimitk\b", _expr(f)) is not None
            and _points_per_step(f.ours.series) == _points_per_step(f.theirs.series)
        ),
    ),
    Known(
        # Current Prometheus (promql-testdata aggregators.test) refuses a NaN k
        # before looking at the input; 3.5.3 checks k per sample, so over an
        # input with no sample at that step it answers [].
        "topk/bottomk/limitk/limit_ratio with k NaN over an input with no sample: "
        "3.5.3 answers [], the engine refuses ('Parameter value is NaN') as current "
        "Prometheus does",
        K_NAN_OVER_NOTHING,
        lambda f, c: (
            c == 3
            and f.theirs.kind != "error"
            and f.ours.kind == "error"
            and ("Parameter value is NaN" in f.ours.text or "Ratio value is NaN" in f.ours.text)
            and re.search(r"\b(topk|bottomk|limitk|limit_ratio)\b", _expr(f)) is not None
        ),
    ),
    Known(
        # Prometheus checks the whole matrix of a unary minus (after it drops
        # __name__) for equal label sets, across steps; the engine evaluates
        # step by step and only refuses equal label sets at one step.
        "range query: unary minus makes two series equal that never share a step: "
        "Prometheus refuses ('vector cannot contain metrics with the same labelset'), "
        "the engine merges them",
        OPEN_BUG,
        lambda f, c: (
            f.query.is_range
            and f.theirs.kind == "error"
            and "same labelset" in f.theirs.text
            and f.ours.kind == "matrix"
            and "-" in _expr(f)
        ),
    ),
    Known(
        # Found by the fuzzer with the CI seed. Prometheus' TSDB sorts a
        # selector's matchers in place (intersecting before subtracting ones)
        # when the database holds series; absent() then derives its labels from
        # the reordered list: `le="v"` sets le, `le!~"x.*"` after it drops it.
        # On an empty database the written order stands, as in the engine.
        "absent() of a selector with both an equality and a subtracting matcher on one "
        "label: Prometheus derives the labels from matchers its TSDB reordered",
        OPEN_BUG,
        lambda f, c: (
            "absent(" in _expr(f)
            and re.search(r"(\w+)(!=|!~)\"[^\"]*\"[^)]*\b\1=\"", _expr(f)) is not None
        ),
    ),
    Known(
        "mad_over_time over a window with a NaN: 3.5.3 sorts NaN first and answers a "
        "number, current Prometheus answers NaN",
        "deliberate: the engine follows current Prometheus "
        "(promql-testdata functions.test, 'A NaN sample makes the result NaN')",
        lambda f, c: c == 3 and "mad_over_time" in _expr(f) and f.ours.kind == f.theirs.kind,
    ),
    Known(
        # Issue 16 names it: 2.42's range queries evaluate `predict_linear` over
        # an @-pinned range only at the first steps; its own instant queries at
        # the later steps agree with the engine.
        "Prometheus 2.42 bug: predict_linear over an @-pinned range in a range query",
        "a 2.42 bug (its instant queries agree with the engine); documented in docs/promql.md",
        lambda f, c: (
            c == 2
            and f.query.is_range
            and _same_kind(f)
            and re.search(r"predict_linear\(.*@", _expr(f)) is not None
        ),
    ),
    Known(
        # 2.42 evaluates a step-invariant inner expression (@-pinned, or a
        # constant such as vector(2)) at a step past the subquery's window, so
        # it answers that point, or that step's error (bottomk(-Inf, ...)).
        "Prometheus 2.42 bug: a subquery whose window holds no step, over a step-invariant "
        "inner expression (@-pinned or constant), evaluates it at a step after the window",
        "a 2.42 bug (3.5.3 agrees with the engine); documented in docs/promql.md",
        lambda f, c: (
            c == 2
            and f.theirs.kind in ("matrix", "error")
            and f.ours.kind == "matrix"
            and (f.theirs.kind == "matrix" or not f.ours.series)
            and re.search(r"\)\[\w+:\w*\]", _expr(f)) is not None
            and re.search(r"@ |\bvector\(\d", _expr(f)) is not None
        ),
    ),
)


def explain(f: Finding, compat: int) -> Known | None:
    for known in KNOWN:
        if known.matches(f, compat):
            return known
    return None


def explain_name(f: Finding, compat: int) -> str | None:
    known = explain(f, compat)
    return f"{known.name} ({known.owner})" if known else None
