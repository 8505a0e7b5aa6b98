"""Causes of mismatch already known, each with who owns the fix.

The fuzz test fails on any finding no entry here explains. Each entry is as
narrow as the evidence allows: the expression's shape and what each side
answered. Issue 16's "Why" list is being fixed on branch ``engine``; when it
lands, its entries go, and the fuzzer checks the fixes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .runner import Finding

ENGINE_BRANCH = "fixed on branch engine"
OPEN_BUG = "engine bug found by the fuzzer, not on issue 16's list: open (reported to the lead)"
DATE_FUNCS = r"\b(minute|hour|day_of_month|day_of_week|day_of_year|days_in_month|month|year)\("


@dataclass(frozen=True)
class Known:
    name: str
    owner: str  # ENGINE_BRANCH, or why it stays
    matches: Callable[[Finding, int], bool]  # (finding, compat)


def _expr(f: Finding) -> str:
    return f.expr.text()


def _same_kind(f: Finding) -> bool:
    """Both sides answered a value of one kind: a value difference, not an error."""
    return f.ours.kind == f.theirs.kind and f.ours.kind not in ("error", "crash")


KNOWN: tuple[Known, ...] = (
    Known(
        "duplicate-match error raised although the other side is empty",
        ENGINE_BRANCH,
        lambda f, c: (
            f.ours.kind == "error"
            and f.theirs.kind != "error"
            and "matching labels must be unique" in f.ours.text
        ),
    ),
    Known(
        # Found by the fuzzer; same code path as the entry above. Prometheus
        # raises "multiple matches" only for pairs a comparison keeps:
        # `m2 <= on() m1` with two m2 series, both above m1, is [] there.
        "many-to-one error raised for pairs a comparison filters out",
        ENGINE_BRANCH,
        lambda f, c: (
            f.ours.kind == "error"
            and f.theirs.kind != "error"
            and "multiple matches for labels" in f.ours.text
        ),
    ),
    Known(
        "holt_winters/double_exponential_smoothing checks its factors with no points",
        ENGINE_BRANCH,
        lambda f, c: (
            f.ours.kind == "error"
            and f.theirs.kind != "error"
            and ("smoothing factor" in f.ours.text or "trend factor" in f.ours.text)
        ),
    ),
    Known(
        "compat 2: stddev/stdvar of a single Inf or NaN sample",
        ENGINE_BRANCH,
        lambda f, c: (
            c == 2 and _same_kind(f) and re.search(r"\b(stddev|stdvar)", _expr(f)) is not None
        ),
    ),
    Known(
        "date functions on non-finite or huge values",
        ENGINE_BRANCH,
        lambda f, c: (
            (_same_kind(f) or f.ours.kind == "crash")
            and re.search(DATE_FUNCS, _expr(f)) is not None
        ),
    ),
    Known(
        "tie order in topk/bottomk/limitk: series order (and NaN ties in 2.42)",
        ENGINE_BRANCH,
        lambda f, c: (
            f.ours.kind == f.theirs.kind
            and f.ours.kind in ("vector", "matrix")
            and re.search(r"\b(topk|bottomk|limitk)\b", _expr(f)) is not None
        ),
    ),
    Known(
        "count_values with without, or over __name__",
        ENGINE_BRANCH,
        lambda f, c: _same_kind(f) and "count_values" in _expr(f),
    ),
    Known(
        # topk(Inf, m) is issue 16's; the fuzzer adds: -Inf crashes the engine
        # (int(-inf)), and Prometheus 3 answers [] for an empty input or k < 1
        # before checking k, where 2.42 refuses NaN and ±Inf always.
        "topk/bottomk/limitk with a k that is NaN, ±Inf or beyond int64",
        ENGINE_BRANCH,
        lambda f, c: (
            re.search(r"\b(topk|bottomk|limitk|limit_ratio)\b", _expr(f)) is not None
            and (
                "overflows int64" in f.theirs.text
                or "is NaN" in f.ours.text
                or "OverflowError" in f.ours.text
            )
        ),
    ),
    Known(
        "histogram_quantile with a zero-count bucket set crashes",
        ENGINE_BRANCH,
        lambda f, c: f.ours.kind == "crash" and "histogram_quantile" in _expr(f),
    ),
    Known(
        "invalid matcher regex",
        ENGINE_BRANCH,
        lambda f, c: f.theirs.kind == "error" and "error parsing regexp" in f.theirs.text,
    ),
    Known(
        "compat 2: a negative regex matcher on a label value with a newline",
        ENGINE_BRANCH,
        lambda f, c: c == 2 and "!~" in _expr(f),
    ),
    Known(
        "clamp_min/clamp_max of ±Inf with a NaN bound",
        ENGINE_BRANCH,
        lambda f, c: _same_kind(f) and re.search(r"\bclamp(_min|_max)?\(", _expr(f)) is not None,
    ),
    Known(
        "compat 2: sum/avg use compensated summation where 2.42 adds plainly",
        ENGINE_BRANCH,
        lambda f, c: c == 2 and _same_kind(f) and re.search(r"\b(sum|avg)\b", _expr(f)) is not None,
    ),
    Known(
        "native-histogram functions over float series: Prometheus answers [], "
        "the engine refuses native histograms (issue 16, item 4)",
        ENGINE_BRANCH,
        lambda f, c: (
            f.ours.kind == "error"
            and f.theirs.kind != "error"
            and "reads native histograms" in f.ours.text
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
        "Prometheus 2.42 bug: a subquery whose window holds no step, over an @-pinned "
        "inner expression, returns a step after the evaluation time",
        "a 2.42 bug (3.5.3 agrees with the engine); documented in docs/promql.md",
        lambda f, c: (
            c == 2
            and f.ours.kind == f.theirs.kind == "matrix"
            and re.search(r"@ .*\)\[", _expr(f)) is not None
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
