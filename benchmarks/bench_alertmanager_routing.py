#!/usr/bin/env python3
"""Time the embedded Alertmanager model: route 10,000 alerts through a 200-route config.

The config is generated: 20 team routes (``team="team-N"``, ``continue`` on
every other one), each with 9 children mixing equality, regex and negative
matchers on severity, service and env, so an alert walks a realistic depth.
Each alert is routed (final routes, receivers) and its group key computed,
as Alertmanager's dispatcher does on arrival. Best of 5. Target: < 1 s.

Usage: python benchmarks/bench_alertmanager_routing.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from pytest_burnin.alertmanager.config import load_config
from pytest_burnin.alertmanager.route import Route

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
    lines += [f"  - name: {r}" for r in receivers]
    return "\n".join(lines) + "\n"


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
    return 0 if best < 1.0 else 1


def _walk(route: Route):  # type: ignore[no-untyped-def]
    yield route
    for child in route.routes:
        yield from _walk(child)


if __name__ == "__main__":
    sys.exit(main())
