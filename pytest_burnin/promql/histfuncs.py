"""histogram_quantile, histogram_quantiles and histogram_fraction over classic histograms.

Series are grouped into histograms by all labels but ``le`` (the metric name
included, so two histograms differing only by name collide as in Prometheus);
the bucket math lives in ``histograms.py``. Warnings and infos follow
Prometheus' wording: malformed ``le``, quantile out of [0, 1], counts that had
to be forced monotonic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ast, gomath
from .evaltypes import El, EvalValue, IVector
from .evaltypes import arg_num as _num
from .evaltypes import arg_str as _str
from .evaltypes import arg_vec as _vec
from .histograms import bucket_fraction, bucket_quantile
from .labels import METRIC_NAME, Labels, get, with_label

if TYPE_CHECKING:
    from .evaluator import Evaluator


def _arg_node(ev: Evaluator, i: int) -> ast.Expr | None:
    node = ev.call_node
    return node.args[i] if node is not None and len(node.args) > i else None


def _metric_suffix(labels: Labels) -> str:
    name = get(labels, METRIC_NAME)
    return f" for metric name {gomath.go_quote(name)}" if name else ""


def _check_quantile(ev: Evaluator, q: float, arg: int) -> None:
    if not 0 <= q <= 1:
        ev.warn(
            f"quantile value should be between 0 and 1, got {gomath.format_g(q)}",
            _arg_node(ev, arg),
        )


def _buckets_by_group(
    ev: Evaluator, vec: IVector, arg: int
) -> dict[Labels, tuple[list[tuple[float, float]], bool]]:
    groups: dict[Labels, tuple[list[tuple[float, float]], bool]] = {}
    for el in vec:
        le = get(el.labels, "le")
        try:
            ub = gomath.parse_float(le)
        except ValueError:
            # No or malformed "le": not a bucket, skipped with a warning as Prometheus does.
            ev.warn(
                f'bucket label "le" is missing or has a malformed value of '
                f"{gomath.go_quote(le)}{_metric_suffix(el.labels)}",
                _arg_node(ev, arg),
            )
            continue
        # The name stays in the key: two histograms that differ only by name
        # collide after the name is dropped, which must be an error.
        key = tuple(p for p in el.labels if p[0] != "le")
        entry = groups.get(key)
        if entry is None:
            entry = groups[key] = ([], False)
        entry[0].append((ub, el.v))
    return groups


def histogram_quantile(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    q = _num(args[0])
    _check_quantile(ev, q, 0)
    out = IVector()
    for key, (buckets, _) in _buckets_by_group(ev, _vec(args[1]), 1).items():
        lab, drop = ev.drop_name(key)
        value, fix = bucket_quantile(q, buckets, ev.compat)
        if fix is not None and ev.compat >= 3:
            _monotonicity_info(ev, key, _arg_node(ev, 1), fix)
        out.append(El(lab, value, drop))
    return ev.check_unique(out)


def _monotonicity_info(
    ev: Evaluator, key: Labels, node: ast.Expr | None, fix: tuple[float, float, float]
) -> None:
    # The metric name is only known here when its removal is delayed.
    suffix = _metric_suffix(key) if ev.delayed else ""
    ev.monotonicity_info(
        "input to histogram_quantile needed to be fixed for monotonicity (see "
        "https://prometheus.io/docs/prometheus/latest/querying/functions/"
        f"#histogram_quantile){suffix}",
        node,
        fix,
    )


def histogram_quantiles(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    """Prometheus 3's histogram_quantiles(v, "label", q1, q2, ...): one series per q."""
    label = _str(args[1])
    qs = [_num(a) for a in args[2:]]
    out = IVector()
    for q_arg, q in enumerate(qs, 2):
        _check_quantile(ev, q, q_arg)
    for key, (buckets, _) in _buckets_by_group(ev, _vec(args[0]), 0).items():
        lab, drop = ev.drop_name(key)
        for q in qs:
            value, fix = bucket_quantile(q, list(buckets), ev.compat)
            if fix is not None:
                _monotonicity_info(ev, key, _arg_node(ev, 0), fix)
            out.append(El(with_label(lab, label, gomath.format_openmetrics(q)), value, drop))
    return ev.check_unique(out)


def histogram_fraction(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    lo, hi = _num(args[0]), _num(args[1])
    out = IVector()
    if ev.compat < 3:
        # 2.42 reads native histograms only and skips every float sample, so
        # over classic (float) buckets it answers nothing.
        return out
    for key, (buckets, _) in _buckets_by_group(ev, _vec(args[2]), 2).items():
        lab, drop = ev.drop_name(key)
        out.append(El(lab, bucket_fraction(lo, hi, buckets), drop))
    return ev.check_unique(out)
