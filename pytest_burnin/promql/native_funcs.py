"""Instant-vector functions over native histograms.

``functions.eval_call`` sends a call here when an argument holds a histogram
element. As in Prometheus:

* ``histogram_count``/``sum``/``avg``/``stddev``/``stdvar`` read histograms
  and skip floats;
* ``histogram_quantile``/``histogram_fraction`` answer native histograms here
  and classic (float ``le``) buckets through the float path, side by side;
* ``label_replace``/``label_join``/``sort_by_label*`` carry histograms along;
* every other function works on float samples only: histograms are dropped.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import gomath
from .evaltypes import El, EvalValue, IVector
from .evaltypes import arg_num as _num
from .labels import METRIC_NAME, Labels, get, with_label
from .native_quantile import histogram_fraction, histogram_quantile, histogram_variance

if TYPE_CHECKING:
    from collections.abc import Callable

    from . import ast
    from .evaluator import Evaluator
    from .float_histogram import FloatHistogram

    CallWithArgs = Callable[[Evaluator, ast.Call, list[EvalValue], int], EvalValue]

_SIMPLE: dict[str, Callable[[FloatHistogram], float]] = {
    "histogram_count": lambda h: h.count,
    "histogram_sum": lambda h: h.sum,
    "histogram_avg": lambda h: gomath.div(h.sum, h.count),
    "histogram_stdvar": histogram_variance,
    "histogram_stddev": lambda h: math.sqrt(histogram_variance(h)),
}
# Functions that pass histogram samples through unchanged (labels only).
_CARRY = frozenset({"label_replace", "label_join", "sort_by_label", "sort_by_label_desc"})

_INFO_TEXT = {
    "quantile_nan_result": "input to histogram_quantile has NaN observations, result is NaN",
    "quantile_nan_skew": "input to histogram_quantile has NaN observations, result is skewed higher",
    "fraction_nans": "input to histogram_fraction has NaN observations, which are excluded "
    "from all fractions",
}


def native_call(
    ev: Evaluator, node: ast.Call, args: list[EvalValue], call: CallWithArgs, t: int
) -> EvalValue:
    name = node.func
    if name in _CARRY:
        return call(ev, node, args, t)
    simple = _SIMPLE.get(name)
    if simple is not None:
        out = IVector()
        for el in args[0] if isinstance(args[0], IVector) else ():
            if el.h is None:
                continue
            lab, drop = ev.drop_name(el.labels)
            out.append(El(lab, simple(el.h), drop or el.drop))
        return ev.check_unique(out)
    floats = [_floats_only(a) for a in args]
    if name in ("histogram_quantile", "histogram_fraction", "histogram_quantiles"):
        ev.call_node = node
        at = {"histogram_quantile": 1, "histogram_fraction": 2, "histogram_quantiles": 0}[name]
        hists, classic_els = _split_classic(ev, args[at], node.args[at])
        floats[at] = classic_els
        if name == "histogram_quantile":
            q = _num(args[0])
            native = _native_each(ev, node, hists, lambda h: histogram_quantile(q, h))
        elif name == "histogram_fraction":
            lo, hi = _num(args[0]), _num(args[1])
            native = _native_each(ev, node, hists, lambda h: histogram_fraction(lo, hi, h))
        else:
            native = _native_quantiles(ev, node, hists, args)
        return _merge(ev, native, call(ev, node, floats, t))
    return call(ev, node, floats, t)


def _split_classic(ev: Evaluator, arg: EvalValue, arg_node: ast.Expr) -> tuple[IVector, IVector]:
    """Native histograms and classic buckets; a native histogram with the labels of a
    classic one (le aside) drops both, with Prometheus' warning."""
    vec = arg if isinstance(arg, IVector) else IVector()
    classic: dict[Labels, list[El]] = {}
    for el in vec:
        if el.h is None:
            key = tuple(p for p in el.labels if p[0] != "le")
            classic.setdefault(key, []).append(el)
    hists = IVector()
    for el in vec:
        if el.h is None:
            continue
        if el.labels in classic and any(_has_le(b) for b in classic[el.labels]):
            name = get(el.labels, METRIC_NAME) if ev.delayed else ""
            suffix = f" for metric name {gomath.go_quote(name)}" if name else ""
            ev.warn(f"vector contains a mix of classic and native histograms{suffix}", arg_node)
            del classic[el.labels]
            continue
        hists.append(el)
    return hists, IVector(el for els in classic.values() for el in els)


def _quantile_at(q: float) -> Callable[[FloatHistogram], tuple[float, str | None]]:
    return lambda h: histogram_quantile(q, h)


def _has_le(el: El) -> bool:
    try:
        gomath.parse_float(get(el.labels, "le"))
    except ValueError:
        return False
    return True


def _native_quantiles(
    ev: Evaluator, node: ast.Call, hists: IVector, args: list[EvalValue]
) -> IVector:
    label = args[1] if isinstance(args[1], str) else ""
    out = IVector()
    for q in (_num(a) for a in args[2:]):
        value = _quantile_at(q)
        for el in _native_each(ev, node, hists, value):
            out.append(
                El(with_label(el.labels, label, gomath.format_openmetrics(q)), el.v, el.drop)
            )
    return out


def _floats_only(arg: EvalValue) -> EvalValue:
    if isinstance(arg, IVector):
        return IVector(el for el in arg if el.h is None)
    return arg


def _native_each(
    ev: Evaluator,
    node: ast.Call,
    vec: IVector,
    fn: Callable[[FloatHistogram], tuple[float, str | None]],
) -> IVector:
    out = IVector()
    arg_node = node.args[0 if node.func == "histogram_quantiles" else -1]
    for el in vec:
        if el.h is None:
            continue
        value, info = fn(el.h)
        if info is not None:
            name = get(el.labels, METRIC_NAME)
            suffix = f" for metric name {gomath.go_quote(name)}" if name else ""
            ev.info(_INFO_TEXT[info] + suffix, arg_node)
        lab, drop = ev.drop_name(el.labels)
        out.append(El(lab, value, drop or el.drop))
    return out


def _merge(ev: Evaluator, native: IVector, classic: EvalValue) -> EvalValue:
    if not isinstance(classic, IVector):
        return classic
    out = IVector([*native, *classic])
    return ev.check_unique(out)
