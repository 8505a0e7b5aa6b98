"""Prometheus 3's experimental ``info(v [, {data-label selector}])`` function.

It enriches each series of ``v`` with the data labels of the info series
(``target_info`` unless the selector names others, e.g. ``{__name__=~".+_info"}``)
that share its identifying labels ``instance`` and ``job``. Labels the base
series already has win; two info series disagreeing on a label is an error;
with a data-label selector that cannot match an empty value, base series
without a matching info series are dropped.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from . import ast
from .evaltypes import El, EvalValue, IVector
from .labels import METRIC_NAME, Labels, get, with_label
from .storage import is_stale, matches
from .values import QueryError

if TYPE_CHECKING:
    from .evaluator import Evaluator

TARGET_INFO = "target_info"
IDENTIFYING = ("instance", "job")


def _effective_name_matchers(name_matchers: list[ast.Matcher]) -> list[ast.Matcher]:
    """Without a positive name matcher, only ``*_info`` metrics (or target_info) qualify."""
    if any(m.type in (ast.MatchType.EQUAL, ast.MatchType.REGEX) for m in name_matchers):
        return name_matchers
    if name_matchers:
        return [ast.Matcher(METRIC_NAME, ast.MatchType.REGEX, ".+_info"), *name_matchers]
    return [ast.Matcher(METRIC_NAME, ast.MatchType.EQUAL, TARGET_INFO)]


def _time_source(expr: ast.Expr) -> tuple[int | None, str | None, list[ast.Duration]]:
    """The ``@``/offset of the first selector in ``expr`` (and of subqueries around it)."""
    path: list[ast.SubqueryExpr] = []

    def walk(node: object) -> ast.VectorSelector | None:
        if isinstance(node, ast.VectorSelector):
            return node
        if isinstance(node, ast.SubqueryExpr):
            path.append(node)
        children = vars(node).values() if isinstance(node, ast.Expr) else ()
        for child in children:
            items = child if isinstance(child, list) else [child]
            for item in items:
                if isinstance(item, ast.Expr):
                    found = walk(item)
                    if found is not None:
                        return found
        if isinstance(node, ast.SubqueryExpr):
            path.pop()
        return None

    vs = walk(expr)
    if vs is None:
        return None, None, []
    at, at_mod, offsets = vs.at, vs.at_modifier, [vs.offset]
    for sq in reversed(path):
        if at is not None or at_mod is not None:
            break
        offsets.append(sq.offset)
        at, at_mod = sq.at, sq.at_modifier
    return at, at_mod, offsets


def eval_info(ev: Evaluator, node: ast.Call, t: int) -> EvalValue:
    base = ev.eval_vector(node.args[0], t)
    data: dict[str, list[ast.Matcher]] = {}
    name_matchers: list[ast.Matcher] = []
    if len(node.args) > 1:
        sel = node.args[1]
        if not isinstance(sel, ast.VectorSelector):
            raise QueryError("info(): the second argument must be a label selector")
        ms = list(sel.matchers)
        if sel.name is not None and not any(m.name == METRIC_NAME for m in ms):
            ms.append(ast.Matcher(METRIC_NAME, ast.MatchType.EQUAL, sel.name))
        for m in ms:
            data.setdefault(m.name, []).append(m)
            if m.name == METRIC_NAME:
                name_matchers.append(m)
    else:
        name_matchers = [ast.Matcher(METRIC_NAME, ast.MatchType.EQUAL, TARGET_INFO)]
    effective = _effective_name_matchers(name_matchers)

    def is_info(labels: Labels) -> bool:
        name = get(labels, METRIC_NAME)
        return all(matches(m, name) for m in effective)

    ignored = {el.labels for el in base if is_info(el.labels)}
    id_values: dict[str, set[str]] = {}
    for el in base:
        if el.labels in ignored:
            continue
        for name in IDENTIFYING:
            value = get(el.labels, name)
            if value:
                id_values.setdefault(name, set()).add(value)
    data_name_matchers = data.pop(METRIC_NAME, [])
    infos = _latest_info_samples(ev, node, t, id_values, data, data_name_matchers)
    return _combine(base, infos, ignored, data)


def _latest_info_samples(
    ev: Evaluator,
    node: ast.Call,
    t: int,
    id_values: dict[str, set[str]],
    data: dict[str, list[ast.Matcher]],
    name_matchers: list[ast.Matcher],
) -> dict[Labels, tuple[Labels, int]]:
    """Info series by (name, instance, job) signature: the latest sample's labels and time."""
    if not id_values:
        return {}
    at, at_mod, offsets = _time_source(node.args[0])
    ref = ev.ref_time(at, at_mod, 0, t) - sum(ev.duration(o) for o in offsets)
    matchers = [m for ms in data.values() for m in ms] + _effective_name_matchers(name_matchers)
    low = ref - ev.lookback
    out: dict[Labels, tuple[Labels, int]] = {}
    for s in ev.storage.select(matchers):
        if any(get(s.labels, k) not in vals for k, vals in id_values.items()):
            continue
        i = bisect_right(s.ts, ref) - 1
        if i < 0 or s.ts[i] <= low or is_stale(s.vs[i]):
            continue
        if s.hists and s.ts[i] in s.hists:
            # Prometheus refuses it too: an info series' labels come with float samples.
            raise QueryError(f"info series {_lbl(s.labels)} has a native histogram sample")
        sig = _signature(get(s.labels, METRIC_NAME), s.labels)
        sample_t = s.ts[i]
        old = out.get(sig)
        if old is not None:
            if old[1] == sample_t:
                raise QueryError(
                    f"found duplicate series for info metric: existing {_lbl(old[0])} @ "
                    f"{old[1]}, new {_lbl(s.labels)} @ {sample_t}"
                )
            if old[1] > sample_t:
                continue
        out[sig] = (s.labels, sample_t)
    return out


def _signature(info_name: str, labels: Labels) -> Labels:
    return ((METRIC_NAME, info_name), *((k, v) for k, v in labels if k in IDENTIFYING))


def _lbl(labels: Labels) -> str:
    from .binops import labels_string

    return labels_string(labels)


def _combine(
    base: IVector,
    infos: dict[Labels, tuple[Labels, int]],
    ignored: set[Labels],
    data: dict[str, list[ast.Matcher]],
) -> IVector:
    info_names = sorted({dict(sig)[METRIC_NAME] for sig in infos})
    out = IVector()
    for el in base:
        if el.labels in ignored:
            out.append(el)
            continue
        base_names = {k for k, _ in el.labels}
        added: dict[str, str] = {}
        seen = False
        for info_name in info_names:
            hit = infos.get(_signature(info_name, el.labels))
            if hit is None:
                continue
            seen = True
            for k, v in hit[0]:
                if k == METRIC_NAME or (data and k not in data):
                    continue
                if added.get(k, v) != v:
                    raise QueryError(f"conflicting label: {k}")
                if k not in base_names:
                    added[k] = v
        if not seen and not all(matches(m, "") for ms in data.values() for m in ms):
            continue
        lab = el.labels
        for k, v in added.items():
            lab = with_label(lab, k, v)
        out.append(El(lab, el.v, el.drop, el.h))
    return out
