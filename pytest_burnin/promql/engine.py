"""The PromQL engine: instant and range queries over an in-memory ``Storage``.

Prometheus (``promql/engine.go``) is the reference. A query is evaluated one
timestamp at a time by an ``Evaluator`` (``evaluator.py``); range queries run
it once per step. Selections are cached for the whole query, subquery inner
results are memoised by absolute timestamp (overlapping windows are computed
once), range windows are ``bisect`` slices of the stored arrays, and long
``rate``/``increase`` windows use per-series prefix arrays of reset corrections.
In a range query, a range function over a plain selector is computed for all
steps at once with numpy (``rangebatch.py``, kernels in ``rangekernels.py``,
bit-identical), and so is ``sum``/``count``/``min``/``max`` over one
(``rangeagg.py``).

Compatibility modes (``compat``), the differences implemented:

=============================  ==================================  ==========================
behaviour                      compat=3 (default, Prometheus 3)    compat=2 (Prometheus 2.x)
=============================  ==================================  ==========================
range window, lookback         left-open ``(t-r, t]``               closed ``[t-r, t]``
subquery first step            strictly after ``t - range``          at or after ``t - range``
regex ``.``                    matches ``\n``                       does not
label names                    any valid UTF-8                      ``[a-zA-Z_][a-zA-Z0-9_]*``
holt_winters                   renamed double_exponential_smoothing  holt_winters
rate() zero-point cap          after the half-interval rule         before it
histogram_quantile monotony    ignores 1e-12 relative noise, info   plain max-so-far fix
``atan2`` drops the name       yes                                  no (2.x omission)
duplicate-match error order    the two series sorted                as found
many-to-one match check        before comparison filtering          after it
name removal also drops        ``__type__``/``__unit__``            just ``__name__``
quantile labels (histogram_    ``"1.0"``, ``"0.25"`` (OpenMetrics)   n/a
quantiles)
3.x-only features              anchored/smoothed selectors, fill    --
                               modifiers, info(), limitk,
                               limit_ratio, first_over_time,
                               ts_of_*, mad_over_time, step(),
                               start()/end()/range(), min_of/max_of,
                               duration arithmetic, annotations
=============================  ==================================  ==========================

Unchanged: deriv/predict_linear, the 5m lookback, staleness markers, ``@`` and
offset semantics. ``le``/``quantile`` label normalisation at ingestion is a
scrape-time change in 3.x and belongs to the metric sources, not the engine.

``delayed_name_removal`` mirrors Prometheus 3's feature flag of that name
(off by default in Prometheus and promtool, on in its PromQL test scripts): the
metric name is then dropped at the end of the query, so
``label_replace(rate(x[5m]), "__name__", ...)`` can still read it.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from . import ast
from .evaltypes import IVector
from .evaluator import Evaluator
from .labels import Labels
from .storage import Series, Storage, Times, Values, is_stale
from .subquery_memo import SubqueryMemo
from .values import Matrix, QueryError, SeriesPoints, Value

__all__ = ["Engine"]

_PARSE_CACHE_SIZE = 2048


def _same(a: tuple[int, float], b: tuple[int, float]) -> bool:
    return a[0] == b[0] and (a[1] == b[1] or (a[1] != a[1] and b[1] != b[1]))


class _SeriesCache:
    """Derived per-series arrays, rebuilt when a series changes (length or last sample).

    * the samples without staleness markers: range vectors never contain
      them, so they are filtered once per series version, not once per window;
    * lazily, a prefix array of counter-reset corrections, which turns
      ``increase(x[14d])`` into O(1) per evaluation.

    Entries hold their series, so ``id()`` keys cannot be reused while cached;
    the cache is dropped when it outgrows the storage (after ``clear()``...).
    """

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._data: dict[int, tuple[Series, int, tuple[int, float], Times, Values]] = {}
        self._corr: dict[int, tuple[Sequence[float], list[float]]] = {}
        self._resets: dict[int, tuple[Sequence[float], list[int]]] = {}

    def clean(self, s: Series) -> tuple[Times, Values]:
        n = len(s.ts)
        # A rewrite of the last sample (same timestamp, new value) must be seen too.
        last = (s.ts[-1], s.vs[-1]) if n else (-1, 0.0)
        key = id(s)
        hit = self._data.get(key)
        if hit is not None and hit[0] is s:
            _, old_n, old_last, ts, vs = hit
            if old_n == n and _same(old_last, last):
                return ts, vs
            # The common change is an append (the rule engine writing its
            # results): extend the derived arrays instead of rebuilding them.
            if 0 < old_n < n and _same((s.ts[old_n - 1], s.vs[old_n - 1]), old_last):
                ts, vs = self._extend(s, old_n, ts, vs)
                self._data[key] = (s, n, last, ts, vs)
                return ts, vs
        if len(self._data) > 2 * len(self._storage) + 1024:
            self._data.clear()
            self._corr.clear()
            self._resets.clear()
        ts, vs = s.ts, s.vs
        if any(v != v for v in vs):
            keep = [i for i, v in enumerate(vs) if not (v != v and is_stale(v))]
            if len(keep) != n:
                ts = [ts[i] for i in keep]
                vs = [vs[i] for i in keep]
        # Rebuilt (a rewrite, an insert or the first read): prefix arrays of the
        # same list object would describe its old values.
        self._corr.pop(id(vs), None)
        self._resets.pop(id(vs), None)
        self._data[key] = (s, n, last, ts, vs)
        return ts, vs

    @staticmethod
    def _extend(s: Series, old_n: int, ts: Times, vs: Values) -> tuple[Times, Values]:
        new_v = s.vs[old_n:]
        stale_at = [i for i, v in enumerate(new_v) if v != v and is_stale(v)]
        if ts is s.ts:
            if not stale_at:
                return ts, vs  # the series' own lists: already extended
            ts, vs = s.ts[:old_n], s.vs[:old_n]  # first marker: stop sharing
        skip = set(stale_at)
        for i, v in enumerate(new_v):
            if i not in skip:
                ts.append(s.ts[old_n + i])
                vs.append(v)
        return ts, vs

    def corrections(self, vs: Sequence[float]) -> list[float]:
        """corr[i]: sum of the values before each counter reset in vs[0..i]."""
        hit = self._corr.get(id(vs))
        if hit is not None and hit[0] is vs and len(hit[1]) == len(vs):
            return hit[1]
        corr = hit[1] if hit is not None and hit[0] is vs and len(hit[1]) < len(vs) else []
        start = len(corr)
        if start == 0:
            corr.append(0.0)
            start = 1
        acc = corr[-1]
        prev = vs[start - 1] if vs else 0.0
        for i in range(start, len(vs)):
            cur = vs[i]
            if cur < prev:
                acc += prev
            corr.append(acc)
            prev = cur
        self._corr[id(vs)] = (vs, corr)
        return corr

    def reset_counts(self, vs: Sequence[float]) -> list[int]:
        """counts[i]: how many counter resets (a value below the one before) in vs[0..i].

        An exact integer, so ``counts[hi - 1] == counts[lo]`` proves a window
        has no reset and rate() may skip its scan without changing a bit.
        """
        hit = self._resets.get(id(vs))
        if hit is not None and hit[0] is vs and len(hit[1]) == len(vs):
            return hit[1]
        counts = hit[1] if hit is not None and hit[0] is vs and len(hit[1]) < len(vs) else []
        if not counts and vs:
            counts.append(0)
        acc = counts[-1] if counts else 0
        for i in range(len(counts), len(vs)):
            if vs[i] < vs[i - 1]:
                acc += 1
            counts.append(acc)
        self._resets[id(vs)] = (vs, counts)
        return counts


class Engine:
    """Evaluates PromQL over ``storage``; see the module docstring for ``compat``."""

    def __init__(
        self,
        storage: Storage,
        *,
        lookback_delta_ms: int = 300_000,
        compat: int = 3,
        default_subquery_step_ms: int = 60_000,
        delayed_name_removal: bool = False,
    ) -> None:
        if compat not in (2, 3):
            raise ValueError(f"compat must be 2 or 3, not {compat!r}")
        self.storage = storage
        self.lookback_delta_ms = lookback_delta_ms
        self.compat = compat
        self.default_subquery_step_ms = default_subquery_step_ms
        # Prometheus 3's --enable-feature=promql-delayed-name-removal (off by
        # default there and in promtool; on in its own PromQL test scripts).
        self.delayed_name_removal = delayed_name_removal and compat >= 3
        self._series_cache = _SeriesCache(storage)
        # Labels without the metric name, by label set (Evaluator.strip): rule
        # groups strip the same series' labels at every step.
        self.stripped: dict[Labels, Labels] = {}
        self._selections: dict[tuple[ast.Matcher, ...], tuple[int, list[Series]]] = {}
        self._parsed: OrderedDict[str, ast.Expr] = OrderedDict()
        # (warnings, infos) of the last query, worded as Prometheus' annotations.
        self.last_annotations: tuple[list[str], list[str]] = ([], [])
        # Subquery steps kept across queries; only a forward simulation, which
        # appends samples in time order, may switch it on (subquery_memo.py).
        self.subquery_memo: SubqueryMemo | None = None

    def cached_select(self, matchers: list[ast.Matcher]) -> list[Series]:
        """Storage selection, reused while the storage's set of series is unchanged.

        Rule groups run the same selectors at every step; regex matchers over
        many series are the expensive part, and samples appended to existing
        series do not change which series match.
        """
        generation = getattr(self.storage, "generation", None)
        dotall = self.compat >= 3  # 2.x regexes: "." does not match a newline
        if generation is None:
            return self.storage.select(matchers, dotall)
        key = tuple(matchers)
        hit = self._selections.get(key)
        if hit is not None and hit[0] == generation:
            return hit[1]
        if len(self._selections) > 4096:
            self._selections.clear()
        found = self.storage.select(matchers, dotall)
        self._selections[key] = (generation, found)
        return found

    # -- public API ---------------------------------------------------------

    def parse(self, query: str | ast.Expr) -> ast.Expr:
        """Parse with an LRU cache on the text: rule groups repeat the same queries."""
        if not isinstance(query, str):
            return query
        hit = self._parsed.get(query)
        if hit is not None:
            self._parsed.move_to_end(query)
            return hit
        from .parser import parse  # the parser is optional until a text query is given

        expr = parse(query, compat=self.compat)
        self._parsed[query] = expr
        if len(self._parsed) > _PARSE_CACHE_SIZE:
            self._parsed.popitem(last=False)
        return expr

    def instant(self, query: str | ast.Expr, t_ms: int) -> Value:
        with _no_python_errors(query), collector_paused():
            return self._instant(self.parse(query), query, t_ms)

    def range(self, query: str | ast.Expr, start_ms: int, end_ms: int, step_ms: int) -> Matrix:
        with _no_python_errors(query):
            expr = self.parse(query)
            if step_ms <= 0:
                raise QueryError("zero or negative query resolution step widths are not accepted")
            if end_ms < start_ms:
                raise QueryError("end timestamp must not be before start time")
            with collector_paused():
                return self._range(expr, query, start_ms, end_ms, step_ms)

    def _instant(self, expr: ast.Expr, query: str | ast.Expr, t_ms: int) -> Value:
        ev = Evaluator(self, t_ms, t_ms, 0, query if isinstance(query, str) else "")
        if ev.histograms:
            ev.stats_nodes = _stats_selectors(expr)
        self.last_annotations = (ev.warnings, ev.infos)
        val = ev.eval(expr, t_ms)
        ev.finish()
        return ev.to_public(val, t_ms)

    def _range(
        self, expr: ast.Expr, query: str | ast.Expr, start_ms: int, end_ms: int, step_ms: int
    ) -> Matrix:
        ev = Evaluator(self, start_ms, end_ms, step_ms, query if isinstance(query, str) else "")
        if ev.histograms:
            ev.stats_nodes = _stats_selectors(expr)
        self.last_annotations = (ev.warnings, ev.infos)
        acc: dict[Labels, SeriesPoints] = {}
        t = start_ms
        while t <= end_ms:
            ev.current_t = t
            val = ev.eval(expr, t)
            if isinstance(val, float):
                sp = acc.get(())
                if sp is None:
                    sp = acc[()] = SeriesPoints(())
                sp.points.append((t, val))
            elif isinstance(val, IVector):
                for el in val:
                    lab = ev.strip(el.labels) if el.drop else el.labels
                    sp = acc.get(lab)
                    if sp is None:
                        sp = acc[lab] = SeriesPoints(lab)
                    elif (sp.points and sp.points[-1][0] == t) or (
                        sp.hpoints and sp.hpoints[-1][0] == t
                    ):
                        raise QueryError("vector cannot contain metrics with the same labelset")
                    if el.h is not None:
                        sp.hpoints.append((t, el.h))
                        continue
                    sp.points.append((t, el.v))
            else:
                kind = "string" if isinstance(val, str) else "range vector"
                raise QueryError(
                    f'invalid expression type "{kind}" for range query, must be Scalar or instant Vector'
                )
            t += step_ms
        ev.finish()
        return Matrix(sorted(acc.values(), key=lambda sp: sp.labels))


_STATS_CACHE: dict[int, tuple[ast.Expr, frozenset[int]]] = {}


def _stats_selectors(expr: ast.Expr) -> frozenset[int]:
    """native_series.stats_selectors, once per parsed query (rule groups repeat them)."""
    hit = _STATS_CACHE.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    from .native_series import stats_selectors

    found = stats_selectors(expr)
    if len(_STATS_CACHE) > 4096:
        _STATS_CACHE.clear()
    _STATS_CACHE[id(expr)] = (expr, found)
    return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the length of a query.

    A range query allocates one object per series and step (121,000 for 1,000
    series over 2 h at 1 m), all alive until the result is built; the
    collector's passes over them find nothing to free and took 40% of the
    query's time. Rule tests run millions of instant queries beside a large
    heap (the input samples), which every full pass walks. A query makes no
    reference cycles (the Evaluator holds no bound methods; a test checks
    this), so reference counting frees everything, and the collector runs
    again (if it was on) as soon as the query ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _no_python_errors(query: str | ast.Expr) -> Iterator[None]:
    """The backstop: a Python exception from the engine becomes its own QueryError.

    Every known cause is fixed where it arises (tests/promql/testdata); this only
    keeps an unknown one from reaching a user as a traceback, naming the query
    so that it can be reported and reproduced.
    """
    from .lexer import ParseError

    try:
        yield
    except (QueryError, ParseError):
        raise
    except RecursionError:
        raise QueryError(f"query nests too deeply to evaluate: {_show(query)}") from None
    except Exception as exc:
        raise QueryError(
            f"internal error evaluating {_show(query)}: {type(exc).__name__}: {exc} "
            "(please report this query and its data)"
        ) from exc


def _show(query: str | ast.Expr) -> str:
    text = query if isinstance(query, str) else type(query).__name__
    return repr(text if len(text) <= 200 else text[:200] + "...")
