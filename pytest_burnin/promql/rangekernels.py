"""Vectorised range-function kernels: one numpy pass over every window of a range query.

A window is ``[lo, lo + n)`` in the concatenated sample arrays ``TS``/``VS``.
Windows come sorted by length, longest first, so at sample ``k`` the windows
still running are a prefix ``[:m_k]`` and every kernel is a loop over ``k``
with plain slices, no masks.

Results must stay bit-identical to ``rangefuncs.py``, which mirrors
Prometheus: each kernel performs the same IEEE operations in the same order
per window (Kahan-Neumaier steps included), only many windows at a time.
numpy's element-wise ``+ - * /`` and ``sqrt`` round exactly like Python's
floats; its reductions (``sum``) do not, so none is used on sample values.
A kernel returns None when a window needs a branch it does not implement
(the caller then evaluates the query the ordinary way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass
class Windows:
    """Windows sorted by length (longest first); ``active[k]``: how many have > k samples."""

    ts: I64  # all samples' timestamps (ms), series after series
    vs: F64
    lo: I64
    n: I64
    active: list[int]

    @classmethod
    def build(cls, ts: I64, vs: F64, lo: I64, n: I64) -> tuple[Windows, I64]:
        order = np.argsort(-n, kind="stable")
        n_sorted = n[order]
        longest = int(n_sorted[0]) if len(n_sorted) else 0
        active = np.searchsorted(-n_sorted, -np.arange(longest), side="left").tolist()
        return cls(ts, vs, lo[order], n_sorted, active), order

    def column(self, k: int) -> tuple[int, I64]:
        """(m, indices of sample k) of the m windows with more than k samples."""
        m = self.active[k]
        return m, self.lo[:m] + k


def kahan_step(inc: F64, s: F64, c: F64) -> tuple[F64, F64]:
    """gomath.kahan_inc element-wise: ``(larger - t) + smaller`` added to c, 0 past Inf.

    In-place on fresh temporaries (half the time of the textbook form);
    ``comp + c`` equals ``c + comp`` exactly, IEEE addition commutes.
    """
    t = s + inc
    big = np.abs(s) >= np.abs(inc)
    comp = np.where(big, s, inc)
    comp -= t
    comp += np.where(big, inc, s)
    comp += c
    inf = np.isinf(t)
    if inf.any():
        comp[inf] = 0.0
    return t, comp


def kahan_into(inc: F64, s: F64, c: F64) -> None:
    """kahan_step writing into ``s`` and ``c`` (views of the running sums)."""
    t = s + inc
    big = np.abs(s) >= np.abs(inc)
    comp = np.where(big, s, inc)
    comp -= t
    comp += np.where(big, inc, s)
    c += comp
    inf = np.isinf(t)
    if inf.any():
        c[inf] = 0.0
    s[...] = t


def kahan_sum(w: Windows) -> F64:
    size = len(w.n)
    s, c = np.zeros(size), np.zeros(size)
    for k in range(len(w.active)):
        m, idx = w.column(k)
        kahan_into(w.vs[idx], s[:m], c[:m])
    return np.where(np.isinf(s), s, s + c)


def mean3(w: Windows) -> F64 | None:
    """Prometheus 3's avg_over_time while the Kahan sum stays finite (None otherwise)."""
    size = len(w.n)
    s, c = np.zeros(size), np.zeros(size)
    for k in range(len(w.active)):
        m, idx = w.column(k)
        ns, nc = kahan_step(w.vs[idx], s[:m], c[:m])
        if k > 0 and bool(np.isinf(ns).any()):
            return None  # the incremental-mean branch: left to rangefuncs
        s[:m], c[:m] = ns, nc
    count = w.n.astype(np.float64)
    result: F64 = s / count + c / count
    return result


def mean2(w: Windows) -> F64:
    """Prometheus 2's incremental Kahan mean (gomath.mean, compat=2)."""
    size = len(w.n)
    mu, c = np.zeros(size), np.zeros(size)
    for k in range(len(w.active)):
        m, idx = w.column(k)
        v = w.vs[idx]
        cur, cc = mu[:m], c[:m]
        i = float(k + 1)
        nm, nc = kahan_step(v / i - cur / i, cur, cc)
        same_inf = np.isinf(v) & ((cur > 0) == (v > 0))
        finite = ~np.isinf(v) & (v == v)
        skip = np.isinf(cur) & (same_inf | finite)
        mu[:m] = np.where(skip, cur, nm)
        c[:m] = np.where(skip, cc, nc)
    return np.where(np.isinf(mu), mu, mu + c)


def variance(w: Windows) -> F64:
    """Welford with Kahan-compensated sums (gomath.variance)."""
    size = len(w.n)
    mu, c_mu, aux, c_aux = (np.zeros(size) for _ in range(4))
    for k in range(len(w.active)):
        m, idx = w.column(k)
        v = w.vs[idx]
        count = float(k + 1)
        delta = v - (mu[:m] + c_mu[:m])
        kahan_into(delta / count, mu[:m], c_mu[:m])
        kahan_into(delta * (v - (mu[:m] + c_mu[:m])), aux[:m], c_aux[:m])
    result: F64 = (aux + c_aux) / w.n.astype(np.float64)
    return result


