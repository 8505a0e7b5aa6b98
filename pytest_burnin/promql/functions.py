"""PromQL functions over scalars and instant vectors, and the call dispatcher.

Range-vector functions (``rate``, ``*_over_time``, ...) live in
``rangefuncs.py``. Functions that change a sample's value drop the metric
name; ``sort*``, ``label_*`` and ``vector``/``scalar`` do not.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from . import ast, gomath, goregex
from .absent import absent_labels
from .aggregations import valid_label_name
from .evaltypes import El, EvalValue, IVector
from .evaltypes import arg_num as _num
from .evaltypes import arg_str as _str
from .evaltypes import arg_vec as _vec
from .gotime import DATE_FUNCTIONS, date_part
from .histfuncs import histogram_fraction, histogram_quantile, histogram_quantiles
from .labels import METRIC_NAME, get, with_label
from .rangefuncs import RANGE_FUNCS, eval_range_call
from .values import QueryError

if TYPE_CHECKING:
    from collections.abc import Callable

    from .evaluator import Evaluator


def _ceil(x: float) -> float:
    return float(math.ceil(x)) if math.isfinite(x) else x


def _floor(x: float) -> float:
    return float(math.floor(x)) if math.isfinite(x) else x


def _sgn(x: float) -> float:
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return x  # 0 and NaN map to themselves


# The trigonometric functions, each Go's math function of the same name.
TRIG_FUNCTIONS = ("sin", "cos", "tan", "asin", "acos", "atan",
                  "sinh", "cosh", "tanh", "asinh", "acosh", "atanh")  # fmt: skip


def _trig(name: str) -> Callable[[float], float]:
    return lambda x: gomath.guarded(name, x)


MATH: dict[str, Callable[[float], float]] = {
    "abs": abs,
    "ceil": _ceil,
    "floor": _floor,
    "exp": gomath.exp,
    "sqrt": gomath.sqrt,
    "ln": lambda x: gomath.log(x, "ln"),
    "log2": lambda x: gomath.log(x, "log2"),
    "log10": lambda x: gomath.log(x, "log10"),
    "sgn": _sgn,
    "deg": lambda x: x * 180 / math.pi,
    "rad": lambda x: x * math.pi / 180,
    **{n: _trig(n) for n in TRIG_FUNCTIONS},
}


# Native-histogram-only functions. Prometheus skips float samples in them, so
# over floats alone their answer is [] (native_funcs answers for histograms).
_NATIVE_ONLY = frozenset(
    {
        "histogram_count",
        "histogram_sum",
        "histogram_avg",
        "histogram_stddev",
        "histogram_stdvar",
    }
)


def _go_min(a: float, b: float) -> float:
    """Go's math.Min: -Inf wins even over NaN (clamp_max(-Inf, NaN) is -Inf); -0 < +0."""
    if a == -math.inf or b == -math.inf:
        return -math.inf
    if a != a or b != b:
        return math.nan
    if a == 0 and a == b:
        return a if math.copysign(1.0, a) < 0 else b
    return a if a < b else b


def _go_max(a: float, b: float) -> float:
    """Go's math.Max: +Inf wins even over NaN (clamp_min(+Inf, NaN) is +Inf); +0 > -0."""
    if a == math.inf or b == math.inf:
        return math.inf
    if a != a or b != b:
        return math.nan
    if a == 0 and a == b:
        return b if math.copysign(1.0, a) < 0 else a
    return a if a > b else b


def eval_call(ev: Evaluator, node: ast.Call, t: int) -> EvalValue:
    name = node.func
    if name in RANGE_FUNCS:
        if ev.interval > 0:  # a range query: its steps may be computed at once
            from .rangebatch import batched_call  # numpy: loaded by range queries only

            batched = batched_call(ev, node, t)
            if batched is not None:
                return batched
        return eval_range_call(ev, node, t)
    if name == "timestamp":
        return _timestamp(ev, node, t)
    if name == "info":
        from .info import eval_info

        return eval_info(ev, node, t)
    if name == "absent":
        vec = ev.eval_vector(node.args[0], t)
        if vec:
            return IVector()
        return IVector([El(absent_labels(node.args[0]), 1.0)])
    if name == "time":
        return t / 1000.0
    if name == "pi":
        return math.pi
    # Prometheus 3 query-context functions, in seconds; an instant query has
    # start == end and a zero step.
    if name == "step":
        return ev.interval / 1000.0
    if name == "range":
        return (ev.end - ev.start) / 1000.0
    if name == "start":
        return ev.start / 1000.0
    if name == "end":
        return ev.end / 1000.0
    args = [ev.eval(a, t) for a in node.args]
    if ev.histograms and any(
        isinstance(a, IVector) and any(el.h is not None for el in a) for a in args
    ):
        from .native_funcs import native_call

        return native_call(ev, node, args, _call_with_args, t)
    return _call_with_args(ev, node, args, t)


