"""Label sets that walk an Alertmanager routing tree: one per route and a variant per matcher.

For every route, labels satisfying its matchers and its ancestors' (a value
matching each regex, one differing from each negative matcher); then, for
each of those labels, the same set without it, which must fall to a sibling,
the parent or the root. With the empty set, this is how the shared corpus's
cases were made; here it serves configs whose amtool answers are not
recorded and are asked of amtool live.
"""

from __future__ import annotations

from pytest_burnin.alertmanager.matchers import EQ, NE, NRE, RE, Matcher
from pytest_burnin.alertmanager.route import Route
from pytest_burnin.slo.regex_values import matching_value, non_matching_value


def _satisfy(matchers: list[Matcher], labels: dict[str, str]) -> bool:
    for m in matchers:
        if m.op == EQ:
            labels[m.name] = m.value
        elif m.op == RE:
            value = matching_value(m.value)
            if value is None:
                return False
            labels[m.name] = value
        elif m.op == NE and labels.get(m.name, "") == m.value:
            labels[m.name] = m.value + "-other"
        elif m.op == NRE:
            if not m.matches(labels.get(m.name, "")):
                continue
            value = non_matching_value(m.value)
            if value is None:
                return False
            labels[m.name] = value
    return all(m.matches(labels.get(m.name, "")) for m in matchers)


def label_sets(root: Route) -> list[dict[str, str]]:
    out: list[dict[str, str]] = [{}]
    seen: set[tuple[tuple[str, str], ...]] = {()}

    def add(labels: dict[str, str]) -> None:
        key = tuple(sorted(labels.items()))
        if key not in seen:
            seen.add(key)
            out.append(dict(labels))

    def walk(route: Route) -> None:
        labels: dict[str, str] = {"alertname": "Generated"}
        if all(_satisfy(node.matchers, labels) for node in route.path()):
            add(labels)
            for name, value in list(labels.items()):
                if name == "alertname":
                    continue
                add({k: v for k, v in labels.items() if k != name})
                # Anchoring and case: Alertmanager's regexes match the whole value.
                add({**labels, name: value + "x"})
                if value.upper() != value:
                    add({**labels, name: value.upper()})
        for child in route.routes:
            walk(child)

    walk(root)
    return out