def extreme(w: Windows, is_max: bool) -> F64:
    """min/max_over_time: a NaN is replaced by any later value, as Prometheus does."""
    cur: F64 = w.vs[w.lo].copy()
    for k in range(1, len(w.active)):
        m, idx = w.column(k)
        v, held = w.vs[idx], cur[:m]
        better = (v > held) if is_max else (v < held)
        cur[:m] = np.where(better | (held != held), v, held)
    return cur


def count_pairs(w: Windows, resets: bool) -> F64:
    """changes() (value differs, two NaNs are equal) or resets() (value drops)."""
    out = np.zeros(len(w.n))
    for k in range(1, len(w.active)):
        m, idx = w.column(k)
        cur, prev = w.vs[idx], w.vs[idx - 1]
        if resets:
            hit = cur < prev
        else:
            hit = (cur != prev) & ~((cur != cur) & (prev != prev))
        out[:m] += hit
    return out


def add_resets(w: Windows, result: F64, corr: F64, prefix_min: int) -> F64:
    """result plus the value before each counter reset, one at a time in window order.

    Resets are rare, so they are found once over all samples; the j-th reset
    of every window is then added in one pass per j. Windows of
    ``prefix_min`` samples or more use the per-series prefix array ``corr``
    instead, exactly as rangefuncs._add_resets does. (A position where one
    series ends and the next begins may look like a reset, but it is never
    inside a window: a window's resets are at lo+1 .. lo+n-1.)
    """
    out: F64 = result.copy()
    vs = w.vs
    resets = np.nonzero(vs[1:] < vs[:-1])[0] + 1
    short = w.n < prefix_min
    first = np.searchsorted(resets, w.lo + 1, side="left")
    count = np.searchsorted(resets, w.lo + w.n, side="left") - first
    count[~short] = 0
    for j in range(int(count.max()) if len(count) else 0):
        hit = np.nonzero(count > j)[0]
        out[hit] = out[hit] + vs[resets[first[hit] + j] - 1]
    long_ = ~short
    if bool(long_.any()):
        last = w.lo + w.n - 1
        out[long_] = result[long_] + (corr[last[long_]] - corr[w.lo[long_]])
    return out


def regression(w: Windows, intercept_t: I64) -> tuple[F64, F64]:
    """(slope, intercept) as rangefuncs.linear_regression, per window."""
    size = len(w.n)
    sx, cx, sy, cy, sxy, cxy, sx2, cx2 = (np.zeros(size) for _ in range(8))
    init_y = w.vs[w.lo]
    const = np.ones(size, dtype=bool)
    for k in range(len(w.active)):
        m, idx = w.column(k)
        y = w.vs[idx]
        const[:m] &= y == init_y[:m]
        x = (w.ts[idx] - intercept_t[:m]).astype(np.float64) / 1000.0
        kahan_into(x, sx[:m], cx[:m])
        kahan_into(y, sy[:m], cy[:m])
        kahan_into(x * y, sxy[:m], cxy[:m])
        kahan_into(x * x, sx2[:m], cx2[:m])
    n = w.n.astype(np.float64)
    sx, sy, sxy, sx2 = sx + cx, sy + cy, sxy + cxy, sx2 + cx2
    cov_xy = sxy - sx * sy / n
    var_x = sx2 - sx * sx / n
    slope = cov_xy / var_x
    intercept = sy / n - slope * sx / n
    inf_y = np.isinf(init_y)
    slope = np.where(const, np.where(inf_y, np.nan, 0.0), slope)
    intercept = np.where(const, np.where(inf_y, np.nan, init_y), intercept)
    return slope, intercept


def extrapolate(
    w: Windows,
    result: F64,
    start: I64,
    end: I64,
    counter: bool,
    is_rate: bool,
    compat: int,
) -> F64:
    """rangefuncs._extrapolated after ``result`` (last - first, plus resets) is known."""
    first_i, last_i = w.lo, w.lo + w.n - 1
    first_v = w.vs[first_i]
    first_t, last_t = w.ts[first_i], w.ts[last_i]
    to_start = (first_t - start).astype(np.float64) / 1000.0
    to_end = (end - last_t).astype(np.float64) / 1000.0
    sampled = (last_t - first_t).astype(np.float64) / 1000.0
    avg_between = sampled / (w.n - 1).astype(np.float64)
    threshold = avg_between * 1.1
    half = avg_between / 2
    capped = counter & (result > 0) & (first_v >= 0)
    to_zero = sampled * (first_v / result)
    if compat >= 3:
        to_start = np.where(to_start >= threshold, half, to_start)
        to_start = np.where(capped & (to_zero < to_start), to_zero, to_start)
        to_end = np.where(to_end >= threshold, half, to_end)
        factor = (sampled + to_start + to_end) / sampled
    else:
        to_start = np.where(capped & (to_zero < to_start), to_zero, to_start)
        interval = sampled + np.where(to_start < threshold, to_start, half)
        interval = interval + np.where(to_end < threshold, to_end, half)
        factor = interval / sampled
    if is_rate:
        factor = factor / ((end - start).astype(np.float64) / 1000.0)
    out: F64 = result * factor
    return out
