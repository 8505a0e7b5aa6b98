"""One routing test of a ``Routing`` spec, judged on the embedded model (pure, no pytest).

A test names an alert's labels and what should happen to it: the ordered
receivers, the grouping and timers of the matched routes, inhibition while
other alerts fire, and whether its routes notify at given instants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..promql.lexer import parse_duration
from ..rules.testfile import go_duration_text
from .config import AlertmanagerConfig
from .inhibit import indexed_inhibitor, inhibited_by
from .route import Route
from .timeinterval import contains
from .tree import route_path


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    path: str = ""
    receivers: list[str] = field(default_factory=list)


def muted(config: AlertmanagerConfig, route: Route, at: datetime) -> str | None:
    """Why ``route`` holds notifications at ``at`` (a mute interval, or outside every active one)."""
    for name in route.opts.mute_time_intervals:
        if contains(config.time_intervals[name], at):
            return f"inside mute interval {name}"
    active = route.opts.active_time_intervals
    if active and not any(contains(config.time_intervals[n], at) for n in active):
        return f"outside active interval{'s' if len(active) > 1 else ''} {', '.join(active)}"
    return None


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def judge(
    config: AlertmanagerConfig, root: Route, test: dict[str, Any], version: str = "0.25"
) -> Outcome:
    labels = _labels(test.get("labels"))
    routes = root.match(labels)
    out = Outcome(receivers=[r.opts.receiver for r in routes])
    out.path = "; ".join(route_path(r) for r in routes)
    out.facts.append(f"receivers: {', '.join(out.receivers)}")
    expected = test.get("receivers")
    if expected is not None and list(expected) != out.receivers:
        out.problems.append(
            f"reached [{', '.join(out.receivers)}], expected [{', '.join(expected)}]"
        )
    _grouping(routes, labels, test, out)
    _inhibition(config, labels, test, out, indexed_inhibitor(version))
    for key, want_muted in (("muted_at", True), ("active_at", False)):
        for text in test.get(key) or []:
            at = _instant(text)
            for r in routes:
                why = muted(config, r, at)
                if want_muted and why is None:
                    out.problems.append(f"{r.opts.receiver} notifies at {text}, expected it muted")
                elif not want_muted and why is not None:
                    out.problems.append(f"{r.opts.receiver} is muted at {text} ({why})")
    if test.get("notification"):
        _notification(config, routes, labels, test, out, version)
    return out


def _notification(
    config: AlertmanagerConfig,
    routes: list[Route],
    labels: dict[str, str],
    test: dict[str, Any],
    out: Outcome,
    version: str,
) -> None:
    """Render what each named receiver gets on the route the alert takes there, and check it."""
    from .gotime import GoTime
    from .notification_check import check_fields, notification_fields
    from .notify.render import RenderError
    from .notify.routed import render_on_route
    from .template_data import PostedAlert
    from .templates import TemplateError, TemplateSet

    annotations = {str(k): str(v) for k, v in (test.get("annotations") or {}).items()}
    # A fixed instant keeps rendered times reproducible from run to run.
    start = GoTime(_instant("2025-01-06T10:00:00Z"))
    alert = PostedAlert(labels, annotations, start, GoTime.zero())
    # The renderer reproduces two template/body generations: 0.25's and 0.33's.
    version = "0.25" if version in ("0.25",) or version.startswith("0.25.") else "0.33"
    templates = TemplateSet.from_files(version, config.template_files())
    for receiver, want in test["notification"].items():
        route = next((r for r in routes if r.opts.receiver == receiver), None)
        if route is None:
            out.problems.append(
                f"notification for {receiver}: the alert does not reach {receiver} "
                f"(it reaches {', '.join(out.receivers)})"
            )
            continue
        try:
            notes = render_on_route(config, route, receiver, templates, [alert], version=version)
        except (TemplateError, RenderError) as exc:
            out.problems.append(f"{receiver}: the notification cannot be rendered: {exc}")
            continue
        out.problems += check_fields(receiver, notification_fields(notes), want)
        out.facts.append(f"{receiver} notification checked: {', '.join(want)}")


def _grouping(
    routes: list[Route], labels: dict[str, str], test: dict[str, Any], out: Outcome
) -> None:
    if "group_by" in test:
        want = sorted(test["group_by"])
        for r in routes:
            have = ["..."] if r.opts.group_by_all else sorted(r.opts.group_by)
            if have != want:
                out.problems.append(
                    f"{r.opts.receiver} groups by [{', '.join(have)}], expected [{', '.join(want)}]"
                )
    if "group_key" in test:
        want_keys = (
            test["group_key"] if isinstance(test["group_key"], list) else [test["group_key"]]
        )
        have_keys = [r.group_key(labels) for r in routes]
        if have_keys != want_keys:
            out.problems.append(
                f"group key {' | '.join(have_keys)}, expected {' | '.join(want_keys)}"
            )
    for name, want in (test.get("timers") or {}).items():
        for r in routes:
            have = getattr(r.opts, f"{name}_ms")
            if have != parse_duration(str(want)):
                out.problems.append(
                    f"{r.opts.receiver} {name} is {go_duration_text(have)}, expected {want}"
                )


def _inhibition(
    config: AlertmanagerConfig,
    labels: dict[str, str],
    test: dict[str, Any],
    out: Outcome,
    indexed: bool,
) -> None:
    if test.get("inhibited_by"):
        firing = [_labels(a) for a in test["inhibited_by"]]
        if inhibited_by(config.inhibit_rules, labels, firing, indexed=indexed) is None:
            out.problems.append(f"not inhibited while {_fmt_alerts(firing)} fire")
    if test.get("not_inhibited_by"):
        firing = [_labels(a) for a in test["not_inhibited_by"]]
        hit = inhibited_by(config.inhibit_rules, labels, firing, indexed=indexed)
        if hit is not None:
            out.problems.append(
                f"inhibited by inhibit_rules[{hit.rule_index}] (line {hit.rule.mark[0]}) "
                f"while {_fmt_alerts([dict(hit.source)])} fires"
            )


def _fmt_alerts(alerts: list[dict[str, str]]) -> str:
    return ", ".join(
        "{" + ", ".join(f"{k}={v}" for k, v in sorted(a.items())) + "}" for a in alerts
    )
