"""Pure renderers: one function per channel turns a Notification into its body.

No I/O and no clock: the same notification renders to the same bytes, so tests
compare exact output and a replay from the spool sends what the first attempt
sent (same dedup key, same text).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from .model import Alert, Notification, format_time

_SLACK_MAX_ALERTS = 5  # Slack allows 50 blocks a message; 6 blocks per alert plus "and N more"
_SLACK_HEADER_MAX = 150
_SLACK_TEXT_MAX = 3000


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON in insertion order: the byte form every JSON channel sends."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def is_http_url(text: str) -> bool:
    return text.startswith(("https://", "http://"))


def runbook_link(alert: Alert, base_url: str = "") -> str:
    """The runbook as a link: an http(s) URL as is, a repository path under ``base_url``.

    ``docs/runbooks/x.md`` with base ``https://git.example/repo/blob/main`` becomes
    ``https://git.example/repo/blob/main/docs/runbooks/x.md``. Without a base the
    path is returned unchanged (still useful to a reader, not clickable).
    """
    ref = alert.get("runbook_url") or alert.get("runbook")
    if not ref or is_http_url(ref) or not base_url:
        return ref
    path = ref[2:] if ref.startswith("./") else ref
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def with_runbook_links(notification: Notification, base_url: str) -> Notification:
    """The notification with every ``runbook_url`` annotation made absolute, for every channel."""
    alerts = []
    for alert in notification.alerts:
        link = runbook_link(alert, base_url)
        if link and link != alert.annotations.get("runbook_url"):
            alert = replace(alert, annotations={**alert.annotations, "runbook_url": link})
        alerts.append(alert)
    return replace(notification, alerts=tuple(alerts))


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.6g}"


def headline(alert: Alert) -> str:
    """``[FIRING] IntegrityRateHigh (critical)``: the subject, header and first line."""
    sev = f" ({alert.severity})" if alert.severity else ""
    return f"[{alert.state.upper()}] {alert.name or 'alert'}{sev}"


def summary(alert: Alert) -> str:
    text = alert.annotations.get("summary") or alert.annotations.get("description")
    if text:
        return text
    if alert.state == "resolved":
        return f"{alert.name} has cleared."
    return f"{alert.name} is firing."


def facts(alert: Alert) -> list[tuple[str, str]]:
    """The labelled facts a responder needs first, in the order they need them."""
    rows = [
        ("Severity", alert.severity),
        ("Value", format_number(alert.value)),
        ("Threshold", format_number(alert.threshold)),
        ("Since", format_time(alert.starts_at)),
    ]
    if alert.state == "resolved":
        rows.append(("Resolved at", format_time(alert.ends_at) if alert.ends_at else ""))
    rows += [("Owner", alert.get("owner")), ("On-call", alert.get("oncall"))]
    return [(k, v) for k, v in rows if v]


# --- generic webhook: Alertmanager's webhook message, version 4 ---------------------------


def _webhook_alert(alert: Alert) -> dict[str, Any]:
    item: dict[str, Any] = {
        "status": alert.state,
        "labels": dict(sorted(alert.labels.items())),
        "annotations": dict(sorted(alert.annotations.items())),
        "startsAt": format_time(alert.starts_at),
        "endsAt": format_time(alert.ends_at if alert.state == "resolved" else None),
        "generatorURL": alert.generator_url,
        "fingerprint": alert.fingerprint,
    }
    # Not in Alertmanager's schema; receivers that parse by key ignore them.
    if alert.value is not None:
        item["value"] = alert.value
    if alert.threshold is not None:
        item["threshold"] = alert.threshold
    return item


def webhook_body(notification: Notification, *, receiver: str) -> dict[str, Any]:
    """The JSON an Alertmanager ``webhook_config`` receiver gets, plus ``dedupKey``."""
    n = notification
    return {
        "receiver": receiver,
        "status": n.status,
        "alerts": [_webhook_alert(a) for a in n.alerts],
        "groupLabels": dict(sorted(n.group_labels.items())),
        "commonLabels": n.common_labels,
        "commonAnnotations": n.common_annotations,
        "externalURL": n.external_url,
        "version": "4",
        "groupKey": n.group_key,
        "truncatedAlerts": n.truncated_alerts,
        "dedupKey": n.dedup_key,
    }


def render_webhook(notification: Notification, *, receiver: str) -> bytes:
    return dumps(webhook_body(notification, receiver=receiver))


def render_file_line(notification: Notification, *, receiver: str) -> bytes:
    """One JSON line: the webhook body, so a local run shows what a receiver would get."""
    return render_webhook(notification, receiver=receiver) + b"\n"


# --- Alertmanager API v2: POST /api/v2/alerts ---------------------------------------------


def alertmanager_body(notification: Notification) -> list[dict[str, Any]]:
    """Alertmanager's postable alerts. A firing alert has no ``endsAt``, so Alertmanager
    applies its own ``resolve_timeout``; a resolved one ends when it cleared."""
    out = []
    for alert in notification.alerts:
        item: dict[str, Any] = {
            "labels": dict(sorted(alert.labels.items())),
            "annotations": dict(sorted(alert.annotations.items())),
            "startsAt": format_time(alert.starts_at),
        }
        if alert.state == "resolved":
            item["endsAt"] = format_time(alert.ends_at or alert.starts_at)
        if alert.generator_url:
            item["generatorURL"] = alert.generator_url
        out.append(item)
    return out


def render_alertmanager(notification: Notification) -> bytes:
    return dumps(alertmanager_body(notification))


# --- Slack incoming webhook: Block Kit ----------------------------------------------------


def _mrkdwn(text: str, limit: int = _SLACK_TEXT_MAX) -> str:
    # Slack reads &, < and > as markup; anything else is literal.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slack_alert_blocks(alert: Alert) -> list[dict[str, Any]]:
    icon = ":red_circle:" if alert.state == "firing" else ":large_green_circle:"
    head = f"{icon} {headline(alert)}"
    if len(head) > _SLACK_HEADER_MAX:
        head = head[: _SLACK_HEADER_MAX - 1] + "…"
    runbook = alert.annotations.get("runbook_url", "")
    remediation = alert.annotations.get("remediation", "")
    steps = (
        f"*Remediation*\n{_mrkdwn(remediation)}" if remediation else "*Remediation*\n_none given_"
    )
    if runbook and not is_http_url(runbook):
        # Slack refuses a button whose URL is not absolute; name the path instead.
        steps += f"\n*Runbook:* `{_mrkdwn(runbook)}`"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": head, "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn(summary(alert))}},
        {"type": "section", "text": {"type": "mrkdwn", "text": steps[:_SLACK_TEXT_MAX]}},
    ]
    fields = [{"type": "mrkdwn", "text": f"*{k}*\n{_mrkdwn(v, 1900)}"} for k, v in facts(alert)]
    if fields:
        blocks.append({"type": "section", "fields": fields[:10]})
    if is_http_url(runbook):
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Runbook"},
            "url": runbook,
            "action_id": "runbook",
        }
        blocks.append({"type": "actions", "elements": [button]})
    return blocks


def slack_body(notification: Notification) -> dict[str, Any]:
    """An incoming-webhook message: ``text`` is the push-notification fallback."""
    alerts = notification.alerts
    blocks: list[dict[str, Any]] = []
    for alert in alerts[:_SLACK_MAX_ALERTS]:
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend(_slack_alert_blocks(alert))
    context = f"dedup key `{notification.dedup_key}`"
    if len(alerts) > _SLACK_MAX_ALERTS:
        context = f"and {len(alerts) - _SLACK_MAX_ALERTS} more alerts · " + context
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    first = alerts[0]
    text = f"{headline(first)}: {summary(first)}"
    if len(alerts) > 1:
        text += f" (+{len(alerts) - 1} more)"
    return {"text": text, "blocks": blocks}


def render_slack(notification: Notification) -> bytes:
    return dumps(slack_body(notification))


# --- email --------------------------------------------------------------------------------


def _text_body(notification: Notification) -> str:
    parts = []
    for alert in notification.alerts:
        lines = [headline(alert), summary(alert), ""]
        if alert.annotations.get("remediation"):
            lines.append(f"Remediation: {alert.annotations['remediation']}")
        if alert.annotations.get("runbook_url"):
            lines.append(f"Runbook: {alert.annotations['runbook_url']}")
        lines += ["", *(f"{k}: {v}" for k, v in facts(alert))]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + f"\n\nDedup key: {notification.dedup_key}\n"


def _html_body(notification: Notification) -> str:
    e = html.escape
    parts = []
    for alert in notification.alerts:
        rows = "".join(
            f"<tr><th align='left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts(alert)
        )
        runbook = alert.annotations.get("runbook_url", "")
        if is_http_url(runbook):
            link = f'<p><a href="{e(runbook)}">Runbook</a></p>'
        else:
            link = f"<p>Runbook: <code>{e(runbook)}</code></p>" if runbook else ""
        remediation = alert.annotations.get("remediation", "")
        lines = [f"<h2>{e(headline(alert))}</h2>", f"<p>{e(summary(alert))}</p>"]
        if remediation:
            lines.append(f"<p><b>Remediation:</b> {e(remediation)}</p>")
        lines += [link, f"<table>{rows}</table>"]
        parts.append("\n".join(line for line in lines if line))
    dedup = f"<p><small>Dedup key: {e(notification.dedup_key)}</small></p>"
    return "<html><body>\n" + "\n<hr>\n".join(parts) + "\n" + dedup + "\n</body></html>\n"


def email_message(
    notification: Notification,
    *,
    sender: str,
    recipients: list[str],
    date: datetime | None = None,
    subject_prefix: str = "",
) -> EmailMessage:
    """A multipart/alternative message (plain text, then HTML).

    ``Message-ID`` is derived from the dedup key, so mail clients fold a
    redelivery into the original. ``date`` defaults to the first alert's start,
    which keeps the function pure.
    """
    first = notification.alerts[0]
    subject = f"{headline(first)}: {summary(first)}"
    if len(notification.alerts) > 1:
        subject += f" (+{len(notification.alerts) - 1} more)"
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = (subject_prefix + " " if subject_prefix else "") + subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime((date or first.starts_at).astimezone(timezone.utc))
    msg["Message-ID"] = f"<{notification.dedup_key}@pytest-burnin>"
    msg["X-Burnin-Dedup-Key"] = notification.dedup_key
    msg.set_content(_text_body(notification))
    msg.add_alternative(_html_body(notification), subtype="html")
    # A fixed boundary keeps the rendering deterministic (the default is random).
    msg.set_boundary("burnin-" + notification.dedup_key)
    return msg


def headers_for(notification: Notification, extra: Mapping[str, str]) -> dict[str, str]:
    """Headers every HTTP channel sends: JSON, the dedup key, then the spec's own."""
    return {
        "Content-Type": "application/json",
        "Idempotency-Key": notification.dedup_key,
        "User-Agent": "pytest-burnin",
        **extra,
    }
