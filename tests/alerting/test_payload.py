"""Payload rendering: pure functions, compared byte for byte where the format is ours to fix."""

from __future__ import annotations

import email
import json
from dataclasses import replace
from datetime import timedelta
from email.policy import default

from pytest_burnin.alerting import Notification, payload

from .conftest import T0, make_alert

BASE = "https://git.example/ingest/blob/main"
RUNBOOK = BASE + "/docs/runbooks/integrity.md"
KEY = "5eda2c87ddede8d7-firing-1795860000"


def linked(n: Notification) -> Notification:
    return payload.with_runbook_links(n, BASE)


def test_webhook_body_is_alertmanager_v4_exactly() -> None:
    alert = make_alert(annotations={"summary": "s", "runbook_url": "docs/r.md"})
    body = payload.render_webhook(linked(Notification.of(alert)), receiver="ops")
    assert body == (
        b'{"receiver":"ops","status":"firing","alerts":[{"status":"firing",'
        b'"labels":{"alertname":"IntegrityRateHigh","owner":"data-platform","service":"ingest",'
        b'"severity":"critical"},"annotations":{"runbook_url":"' + BASE.encode() + b'/docs/r.md",'
        b'"summary":"s"},"startsAt":"2026-11-28T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",'
        b'"generatorURL":"http://prometheus.example/graph?g0.expr=integrity",'
        b'"fingerprint":"5eda2c87ddede8d7","value":0.018,"threshold":0.01}],'
        b'"groupLabels":{"alertname":"IntegrityRateHigh"},"commonLabels":{"alertname":'
        b'"IntegrityRateHigh","owner":"data-platform","service":"ingest","severity":"critical"},'
        b'"commonAnnotations":{"runbook_url":"' + BASE.encode() + b'/docs/r.md","summary":"s"},'
        b'"externalURL":"","version":"4","groupKey":"{}:{alertname=\\"IntegrityRateHigh\\"}",'
        b'"truncatedAlerts":0,"dedupKey":"' + KEY.encode() + b'"}'
    )


def test_webhook_keys_are_the_ones_receivers_read() -> None:
    body = json.loads(payload.render_webhook(Notification.of(make_alert()), receiver="r"))
    assert {
        "receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations",
        "externalURL", "version", "groupKey", "truncatedAlerts",
    } <= set(body)  # fmt: skip
    assert set(body["alerts"][0]) >= {
        "status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint",
    }  # fmt: skip


def test_resolved_notification_carries_end_time_and_status() -> None:
    alert = make_alert(state="resolved", ends_at=T0 + timedelta(minutes=42))
    n = Notification.of(alert)
    body = json.loads(payload.render_webhook(n, receiver="r"))
    assert body["status"] == "resolved"
    assert body["alerts"][0]["endsAt"] == "2026-11-28T10:42:00Z"
    assert n.dedup_key != Notification.of(make_alert()).dedup_key  # a new key: not a repeat
    text = payload.slack_body(n)["text"]
    assert text.startswith("[RESOLVED] IntegrityRateHigh (critical)")
    fields = payload.slack_body(n)["blocks"][3]["fields"]
    assert {"type": "mrkdwn", "text": "*Resolved at*\n2026-11-28T10:42:00Z"} in fields


def test_mixed_group_is_firing_and_has_common_labels_only() -> None:
    a = make_alert()
    b = make_alert(labels={**a.labels, "service": "scorer"}, state="resolved", ends_at=T0)
    n = Notification.of(a, b)
    body = json.loads(payload.render_webhook(n, receiver="r"))
    assert body["status"] == "firing"
    assert "service" not in body["commonLabels"]
    assert body["dedupKey"].startswith("group-")
    assert Notification.of(b, a).dedup_key == n.dedup_key  # order does not matter


def test_alertmanager_body_exactly() -> None:
    firing = make_alert(annotations={"summary": "s"})
    resolved = replace(firing, state="resolved", ends_at=T0 + timedelta(minutes=5))
    assert payload.render_alertmanager(Notification.of(firing, resolved)) == (
        b'[{"labels":{"alertname":"IntegrityRateHigh","owner":"data-platform","service":"ingest",'
        b'"severity":"critical"},"annotations":{"summary":"s"},"startsAt":"2026-11-28T10:00:00Z",'
        b'"generatorURL":"http://prometheus.example/graph?g0.expr=integrity"},'
        b'{"labels":{"alertname":"IntegrityRateHigh","owner":"data-platform","service":"ingest",'
        b'"severity":"critical"},"annotations":{"summary":"s"},"startsAt":"2026-11-28T10:00:00Z",'
        b'"endsAt":"2026-11-28T10:05:00Z",'
        b'"generatorURL":"http://prometheus.example/graph?g0.expr=integrity"}]'
    )


