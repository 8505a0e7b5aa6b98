#!/usr/bin/env python3
"""Render Alertmanager notifications: per-notification cost for each receiver type.

Usage: python benchmarks/bench_notify_render.py [--groups 10000] [--version 0.33]

Each group holds one firing alert with its own labels (the worst case for a
dispatcher: nothing shared between notifications). Prints the total and the
per-notification time for Slack (default templates plus a custom text), the
webhook, PagerDuty and the default HTML e-mail. The issue's target for 10,000
alerts routed and rendered is under 5 s; grouping makes the real number of
notifications far smaller than the number of alerts.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from pytest_burnin.alertmanager.gotime import GoTime
from pytest_burnin.alertmanager.notify.render import render_receiver
from pytest_burnin.alertmanager.template_data import PostedAlert
from pytest_burnin.alertmanager.templates import TemplateSet

RECEIVERS: dict[str, dict[str, Any]] = {
    "slack": {"slack_configs": [{"api_url": "http://127.0.0.1:1/s", "channel": "#ops",
                                 "text": "{{ range .Alerts }}{{ .Annotations.summary }} {{ .Annotations.runbook_url }}\n{{ end }}"}]},
    "webhook": {"webhook_configs": [{"url": "http://127.0.0.1:1/w"}]},
    "pagerduty": {"pagerduty_configs": [{"routing_key": "rk"}]},
    "email": {"email_configs": [{"to": "a@example.org", "from": "am@example.org", "smarthost": "127.0.0.1:25"}]},
}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=10000)
    ap.add_argument("--version", choices=["0.25", "0.33"], default="0.33")
    args = ap.parse_args()
    templates = TemplateSet(args.version)
    t0 = GoTime.parse_rfc3339("2026-11-28T10:00:00Z")
    for kind, rcv in RECEIVERS.items():
        count = args.groups if kind != "email" else max(1, args.groups // 20)
        start = time.perf_counter()
        for i in range(count):
            alert = PostedAlert(
                {"alertname": "IntegrityRateHigh", "service": "ingest", "instance": f"i-{i}"},
                {
                    "summary": "Integrity 1.8% > 1%",
                    "runbook_url": "https://runbooks.example/integrity",
                },
                t0,
            )
            render_receiver({"name": "oncall", **rcv}, {}, templates, [alert],
                            group_labels={"alertname": "IntegrityRateHigh"}, version=args.version)  # fmt: skip
        took = time.perf_counter() - start
        print(
            f"{kind:10s} {count:6d} notifications in {took:6.2f} s  ({took / count * 1000:.2f} ms each)"
        )


if __name__ == "__main__":
    main()
