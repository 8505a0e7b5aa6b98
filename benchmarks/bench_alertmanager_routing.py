#!/usr/bin/env python3
"""Time the embedded Alertmanager model: route and render 10,000 alerts through a 200-route config.

The config is generated: 20 team routes (``team="team-N"``, ``continue`` on
every other one), each with 9 children mixing equality, regex and negative
matchers on severity, service and env, so an alert walks a realistic depth.
Every receiver has an integration (Slack with a custom text naming the
runbook, PagerDuty, webhook, in turn).

1. Routing: each alert is routed (final routes, receivers) and its group key
   computed, as Alertmanager's dispatcher does on arrival. Best of 5.
   Target: < 1 s.
2. Routing and rendering, grouped as the dispatcher groups them: one
   notification per (route, group key), every integration's request body
   rendered. Target: < 5 s.
3. The worst case for rendering: every alert in a group of its own (a
   ``group_by: [...]`` on a unique label), one notification per alert and
   final route.

Usage: python benchmarks/bench_alertmanager_routing.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from pytest_burnin.alertmanager.config import AlertmanagerConfig, load_config
from pytest_burnin.alertmanager.gotime import GoTime
from pytest_burnin.alertmanager.notify.routed import render_on_route
from pytest_burnin.alertmanager.route import Route
from pytest_burnin.alertmanager.template_data import PostedAlert
from pytest_burnin.alertmanager.templates import TemplateSet

TEAMS, CHILDREN, ALERTS = 20, 9, 10_000


def generate_config() -> str:
    lines = ["route:", "  receiver: default", "  group_by: [alertname, service]", "  routes:"]
    receivers = ["default"]
    for t in range(TEAMS):
        lines += [f"    - matchers: ['team=\"team-{t}\"']", f"      receiver: team-{t}"]
        if t % 2:
            lines.append("      continue: true")
        lines.append("      routes:")
        receivers.append(f"team-{t}")
        for c in range(CHILDREN):
            matcher = [
                f'severity="sev-{c}"',
                f'service=~"svc-{c}.*|api-{c}"',
                f'env!~"dev|test", severity="sev-{c}"',
            ][c % 3]
            name = f"team-{t}-r{c}"
            lines += [f"        - matchers: ['{matcher}']", f"          receiver: {name}"]
            receivers.append(name)
    lines.append("receivers:")
    for i, r in enumerate(receivers):
        lines.append(f"  - name: {r}")
        lines += INTEGRATIONS[i % len(INTEGRATIONS)]
    head = ["global:", "  slack_api_url: http://127.0.0.1:9/slack"]
    return "\n".join(head + lines) + "\n"


INTEGRATIONS = [
    [
        "    slack_configs:",
        "      - channel: '#oncall'",
        "        text: '{{ range .Alerts }}{{ .Annotations.summary }} {{ .Annotations.runbook_url }}",
        "          {{ end }}'",
    ],
    ["    pagerduty_configs:", "      - routing_key: rk"],
    ["    webhook_configs:", "      - url: http://127.0.0.1:9/hook"],
]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alertmanager.yml"
        path.write_text(generate_config(), encoding="utf-8")
        t0 = time.perf_counter()
        config = load_config(path)
        root = Route.build(config.route)
        load_s = time.perf_counter() - t0
    routes = sum(1 for _ in _walk(root)) - 1
    rng = random.Random(7)
    alerts = [
        {
            "alertname": f"Alert{rng.randrange(50)}",
            "team": f"team-{rng.randrange(TEAMS + 2)}",
            "severity": f"sev-{rng.randrange(CHILDREN + 1)}",
            "service": rng.choice(["svc-1x", "api-4", "svc-7", "web"]),
            "env": rng.choice(["prod", "dev", "staging"]),
        }
        for _ in range(ALERTS)
    ]
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        keys = 0
        for labels in alerts:
            for r in root.match(labels):
                r.group_key(labels)
                keys += 1
        best = min(best, time.perf_counter() - t0)
    print(f"config: {routes} routes, loaded in {load_s * 1000:.1f} ms")
    print(
        f"routed {ALERTS:,} alerts ({keys:,} final routes with group keys): best of 5 {best:.3f} s"
    )
    grouped_s, grouped_cpu, notifications = render_grouped(config, root, alerts)
    print(
        f"routed, grouped and rendered {ALERTS:,} alerts: {notifications:,} notifications "
        f"in {grouped_s:.3f} s wall, {grouped_cpu:.3f} s CPU (target < 5 s)"
    )
    single_s, single_cpu, singles = render_one_per_alert(config, root, alerts)
    print(
        f"worst case, one notification per alert and route: {singles:,} notifications "
        f"in {single_s:.3f} s wall, {single_cpu:.3f} s CPU ({single_cpu / singles * 1000:.2f} ms each)"
    )
    return 0 if best < 1.0 and grouped_s < 5.0 else 1


def render_grouped(
    config: AlertmanagerConfig, root: Route, alerts: list[dict[str, str]]
) -> tuple[float, float, int]:
    t0, c0 = time.perf_counter(), time.process_time()
    templates = TemplateSet(V033)
    groups: dict[tuple[str, str], tuple[Route, list[PostedAlert]]] = {}
    for labels in alerts:
        posted = PostedAlert(labels, ANNOTATIONS, STARTS)
        for r in root.match(labels):
            key = (r.key(), r.group_key(labels))
            groups.setdefault(key, (r, []))[1].append(posted)
    count = 0
    for route, group in groups.values():
        count += len(render_on_route(config, route, route.opts.receiver, templates, group,
                                     version=V033))  # fmt: skip
    return time.perf_counter() - t0, time.process_time() - c0, count


def render_one_per_alert(
    config: AlertmanagerConfig, root: Route, alerts: list[dict[str, str]]
) -> tuple[float, float, int]:
    t0, c0 = time.perf_counter(), time.process_time()
    templates = TemplateSet(V033)
    count = 0
    for labels in alerts:
        posted = PostedAlert(labels, ANNOTATIONS, STARTS)
        for r in root.match(labels):
            count += len(render_on_route(config, r, r.opts.receiver, templates, [posted],
                                         version=V033))  # fmt: skip
    return time.perf_counter() - t0, time.process_time() - c0, count


V033 = "0.33"
ANNOTATIONS = {
    "summary": "Integrity 1.8% > 1%",
    "runbook_url": "https://runbooks.example/integrity",
}
STARTS = GoTime.parse_rfc3339("2026-11-28T10:00:00Z")


def _walk(route: Route):  # type: ignore[no-untyped-def]
    yield route
    for child in route.routes:
        yield from _walk(child)


if __name__ == "__main__":
    sys.exit(main())
