"""Float arithmetic with Go's IEEE semantics, which PromQL results are defined by.

Python raises where Go returns Inf or NaN (``1/0``, ``math.pow`` overflow,
``math.log(0)``); PromQL must return the IEEE value instead, so every
operator and math function the evaluator applies to sample values goes
through the helpers here.
"""

from __future__ import annotations

import math
from decimal import Decimal

INF = math.inf
NAN = math.nan


def div(a: float, b: float) -> float:
    if b == 0.0:
        if a == 0.0 or a != a:
            return NAN
        # The sign of a zero divisor matters in IEEE: 1/-0 is -Inf.
        return math.copysign(INF, a) * math.copysign(1.0, b)
    return a / b


def mod(a: float, b: float) -> float:
    """Go's math.Mod: the result has the sign of ``a`` (C fmod), NaN for b == 0."""
    if b == 0.0 or math.isinf(a) or a != a or b != b:
        return NAN
    if math.isinf(b):
        return a
    return math.fmod(a, b)


def pow_(a: float, b: float) -> float:
    """Go's math.Pow, including its special cases for zero, Inf and NaN bases."""
    if b == 0.0:
        return 1.0
    if a == 1.0:
        return 1.0
    if a != a or b != b:
        return NAN
    if a == 0.0 and b < 0:
        # 0 ** negative: +-Inf, signed only for odd integer exponents.
        odd = math.isfinite(b) and b == math.floor(b) and math.fmod(b, 2.0) != 0.0
        return math.copysign(INF, a) if odd else INF
    try:
        return math.pow(a, b)
    except OverflowError:
        odd = b == math.floor(b) and math.fmod(b, 2.0) != 0.0
        return -INF if a < 0 and odd else INF
    except ValueError:
        return NAN


def sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0 or x != x else NAN


def log(x: float, fn: str = "ln") -> float:
    if x != x:
        return NAN
    if x < 0:
        return NAN
    if x == 0:
        return -INF
    if math.isinf(x):
        return INF
    if fn == "log2":
        return math.log2(x)
    if fn == "log10":
        return math.log10(x)
    return math.log(x)


def exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def guarded(fn: str, x: float) -> float:
    """Trig and hyperbolic functions with Go's NaN/Inf results instead of exceptions."""
    f = getattr(math, fn)
    try:
        return float(f(x))
    except OverflowError:
        if fn in ("sinh",):
            return math.copysign(INF, x)
        return INF
    except ValueError:
        if fn == "atanh" and abs(x) == 1.0:
            return math.copysign(INF, x)
        return NAN


def kahan_inc(inc: float, s: float, c: float) -> tuple[float, float]:
    """One step of Kahan-Neumaier summation, as Prometheus sums (kahanSumInc)."""
    t = s + inc
    if math.isinf(t):
        c = 0.0
    elif abs(s) >= abs(inc):
        c += (s - t) + inc
    else:
        c += (inc - t) + s
    return t, c


def kahan_sum(values: list[float]) -> float:
    s = c = 0.0
    for v in values:
        t = s + v
        if math.isinf(t):
            c = 0.0
        elif abs(s) >= abs(v):
            c += (s - t) + v
        else:
            c += (v - t) + s
        s = t
    # Adding a zero compensation to an infinite sum would turn Inf into NaN.
    return s if math.isinf(s) else s + c


def format_float(v: float) -> str:
    """Go's ``strconv.FormatFloat(v, 'f', -1, 64)``: shortest round-trip, no exponent."""
    if v != v:
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == 0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    return format(Decimal(repr(v)).normalize(), "f")


def parse_float(text: str) -> float:
    """Go's ``strconv.ParseFloat``: no surrounding blanks, no ``_`` separators."""
    if not text or text != text.strip() or "_" in text:
        raise ValueError(text)
    low = text.lower()
    if low.lstrip("+-") in ("inf", "infinity"):
        return -INF if low.startswith("-") else INF
    if low.lstrip("+-").startswith("0x"):
        return float.fromhex(text)
    return float(text)


def almost_equal(a: float, b: float, epsilon: float) -> bool:
    """Prometheus' almostEqual: relative tolerance, NaN equals NaN, exact Inf."""
    if a == b:
        return True
    if a != a and b != b:
        return True
    if a != a or b != b or math.isinf(a) or math.isinf(b):
        return False
    abs_sum = abs(a) + abs(b)
    diff = abs(a - b)
    min_normal = 2.2250738585072014e-308
    if a == 0 or b == 0 or abs_sum < min_normal:
        return diff < epsilon * min_normal
    return diff / min(abs_sum, 1.7976931348623157e308) < epsilon


def mean(vals: list[float], compat: int = 3) -> float:
    """Average as Prometheus 3 computes it: Kahan sum, incremental mean after overflow.

    compat=2 uses the 2.x incremental Kahan mean throughout.
    """
    if compat < 3:
        m = c = 0.0
        for i, v in enumerate(vals, 1):
            if math.isinf(m):
                if math.isinf(v) and (m > 0) == (v > 0):
                    continue
                if not math.isinf(v) and v == v:
                    continue
            m, c = kahan_inc(v / i - m / i, m, c)
        return m if math.isinf(m) else m + c
    s = c = 0.0
    m = 0.0
    incremental = False
    count = 0.0
    for v in vals:
        count += 1
        if not incremental:
            ns, nc = kahan_inc(v, s, c)
            if count == 1 or not math.isinf(ns):
                s, c = ns, nc
                continue
            incremental = True
            m = s / (count - 1)
            c /= count - 1
        if math.isinf(m):
            if math.isinf(v) and (m > 0) == (v > 0):
                continue
            if not math.isinf(v) and v == v:
                continue
        corrected = m + c
        m, c = kahan_inc(v / count - corrected / count, m, c)
    if incremental:
        return m + c
    return s / count + c / count


def variance(vals: list[float]) -> float:
    """Population variance, Welford's method with Kahan-compensated running sums."""
    count = 0.0
    m = c_m = 0.0
    aux = c_aux = 0.0
    for v in vals:
        count += 1
        delta = v - (m + c_m)
        m, c_m = kahan_inc(delta / count, m, c_m)
        aux, c_aux = kahan_inc(delta * (v - (m + c_m)), aux, c_aux)
    return (aux + c_aux) / count


def format_g(v: float) -> str:
    """Go's ``%g`` (shortest digits; exponent form below 1e-4 and from 1e6 on)."""
    if v != v:
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == 0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    sign, digits, exp = Decimal(repr(v)).normalize().as_tuple()
    assert isinstance(exp, int)
    ds = "".join(map(str, digits))
    point_exp = len(ds) + exp - 1  # exponent of the first digit
    prefix = "-" if sign else ""
    if point_exp < -4 or point_exp >= 6:
        mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        return f"{prefix}{mant}e{'+' if point_exp >= 0 else '-'}{abs(point_exp):02d}"
    return prefix + format(Decimal(repr(abs(v))).normalize(), "f")


def go_quote(s: str) -> str:
    """Go's %q for the strings that reach error messages (invalid bytes as \\x..)."""
    out = []
    for ch in s:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that was not valid UTF-8
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode())
    return '"' + "".join(out) + '"'


def format_openmetrics(v: float) -> str:
    """Prometheus 3's normalised ``le``/``quantile`` label value: "1.0", "0.25", "+Inf"."""
    text = format_g(v)
    if any(c in text for c in "e.") or text in ("NaN", "+Inf", "-Inf"):
        return text
    return text + ".0"