def _call_with_args(ev: Evaluator, node: ast.Call, args: list[EvalValue], t: int) -> EvalValue:
    """A function over evaluated arguments (float samples; native_funcs handles histograms)."""
    name = node.func
    fn = MATH.get(name)
    if fn is not None:
        return _map(ev, _vec(args[0]), fn)
    if name in DATE_FUNCTIONS:
        # Go: time.Unix(enh.Ts/1000, 0), integer division truncating toward zero.
        now = float(abs(t) // 1000 * (1 if t >= 0 else -1))
        vec = _vec(args[0]) if args else IVector([El((), now)])
        return _map(ev, vec, lambda x: date_part(name, x))
    handler = _HANDLERS.get(name)
    if handler is not None:
        ev.call_node = node  # for annotation positions
        if name.startswith("sort") and ev.interval:
            ev.warn(
                "sort is ineffective for range queries since results are always ordered by labels",
                node,
            )
        return handler(ev, args)
    if name in _NATIVE_ONLY:
        return IVector()
    raise QueryError(f"unknown function {name!r}")


def _map(ev: Evaluator, vec: IVector, fn: Callable[[float], float]) -> IVector:
    out = IVector()
    for el in vec:
        lab, drop = ev.drop_name(el.labels)
        out.append(El(lab, fn(el.v), drop or el.drop))
    return ev.check_unique(out)


def _timestamp(ev: Evaluator, node: ast.Call, t: int) -> EvalValue:
    arg = node.args[0]
    while isinstance(arg, ast.ParenExpr):
        arg = arg.expr
    # On a plain selector Prometheus returns each sample's own timestamp, not t.
    if isinstance(arg, ast.VectorSelector):
        return ev.check_unique(ev.sample_times(arg, t))
    return _map(ev, ev.eval_vector(arg, t), lambda _v: t / 1000.0)


def _vector(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    return IVector([El((), _num(args[0]))])


def _scalar(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    vec = _vec(args[0])
    return vec[0].v if len(vec) == 1 else math.nan


def _round(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    to_nearest = _num(args[1]) if len(args) > 1 else 1.0
    # Rounding to the inverse and back is what Prometheus does; it keeps
    # results like round(x, 0.1) identical to its own.
    inv = gomath.div(1.0, to_nearest)
    return _map(ev, _vec(args[0]), lambda x: gomath.div(_floor(x * inv + 0.5), inv))


def _clamp(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    lo, hi = _num(args[1]), _num(args[2])
    if hi < lo:
        return IVector()
    return _map(ev, _vec(args[0]), lambda x: _go_max(lo, _go_min(hi, x)))


def _clamp_min(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    lo = _num(args[1])
    return _map(ev, _vec(args[0]), lambda x: _go_max(lo, x))


def _clamp_max(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    hi = _num(args[1])
    return _map(ev, _vec(args[0]), lambda x: _go_min(hi, x))


def _value_key(el: El) -> tuple[bool, float]:
    return (el.v != el.v, el.v if el.v == el.v else 0.0)


def _sort(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    return IVector(sorted(_vec(args[0]), key=_value_key))


def _sort_desc(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    return IVector(
        sorted(_vec(args[0]), key=lambda el: (el.v != el.v, -el.v if el.v == el.v else 0))
    )


_CHUNK = re.compile(r"\d+|\D+")


def _natural(value: str) -> tuple[tuple[int, int, str], ...]:
    """Natural sort key: "cpu10" after "cpu2", as Prometheus' sort_by_label orders."""
    return tuple((0, int(c), "") if c.isdigit() else (1, 0, c) for c in _CHUNK.findall(value))


def _sort_by_label(ev: Evaluator, args: list[EvalValue], desc: bool = False) -> EvalValue:
    names = [_str(a) for a in args[1:]]
    vec = _vec(args[0])
    return IVector(
        sorted(
            vec,
            key=lambda el: (tuple(_natural(get(el.labels, n)) for n in names), el.labels),
            reverse=desc,
        )
    )


def _sort_by_label_desc(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    return _sort_by_label(ev, args, desc=True)


def _expand(template: str, m: Any) -> str:
    """Go's ``regexp.Expand``: $1, ${1}, $name, ${name}; unknown groups expand to ""."""
    out: list[str] = []
    i = 0
    n = len(template)
    while i < n:
        ch = template[i]
        if ch != "$" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = template[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt == "{":
            end = template.find("}", i + 2)
            name = template[i + 2 : end] if end != -1 else ""
            if end == -1 or not name or not all(c.isalnum() or c == "_" for c in name):
                out.append(ch)
                i += 1
                continue
            i = end + 1
        else:
            j = i + 1
            while j < n and (template[j].isalnum() or template[j] == "_"):
                j += 1
            name = template[i + 1 : j]
            if not name:
                out.append(ch)
                i += 1
                continue
            i = j
        out.append(_group(m, name))
    return "".join(out)


def _group(m: Any, name: str) -> str:
    try:
        g = m.group(int(name)) if name.isdigit() else m.group(name)
    except IndexError:
        return ""
    return g or ""


def _label_replace(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    vec = _vec(args[0])
    dst, repl, src, pattern = (_str(a) for a in args[1:5])
    try:
        regex = goregex.anchored(pattern, dotall=ev.compat >= 3)
    except goregex.RegexError as exc:
        raise QueryError(f"invalid regular expression in label_replace(): {pattern}") from exc
    if not valid_label_name(dst, ev.compat >= 3):
        raise QueryError(f"invalid destination label name in label_replace(): {dst}")
    out = IVector()
    for el in vec:
        m = regex.search(get(el.labels, src))
        if m is None:
            out.append(el)
            continue
        lab = with_label(el.labels, dst, _expand(repl, m))
        # Writing __name__ explicitly keeps it, even if a function dropped it.
        out.append(El(lab, el.v, el.drop and dst != METRIC_NAME, el.h))
    return ev.check_unique(out)


def _label_join(ev: Evaluator, args: list[EvalValue]) -> EvalValue:
    vec = _vec(args[0])
    dst, sep = _str(args[1]), _str(args[2])
    srcs = [_str(a) for a in args[3:]]
    utf8 = ev.compat >= 3
    for s in srcs:
        if not valid_label_name(s, utf8):
            raise QueryError(f"invalid source label name in label_join(): {s}")
    if not valid_label_name(dst, utf8):
        raise QueryError(f"invalid destination label name in label_join(): {dst}")
    out = IVector()
    for el in vec:
        joined = sep.join(get(el.labels, s) for s in srcs)
        lab = with_label(el.labels, dst, joined)
        out.append(El(lab, el.v, el.drop and dst != METRIC_NAME, el.h))
    return ev.check_unique(out)


_HANDLERS: dict[str, Callable[[Evaluator, list[EvalValue]], EvalValue]] = {
    "vector": _vector,
    "min_of": lambda ev, args: _go_min(_num(args[0]), _num(args[1])),
    "max_of": lambda ev, args: _go_max(_num(args[0]), _num(args[1])),
    "scalar": _scalar,
    "round": _round,
    "clamp": _clamp,
    "clamp_min": _clamp_min,
    "clamp_max": _clamp_max,
    "sort": _sort,
    "sort_desc": _sort_desc,
    "sort_by_label": _sort_by_label,
    "sort_by_label_desc": _sort_by_label_desc,
    "label_replace": _label_replace,
    "label_join": _label_join,
    "histogram_quantile": histogram_quantile,
    "histogram_fraction": histogram_fraction,
    "histogram_quantiles": histogram_quantiles,
}
