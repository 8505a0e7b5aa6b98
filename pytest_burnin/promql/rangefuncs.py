"""Functions over range vectors: rate/increase/delta, irate/idelta, deriv,
predict_linear, changes, resets, double_exponential_smoothing and the
``*_over_time`` family.

Each works on a window ``[lo, hi)`` of shared arrays (see ``evaltypes``).
``rate``/``increase`` on long windows use a per-series prefix array of
counter-reset corrections, so ``increase(x[14d])`` costs O(1) per step
instead of a scan of 20,000 samples.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import ast, gomath
from .evaltypes import El, EvalValue, IVector, RangeSeries, RangeVec
from .extended import anchored_values, check_function, extended_rate
from .histograms import quantile
from .labels import METRIC_NAME, get
from .values import QueryError

if TYPE_CHECKING:
    from collections.abc import Callable

    from .evaluator import Evaluator

# Windows at least this long use the prefix arrays; shorter ones are scanned,
# which is as fast and keeps the exact float behaviour of a direct sum.
_PREFIX_MIN = 256
# Windows at least this long first ask the per-series reset counts whether
# there is any reset to add (counters rarely reset; the scan is then skipped).
_COUNT_MIN = 8


def _extrapolated(rs: RangeSeries, counter: bool, is_rate: bool, compat: int) -> float | None:
    n = rs.hi - rs.lo
    if n < 2:
        return None
    ts, vs, lo, hi = rs.ts, rs.vs, rs.lo, rs.hi
    first_v, last_v = vs[lo], vs[hi - 1]
    first_t, last_t = ts[lo], ts[hi - 1]
    result = last_v - first_v
    if counter:
        result = _add_resets(rs, result)
    duration_to_start = (first_t - rs.start) / 1000.0
    duration_to_end = (rs.end - last_t) / 1000.0
    sampled = (last_t - first_t) / 1000.0
    avg_between = sampled / (n - 1)
    threshold = avg_between * 1.1
    if compat >= 3:
        if duration_to_start >= threshold:
            duration_to_start = avg_between / 2
        if counter and result > 0 and first_v >= 0:
            duration_to_zero = sampled * (first_v / result)
            duration_to_start = min(duration_to_start, duration_to_zero)
        if duration_to_end >= threshold:
            duration_to_end = avg_between / 2
        factor = (sampled + duration_to_start + duration_to_end) / sampled
    else:
        # 2.x caps at the zero point first, then applies the half-interval rule.
        if counter and result > 0 and first_v >= 0:
            duration_to_zero = sampled * (first_v / result)
            duration_to_start = min(duration_to_start, duration_to_zero)
        interval = sampled
        interval += duration_to_start if duration_to_start < threshold else avg_between / 2
        interval += duration_to_end if duration_to_end < threshold else avg_between / 2
        factor = interval / sampled
    if is_rate:
        factor /= (rs.end - rs.start) / 1000.0
    return result * factor


def _add_resets(rs: RangeSeries, result: float) -> float:
    """result plus the value before each counter reset in the window.

    Prometheus adds them to ``last - first`` one at a time, and float addition
    is not associative: summing them apart can change the last bit, which
    count_values prints. Long windows use the cached prefix sums (speed over
    that last bit)."""
    vs, lo, hi = rs.vs, rs.lo, rs.hi
    if hi - lo >= _PREFIX_MIN and rs.cache is not None:
        corr = rs.cache.corrections(vs)
        return result + (corr[hi - 1] - corr[lo])
    if hi - lo >= _COUNT_MIN and rs.cache is not None:
        counts = rs.cache.reset_counts(vs)
        if counts[hi - 1] == counts[lo]:
            return result  # no reset in the window: nothing to add
    prev = vs[lo]
    for i in range(lo + 1, hi):
        cur = vs[i]
        if cur < prev:
            result += prev
        prev = cur
    return result


def _instant_delta(rs: RangeSeries, is_rate: bool) -> float | None:
    if rs.hi - rs.lo < 2:
        return None
    last_v, prev_v = rs.vs[rs.hi - 1], rs.vs[rs.hi - 2]
    interval = (rs.ts[rs.hi - 1] - rs.ts[rs.hi - 2]) / 1000.0
    if interval == 0:
        return None
    if not is_rate:
        return last_v - prev_v
    result = last_v if last_v < prev_v else last_v - prev_v  # a reset restarts at zero
    return result / interval


def linear_regression(ts: list[int], vs: list[float], intercept_t: int) -> tuple[float, float]:
    n = float(len(vs))
    sum_x = c_x = sum_y = c_y = sum_xy = c_xy = sum_x2 = c_x2 = 0.0
    init_y = vs[0]
    const_y = True
    kahan = gomath.kahan_inc
    for t, y in zip(ts, vs, strict=False):
        if const_y and y != init_y:
            const_y = False
        x = (t - intercept_t) / 1000.0
        sum_x, c_x = kahan(x, sum_x, c_x)
        sum_y, c_y = kahan(y, sum_y, c_y)
        sum_xy, c_xy = kahan(x * y, sum_xy, c_xy)
        sum_x2, c_x2 = kahan(x * x, sum_x2, c_x2)
    if const_y:
        if math.isinf(init_y):
            return math.nan, math.nan
        return 0.0, init_y
    sum_x += c_x
    sum_y += c_y
    sum_xy += c_xy
    sum_x2 += c_x2
    cov_xy = sum_xy - sum_x * sum_y / n
    var_x = sum_x2 - sum_x * sum_x / n
    slope = gomath.div(cov_xy, var_x)
    return slope, sum_y / n - slope * sum_x / n


def _smoothing(vs: list[float], sf: float, tf: float) -> float | None:
    if len(vs) < 2:
        return None
    s0 = 0.0
    s1 = vs[0]
    b = vs[1] - vs[0]
    for i in range(1, len(vs)):
        x = sf * vs[i]
        if i > 1:
            b = tf * (s1 - s0) + (1 - tf) * b
        y = (1 - sf) * (s1 + b)
        s0, s1 = s1, x + y
    return s1


def _changes(vs: list[float]) -> float:
    n = 0
    prev = vs[0]
    for cur in vs[1:]:
        if cur != prev and not (cur != cur and prev != prev):
            n += 1
        prev = cur
    return float(n)


def _resets(vs: list[float]) -> float:
    n = 0
    prev = vs[0]
    for cur in vs[1:]:
        if cur < prev:
            n += 1
        prev = cur
    return float(n)


def _max(vs: list[float]) -> float:
    m = vs[0]
    for v in vs[1:]:
        if v > m or m != m:
            m = v
    return m


def _min(vs: list[float]) -> float:
    m = vs[0]
    for v in vs[1:]:
        if v < m or m != m:
            m = v
    return m


def _ts_of(rs: RangeSeries, pick: Callable[[list[float]], float]) -> float:
    vals = rs.values()
    target = pick(vals)
    # The last sample holding the extreme value wins, as in Prometheus.
    for i in range(len(vals) - 1, -1, -1):
        v = vals[i]
        if v == target or (v != v and target != target):
            return rs.ts[rs.lo + i] / 1000.0
    return math.nan


def _sum_over_time(rs: RangeSeries) -> float:
    prefix = rs.prefix
    if prefix is not None:
        pre, pre_abs = prefix
        # Integers whose magnitudes sum below 2^53: every partial sum is exact, so
        # Prometheus' Kahan sum is this exact total (its compensation stays 0).
        if pre_abs[rs.hi] - pre_abs[rs.lo] < 2**53:
            return float(pre[rs.hi] - pre[rs.lo])
    return gomath.kahan_sum(rs.values())


def _mad(vs: list[float]) -> float:
    if any(v != v for v in vs):
        return math.nan  # a NaN makes the median, and so the deviation, undefined
    med = quantile(0.5, vs)
    return quantile(0.5, [abs(v - med) for v in vs])


# name -> (needs 2 samples, keep metric name)
_SIMPLE: dict[str, Callable[[RangeSeries, int], float | None]] = {
    "sum_over_time": lambda rs, c: _sum_over_time(rs),
    "avg_over_time": lambda rs, c: gomath.mean(rs.values(), c),
    "count_over_time": lambda rs, c: float(len(rs)),
    "min_over_time": lambda rs, c: _min(rs.values()),
    "max_over_time": lambda rs, c: _max(rs.values()),
    "stddev_over_time": lambda rs, c: math.sqrt(gomath.variance(rs.values())),
    "stdvar_over_time": lambda rs, c: gomath.variance(rs.values()),
    "mad_over_time": lambda rs, c: _mad(rs.values()),
    "last_over_time": lambda rs, c: rs.vs[rs.hi - 1],
    "first_over_time": lambda rs, c: rs.vs[rs.lo],
    "present_over_time": lambda rs, c: 1.0,
    "ts_of_last_over_time": lambda rs, c: rs.ts[rs.hi - 1] / 1000.0,
    "ts_of_first_over_time": lambda rs, c: rs.ts[rs.lo] / 1000.0,
    "ts_of_max_over_time": lambda rs, c: _ts_of(rs, _max),
    "ts_of_min_over_time": lambda rs, c: _ts_of(rs, _min),
    "changes": lambda rs, c: _changes(rs.values()),
    "resets": lambda rs, c: _resets(rs.values()),
    "rate": lambda rs, c: _extrapolated(rs, True, True, c),
    "increase": lambda rs, c: _extrapolated(rs, True, False, c),
    "delta": lambda rs, c: _extrapolated(rs, False, False, c),
    "irate": lambda rs, c: _instant_delta(rs, True),
    "idelta": lambda rs, c: _instant_delta(rs, False),
    "deriv": lambda rs, c: (
        linear_regression(rs.times(), rs.values(), rs.ts[rs.lo])[0] if len(rs) >= 2 else None
    ),
}


def _anchored_count(rs: RangeSeries, counter: Callable[[list[float]], float]) -> float | None:
    vals = anchored_values(rs.ts, rs.vs, rs.lo, rs.hi, rs.start)
    return None if vals is None else counter(vals)


def _ext(counter: bool, is_rate: bool) -> Callable[[RangeSeries, int], float | None]:
    def fn(rs: RangeSeries, c: int) -> float | None:
        smoothed = rs.mode == "smoothed"
        return extended_rate(
            rs.ts, rs.vs, rs.lo, rs.hi, rs.start, rs.end, smoothed, counter, is_rate
        )

    return fn


# rate & co. over anchored/smoothed windows (extended.py says which are allowed).
_EXTENDED: dict[str, Callable[[RangeSeries, int], float | None]] = {
    "rate": _ext(True, True),
    "increase": _ext(True, False),
    "delta": _ext(False, False),
    "changes": lambda rs, c: _anchored_count(rs, _changes),
    "resets": lambda rs, c: _anchored_count(rs, _resets),
}
_KEEP_NAME = frozenset({"last_over_time", "first_over_time"})
RANGE_FUNCS = frozenset(
    {
        *_SIMPLE,
        "quantile_over_time",
        "predict_linear",
        "holt_winters",
        "double_exponential_smoothing",
        "absent_over_time",
    }
)


def _range_arg(args: list[EvalValue]) -> RangeVec:
    for a in args:
        if isinstance(a, RangeVec):
            return a
    raise QueryError("expected a range vector argument")


def eval_range_call(ev: Evaluator, node: ast.Call, t: int) -> EvalValue:
    name = node.func
    args = [ev.eval(a, t) for a in node.args]
    rv = _range_arg(args)
    if name == "absent_over_time":
        from .absent import absent_labels

        return IVector() if rv else IVector([El(absent_labels(node.args[0]), 1.0)])
    compat = ev.compat
    fn: Callable[[RangeSeries, int], float | None]
    arg0 = node.args[0] if node.args else None
    mode = arg0.vector.modifier if isinstance(arg0, ast.MatrixSelector) else None
    if mode is not None:
        check_function(mode, name)
        fn = _EXTENDED[name]
    elif name in _SIMPLE:
        fn = _SIMPLE[name]
    elif name == "quantile_over_time":
        q = _scalar(args[0])
        if not 0 <= q <= 1:
            ev.warn(
                f"quantile value should be between 0 and 1, got {gomath.format_g(q)}",
                node.args[0],
            )
        fn = lambda rs, c: quantile(q, rs.values())  # noqa: E731
    elif name == "predict_linear":
        dur = _scalar(args[1])

        def fn(rs: RangeSeries, c: int) -> float | None:
            if len(rs) < 2:
                return None
            slope, intercept = linear_regression(rs.times(), rs.values(), t)
            return slope * dur + intercept

    else:  # holt_winters (2.x) / double_exponential_smoothing (its 3.x name)
        if (name == "holt_winters") != (compat < 3):
            other = "double_exponential_smoothing" if compat >= 3 else "holt_winters"
            raise QueryError(f"unknown function {name!r} in compat={compat} mode: use {other}")
        sf, tf = _scalar(args[1]), _scalar(args[2])

        def fn(rs: RangeSeries, c: int) -> float | None:
            # Prometheus checks the factors inside the per-series call, which only
            # runs for a series with samples: over no data there is no error. Its
            # test is `sf <= 0 || sf >= 1`, which NaN passes.
            if len(rs) == 0:
                return None
            if sf <= 0 or sf >= 1:
                raise QueryError(f"invalid smoothing factor. Expected: 0 < sf < 1, got: {sf:f}")
            if tf <= 0 or tf >= 1:
                raise QueryError(f"invalid trend factor. Expected: 0 < tf < 1, got: {tf:f}")
            return _smoothing(rs.values(), sf, tf)

    keep = name in _KEEP_NAME
    # Prometheus hints that rate() over a gauge is a mistake, by the name alone.
    counter_hint = name in ("rate", "increase") and isinstance(node.args[0], ast.MatrixSelector)
    out = IVector()
    for rs in rv:
        h = None
        if rs.hpoints is not None:
            from .native_range import native_value

            got = native_value(ev, node, rs, fn, t)
            if got is None:
                continue
            v, h = got[0], got[1]
            if h is not None:
                lab, drop = (rs.labels, rs.drop) if keep else ev.drop_name(rs.labels)
                out.append(El(lab, 0.0, drop or rs.drop, h))
                continue
        else:
            fv = fn(rs, compat)
            if fv is None:
                continue
            v = fv
        if counter_hint:
            metric = get(rs.labels, METRIC_NAME)
            if metric and not metric.endswith(("_total", "_sum", "_count", "_bucket")):
                ev.info(
                    "metric might not be a counter, name does not end in "
                    f"_total/_sum/_count/_bucket: {gomath.go_quote(metric)}",
                    node.args[0],
                )
        if keep:
            out.append(El(rs.labels, v, rs.drop))
        else:
            lab, drop = ev.drop_name(rs.labels)
            out.append(El(lab, v, drop or rs.drop))
    return ev.check_unique(out)


def _scalar(v: EvalValue) -> float:
    if not isinstance(v, float):
        raise QueryError("expected a scalar argument")
    return v