def test_slack_blocks_have_summary_remediation_facts_and_runbook_button() -> None:
    body = payload.slack_body(linked(Notification.of(make_alert())))
    types = [b["type"] for b in body["blocks"]]
    assert types == ["header", "section", "section", "section", "actions", "context"]
    header, summary, remediation, facts, actions, context = body["blocks"]
    assert header["text"]["text"] == ":red_circle: [FIRING] IntegrityRateHigh (critical)"
    assert summary["text"]["text"] == "Integrity failure rate 1.8% is above 1%."
    assert remediation["text"]["text"] == (
        "*Remediation*\nPause the scorer rollout; re-run remediation for the last hour."
    )
    assert [f["text"] for f in facts["fields"]] == [
        "*Severity*\ncritical",
        "*Value*\n0.018",
        "*Threshold*\n0.01",
        "*Since*\n2026-11-28T10:00:00Z",
        "*Owner*\ndata-platform",
        "*On-call*\n#ingest-oncall",
    ]
    assert actions["elements"] == [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": "Runbook"},
            "url": RUNBOOK,
            "action_id": "runbook",
        }
    ]
    assert KEY in context["elements"][0]["text"]


def test_slack_without_base_url_names_the_path_and_has_no_button() -> None:
    # Slack rejects a button whose url is not absolute (a 400 would lose the alert).
    body = payload.slack_body(Notification.of(make_alert()))
    assert "actions" not in [b["type"] for b in body["blocks"]]
    assert "*Runbook:* `docs/runbooks/integrity.md`" in body["blocks"][2]["text"]["text"]


def test_slack_escapes_markup_and_bounds_many_alerts() -> None:
    alerts = [
        make_alert(labels={"alertname": "A", "i": str(i)}, annotations={"summary": "<b>&x"})
        for i in range(8)
    ]
    body = payload.slack_body(Notification.of(*alerts))
    assert body["blocks"][1]["text"]["text"] == "&lt;b&gt;&amp;x"
    assert sum(b["type"] == "header" for b in body["blocks"]) == 5
    assert "and 3 more alerts" in body["blocks"][-1]["elements"][0]["text"]
    assert len(body["blocks"]) <= 50


def test_runbook_links() -> None:
    def link(ref: str, base: str = BASE) -> str:
        return payload.runbook_link(make_alert(annotations={"runbook_url": ref}), base)

    assert link("docs/x.md") == BASE + "/docs/x.md"
    assert link("./docs/x.md", BASE + "/") == BASE + "/docs/x.md"
    assert link("https://wiki.example/x") == "https://wiki.example/x"
    assert link("docs/x.md", "") == "docs/x.md"
    # A label-only runbook (metadata.runbook of the SLO) is found too.
    only_label = make_alert(annotations={}, labels={"alertname": "X", "runbook": "docs/y.md"})
    assert payload.runbook_link(only_label, BASE) == BASE + "/docs/y.md"


def test_email_headers_and_both_bodies() -> None:
    msg = payload.email_message(
        linked(Notification.of(make_alert())),
        sender="burnin@example.com",
        recipients=["oncall@example.com", "lead@example.com"],
        subject_prefix="[burnin]",
    )
    parsed = email.message_from_bytes(msg.as_bytes(), policy=default)
    assert parsed["Subject"] == (
        "[burnin] [FIRING] IntegrityRateHigh (critical): Integrity failure rate 1.8% is above 1%."
    )
    assert parsed["To"] == "oncall@example.com, lead@example.com"
    assert parsed["Message-ID"] == f"<{KEY}@pytest-burnin>"
    assert parsed["X-Burnin-Dedup-Key"] == KEY
    assert parsed["Date"] == "Sat, 28 Nov 2026 10:00:00 +0000"
    text = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    assert text == (
        "[FIRING] IntegrityRateHigh (critical)\n"
        "Integrity failure rate 1.8% is above 1%.\n\n"
        "Remediation: Pause the scorer rollout; re-run remediation for the last hour.\n"
        f"Runbook: {RUNBOOK}\n\n"
        "Severity: critical\nValue: 0.018\nThreshold: 0.01\nSince: 2026-11-28T10:00:00Z\n"
        "Owner: data-platform\nOn-call: #ingest-oncall\n\n"
        f"Dedup key: {KEY}\n"
    )
    html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'<a href="{RUNBOOK}">Runbook</a>' in html
    assert "<p><b>Remediation:</b> Pause the scorer rollout;" in html


def test_email_rendering_is_deterministic() -> None:
    n = Notification.of(make_alert())
    one = payload.email_message(n, sender="a@b.c", recipients=["d@e.f"]).as_bytes()
    two = payload.email_message(n, sender="a@b.c", recipients=["d@e.f"]).as_bytes()
    assert one == two
    assert b"\r\n" in one  # SMTP line endings


def test_file_line_is_the_webhook_body_plus_newline() -> None:
    n = Notification.of(make_alert())
    line = payload.render_file_line(n, receiver="local")
    assert line == payload.render_webhook(n, receiver="local") + b"\n"
    assert line.count(b"\n") == 1


def test_non_ascii_is_utf8_not_escaped() -> None:
    n = Notification.of(make_alert(annotations={"summary": "Überlauf — 5 %"}))
    assert "Überlauf — 5 %".encode() in payload.render_webhook(n, receiver="r")
