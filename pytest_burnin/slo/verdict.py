"""From a measured SLO to its verdict: objective, budget, timeslices, warning band, comparison.

Pure core. ``evaluate.py`` resolves the window and checks coverage; this module
measures (by occurrences, or slice by slice) and writes the Evaluation. A
warning (inside the objective, outside the warning band) passes unless the run
is strict: it is carried as ``Evaluation.warning`` and the ``verdict=warning``
property, which the summary and JUnit show.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError
from ..kinds import Evaluation
from ..timefmt import iso as _iso
from .compare import compare, parse_share, previous_record
from .evaluate import (
    DEFAULT_MIN_COVERAGE,
    Measurement,
    Objective,
    _num,
    _pct,
    allowed_bad,
    burn_rates,
    data_coverage,
    measure,
)
from .model import normalized_slo
from .windows import Window, WindowError, parse_ms, resolve_window

if TYPE_CHECKING:
    from ..sources import MetricSource
    from ..spec.model import Entry

MAX_SLICES = 20_000  # each slice costs one query per indicator field


def judge_slo(
    entry: Entry,
    spec: dict[str, Any],
    source: MetricSource,
    window: Window,
    coverage: float,
    store: Path | None,
) -> Evaluation:
    objective = Objective.from_spec(spec["objective"])
    t_ms = window.end_ms
    budgeting = spec.get("budgeting", "occurrences")
    occurrences: Measurement | None = None
    props: list[tuple[str, str]] = []
    if budgeting == "occurrences":
        m = occurrences = measure(entry, source, window.promql, t_ms, required=True, spec=spec)
        assert m is not None
        what = _describe(spec, m)
    else:
        m, what, props = _timeslices(entry, spec, source, window)
    fmt = _pct if m.bad_ratio is not None or budgeting == "timeslices" else _num
    holds = objective.holds(m.value)
    props = [
        ("objective", f"{objective.symbol} {fmt(objective.value)}"),
        ("measured", repr(m.value)),
        ("window", window.text),
        ("window_start", _iso(window.start_ms)),
        ("evaluated_at", _iso(t_ms)),
        ("source", source.describe()),
        ("coverage", f"{coverage:.4f}"),
        ("budgeting", budgeting),
        *props,
    ]
    budget = allowed_bad(entry, objective, spec)
    budget_text = ""
    if budget is not None:
        bad = m.bad_ratio if m.bad_ratio is not None else m.value
        consumed = bad / budget if budget > 0 else (0.0 if bad <= 0 else math.inf)
        props += [
            ("error_budget_total", repr(budget)),
            ("error_budget_consumed", repr(consumed)),
            ("error_budget_remaining", repr(1.0 - consumed)),
        ]
        if budget > 0:
            budget_text = (
                f"budget left {_pct(1.0 - consumed)}"
                if consumed <= 1
                else f"budget overspent by {_pct(consumed - 1.0)}"
            )
        if budgeting == "occurrences" and m.bad_ratio is not None and budget > 0:
            props += burn_rates(entry, spec, source, t_ms, budget)
    verdict = f"{objective.symbol} {fmt(objective.value)}"
    head = f"SLO {entry.name}: {what} over {window.text}"
    headline = f"{head}, objective {verdict}" if holds else f"{head} misses objective {verdict}"
    details = [f"source: {source.describe()}", f"evaluated at {_iso(t_ms)} over {window.text}"]
    warning: str | None = None
    if holds and "warning" in spec:
        band = Objective.from_spec(spec["warning"])
        props.append(("warning_band", f"{band.symbol} {fmt(band.value)}"))
        if not band.holds(m.value):
            headline = f"{head} meets objective {verdict} but not the warning band {band.symbol} {fmt(band.value)}"
            warning = headline
    if budget_text:
        headline += f" ({budget_text})"
    passed = holds
    line = None if holds else verdict_line(entry, "objective")
    if warning is not None:
        line = verdict_line(entry, "warning")  # a failure only under --burnin-strict
    if "compare" in spec:
        if occurrences is None:
            # Daily records hold the indicator by occurrences: compare like with like.
            occurrences = measure(entry, source, window.promql, t_ms, required=True, spec=spec)
            assert occurrences is not None
        regressed = _compare(entry, spec, occurrences.value, objective, fmt, t_ms, store, props)
        if regressed is not None:
            passed = False
            if holds:
                headline, warning = f"SLO {entry.name}: {regressed}", None
                line = verdict_line(entry, "compare")
            else:
                details.insert(0, regressed)
    if warning is not None:
        props.append(("verdict", "warning"))
        warning = headline
    return Evaluation(
        passed=passed,
        headline=headline,
        details=details,
        properties=props,
        warning=warning,
        line=line,
    )


def verdict_line(entry: Entry, key: str) -> int:
    """The line where the user wrote ``key`` (objective, warning, compare) of this SLO.

    A burnin/v1 or Sloth SLO has it at the entry's anchor; an OpenSLO SLO is read
    from ``spec.objectives``: its one objective, or the list when it has several.
    """
    doc = entry.doc
    anchor = entry.anchor or ("spec",)
    if (*anchor, key) in doc.positions:
        return doc.where((*anchor, key))[0]
    if doc.data.get("apiVersion") == "openslo/v1" and key == "objective":
        listed = [p for p in doc.positions if p[:2] == ("spec", "objectives") and len(p) == 3]
        return doc.where(listed[0] if len(listed) == 1 else ("spec", "objectives"))[0]
    return entry.line


def _compare(
    entry: Entry,
    spec: dict[str, Any],
    value: float,
    objective: Objective,
    fmt: Any,
    t_ms: int,
    store: Path | None,
    props: list[tuple[str, str]],
) -> str | None:
    """Append the comparison's evidence; return the failure line when it regressed too much."""
    conf = spec["compare"]
    limit = parse_share(conf.get("max_regression", 0))
    n = int(conf.get("previous", 1))
    prev = previous_record(store, entry.name, t_ms, n) if store is not None else None
    cmp = compare(value, prev, objective.lower_is_better, limit)
    if cmp.previous is None:
        props.append(
            ("compare_previous", f"none: no earlier daily record of {entry.name!r} in {store}")
        )
        return None
    assert cmp.regression is not None
    props += [
        ("compare_previous", f"{cmp.previous.day} {cmp.previous.value!r}"),
        ("regression", repr(cmp.regression)),
        ("max_regression", repr(limit)),
    ]
    if not cmp.regressed:
        return None
    return (
        f"{fmt(value)} regressed {_pct(cmp.regression)} from {fmt(cmp.previous.value)} "
        f"on {cmp.previous.day}, more than the {_pct(limit)} allowed"
    )


def _timeslices(
    entry: Entry, spec: dict[str, Any], source: MetricSource, window: Window
) -> tuple[Measurement, str, list[tuple[str, str]]]:
    """The indicator judged slice by slice, each slice ending ``k * slice`` before the end."""
    text = str(spec["timeslice_window"])
    slice_ms = parse_ms(text)
    count = window.length_ms // slice_ms
    if count < 1:
        raise EvaluationError(
            f"{entry.where('timeslice_window')}: the {window.text} window is shorter than "
            f"one {text} slice"
        )
    if count > MAX_SLICES:
        raise EvaluationError(
            f"{entry.where('timeslice_window')}: {count} slices of {text} over {window.text}, "
            f"more than the {MAX_SLICES} evaluated; use a longer timeslice_window"
        )
    ratio_mean = spec["budgeting"] == "ratio_timeslices"
    target = None if ratio_mean else Objective.from_spec(spec["timeslice_target"])
    values: list[float] = []
    bads: list[float] = []
    good = 0
    for k in range(count):
        m = measure(entry, source, text, window.end_ms - k * slice_ms, required=False, spec=spec)
        if m is None:
            continue  # a slice without data is neither good nor bad
        values.append(m.value)
        if m.bad_ratio is not None:
            bads.append(m.bad_ratio)
        if target is not None and target.holds(m.value):
            good += 1
    if not values:
        raise EvaluationError(
            f"{entry.where('indicator')}: no data: no {text} slice of the {window.text} window "
            f"returned series from {source.describe()}"
        )
    props = [
        ("timeslice_window", text),
        ("slices", str(count)),
        ("slices_with_data", str(len(values))),
    ]
    if ratio_mean:
        mean = sum(values) / len(values)
        bad = sum(bads) / len(bads) if len(bads) == len(values) else None
        what = (
            f"mean of {len(values)} {text} slices {_pct(mean) if bad is not None else _num(mean)}"
        )
        return Measurement(mean, bad), what, props
    assert target is not None
    share = good / len(values)
    fmt = _pct if bads else _num
    props += [
        ("slices_good", str(good)),
        ("timeslice_target", f"{target.symbol} {fmt(target.value)}"),
    ]
    what = f"{_pct(share)} of {text} slices good ({good}/{len(values)} {target.symbol} {fmt(target.value)})"
    return Measurement(share, 1.0 - share), what, props


def _describe(spec: dict[str, Any], m: Measurement) -> str:
    ratio = spec["indicator"].get("ratio")
    if ratio is None:
        return f"measured {_num(m.value)}"
    return f"{_pct(m.value)} {'bad' if 'bad' in ratio else 'good'}"


def evaluate_slo(
    entry: Entry,
    source: MetricSource,
    window_ms: int | None = None,
    *,
    spec: dict[str, Any] | None = None,
    store: Path | None = None,
) -> Evaluation:
    """The verdict of one SLO entry; ``store`` is the history store ``compare:`` reads.

    ``window_ms`` is accepted for callers of the first version and ignored: the
    window is resolved from the spec at the evaluation time.
    """
    spec = spec or normalized_slo(entry)
    t_ms = source.default_time()
    try:
        window = resolve_window(spec["window"], t_ms)
    except WindowError as exc:
        raise EvaluationError(f"{entry.where('window')}: {exc}") from None
    coverage = data_coverage(source, window, entry, spec)
    min_cov = float(spec.get("min_coverage", DEFAULT_MIN_COVERAGE))
    if coverage < min_cov:
        raise EvaluationError(
            f"{entry.where('window')}: data covers {coverage:.0%} of the {window.text} window, "
            f"below the {min_cov:.0%} minimum (source {source.describe()}); "
            "lower min_coverage or provide more data"
        )
    return judge_slo(entry, spec, source, window, coverage, store)
