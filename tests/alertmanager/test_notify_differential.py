"""Our rendering against what a real Alertmanager sends, byte for byte.

Alertmanager 0.25 (Debian's) and 0.33.1 (``BURNIN_ALERTMANAGER_033``) each run
on 127.0.0.1 with every receiver URL pointed at a capture server and e-mail at
an SMTP server; the same alerts go to both it and our renderer. HTTP bodies
must be identical; e-mails too once the Date and Message-Id headers, the
random MIME boundary and Go's random header order are set aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_burnin.alertmanager.gotime import GoTime
from pytest_burnin.alertmanager.notify.render import render_receiver
from pytest_burnin.alertmanager.template_data import PostedAlert
from pytest_burnin.alertmanager.templates import TemplateSet

from .am_real import (
    EXTERNAL_URL,
    HTTPCapture,
    SMTPCapture,
    binaries,
    post_alerts,
    running_alertmanager,
)

pytestmark = pytest.mark.differential

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "alertmanager-configs"
CORPUS_TEMPLATES = [
    "kube-prometheus/examples/alertmanager-alert-template.tmpl",
    "ministryofjustice-cloud-platform-terraform-monitoring/templates/cp-slack-templates.tmpl",
    "billimek-k8s-gitops/monitoring/kube-prometheus-stack/pagerduty-custom.tmpl",
]
WIKIMEDIA_EMAIL = "wikimedia-operations-puppet/modules/alertmanager/templates/email.tmpl"


def receivers(http: str, smtp_port: int, corpus: bool, version: str) -> list[dict[str, Any]]:
    email = {"to": "oncall@example.org, Ops Team <ops@example.org>", "from": "am@example.org",
             "smarthost": f"127.0.0.1:{smtp_port}", "require_tls": False}  # fmt: skip
    out: list[dict[str, Any]] = [
        {
            "name": "slack-default",
            "slack_configs": [{"api_url": f"{http}/slack-default", "channel": "#ops"}],
        },
        {"name": "webhook", "webhook_configs": [{"url": f"{http}/webhook"}]},
        {
            "name": "pagerduty-default",
            "pagerduty_configs": [{"routing_key": "rk-123", "url": f"{http}/pagerduty-default"}],
        },
        {"name": "email-default", "email_configs": [email]},
        {
            "name": "victorops",
            "victorops_configs": [
                {
                    "api_url": f"{http}/victorops/",
                    "api_key": "vo-key",
                    "routing_key": "{{ .CommonLabels.service }}",
                    "custom_fields": {"runbook": "{{ .CommonAnnotations.runbook_url }}"},
                }
            ],
        },
        {"name": "discord", "discord_configs": [{"webhook_url": f"{http}/discord"}]},
        {
            "name": "webex",
            "webex_configs": [
                {
                    "api_url": f"{http}/webex",
                    "room_id": "room-1",
                    "http_config": {"authorization": {"credentials": "wx"}},
                }
            ],
        },
        {
            "name": "telegram",
            "telegram_configs": [
                {"api_url": f"{http}/telegram", "bot_token": "12:tok", "chat_id": -100123}
            ],
        },
        {"name": "resolved-webhook", "webhook_configs": [{"url": f"{http}/resolved-webhook"}]},
        {
            "name": "resolved-opsgenie",
            "opsgenie_configs": [{"api_url": f"{http}/resolved-opsgenie/", "api_key": "og-key"}],
        },
        {
            "name": "opsgenie",
            "opsgenie_configs": [
                {
                    "api_url": f"{http}/opsgenie/",
                    "api_key": "og-key",
                    "tags": "a,{{ .CommonLabels.service }},",
                    "priority": "P1",
                    "responders": [{"name": "ingest,platform", "type": "teams"}],
                    "details": {"runbook": "{{ .CommonAnnotations.runbook_url }}"},
                }
            ],
        },
        {
            "name": "email-text",
            "email_configs": [
                {
                    **email,
                    "html": "",
                    "headers": {"subject": "Über {{ .Status }}: {{ .CommonLabels.alertname }}"},
                    "text": "{{ .GroupLabels.rcv }}\n{{ range .Alerts }}{{ .Labels.instance }} {{ .Annotations.summary }}\n{{ end }}"
                    "{{ .CommonAnnotations.runbook_url }} " + "long line " * 12,
                }
            ],
        },
        {
            "name": "slack.fields",
            "slack_configs": [
                {
                    "api_url": f"{http}/slack-fields",
                    "channel": "#ops",
                    "send_resolved": True,
                    "title": "{{ .CommonLabels.alertname }} on {{ .GroupLabels.rcv | title }}",
                    "text": "{{ range .Alerts }}<{{ .GeneratorURL }}|{{ .Labels.instance }}> {{ .Annotations.summary }}\n{{ end }}",
                    "fields": [
                        {
                            "title": "runbook",
                            "value": "{{ .CommonAnnotations.runbook_url }}",
                            "short": True,
                        },
                        {"title": "n", "value": "{{ len .Alerts }}"},
                    ],
                    "actions": [
                        {
                            "type": "button",
                            "text": "Runbook",
                            "url": "{{ .CommonAnnotations.runbook_url }}",
                        }
                    ],
                    "mrkdwn_in": ["text"],
                    "link_names": True,
                }
            ],
        },
    ]
    if version != "0.25":  # integrations 0.25 does not know
        out.append({"name": "msteams", "msteams_configs": [{"webhook_url": f"{http}/msteams"}]})
        out.append(
            {
                "name": "rocketchat",
                "rocketchat_configs": [
                    {
                        "api_url": f"{http}/rocketchat/",
                        "token": "tok-1",
                        "token_id": "uid-1",
                        "channel": "#ops",
                    }
                ],
            }
        )
        out.append(
            {
                "name": "rocketchat-fields",
                "rocketchat_configs": [
                    {
                        "api_url": f"{http}/rocketchat-fields",
                        "token": "tok-2",
                        "token_id": "uid-2",
                        "short_fields": True,
                        "text": "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
                        "fields": [
                            {"title": "runbook", "value": "{{ .CommonAnnotations.runbook_url }}"},
                            {"title": "n", "value": "{{ len .Alerts }}", "short": False},
                        ],
                        "actions": [
                            {"text": "Runbook", "url": "{{ .CommonAnnotations.runbook_url }}"}
                        ],
                    }
                ],
            }
        )
        out.append(
            {"name": "mattermost", "mattermost_configs": [{"webhook_url": f"{http}/mattermost"}]}
        )
        out.append(
            {
                "name": "mattermost-attachments",
                "mattermost_configs": [
                    {
                        "webhook_url": f"{http}/mattermost-attachments",
                        "channel": "ops",
                        "text": "{{ .CommonLabels.alertname }}: {{ range .Alerts }}{{ .Labels.instance }} {{ end }}",
                        "attachments": [
                            {
                                "title": "{{ .CommonLabels.service }} <runbook>",
                                "title_link": "{{ .CommonAnnotations.runbook_url }}",
                                "color": "danger",
                                "fields": [
                                    {
                                        "title": "severity",
                                        "value": "{{ .CommonLabels.severity }}",
                                        "short": False,
                                    },
                                    {"title": "n", "value": "{{ len .Alerts }}"},
                                ],
                            }
                        ],
                        "priority": {
                            "priority": "Important",
                            "requested_ack": True,
                            "persistent_notifications": True,
                        },
                        "props": {"card": "**{{ .Status }}**"},
                    }
                ],
            }
        )
        out.append(
            {"name": "msteamsv2", "msteamsv2_configs": [{"webhook_url": f"{http}/msteamsv2"}]}
        )
        out.append(
            {
                "name": "msteamsv2-custom",
                "msteamsv2_configs": [
                    {
                        "webhook_url": f"{http}/msteamsv2-custom",
                        "title": "{{ .CommonLabels.alertname }} <{{ .Status }}>",
                        "text": "{{ range .Alerts }}{{ .Annotations.summary }} {{ .Annotations.runbook_url }}\n{{ end }}",
                    }
                ],
            }
        )
    if corpus:
        out += [
            {
                "name": "slack-corpus",
                "slack_configs": [
                    {
                        "api_url": f"{http}/slack-corpus",
                        "channel": "#ops",
                        "send_resolved": True,
                        "title": '{{ template "slack.title" . }}',
                        "color": '{{ template "slack.color" . }}',
                        "text": '{{ template "slack.cp.text" . }}',
                        "icon_emoji": '{{ template "slack.icon_emoji" . }}',
                        "title_link": '{{ template "__alert_silence_link" . }}',
                    }
                ],
            },
            {
                "name": "pagerduty-corpus",
                "pagerduty_configs": [
                    {
                        "routing_key": "rk-456",
                        "url": f"{http}/pagerduty-corpus",
                        "description": '{{ template "pagerduty.custom.description" . }}',
                        "severity": "{{ .CommonLabels.severity }}",
                        "class": "{{ .CommonLabels.service }}",
                        "details": {"runbook": "{{ .CommonAnnotations.runbook_url }}"},
                        "links": [
                            {"href": "{{ .CommonAnnotations.runbook_url }}", "text": "runbook"}
                        ],
                    }
                ],
            },
        ]
    return out


@dataclass
class Rig:
    version: str
    am: str
    http: HTTPCapture
    smtp: SMTPCapture
    receivers: list[dict[str, Any]]
    templates: list[Path]


def _config(rcvs: list[dict[str, Any]], templates: list[Path]) -> str:
    routes = [{"receiver": r["name"], "matchers": [f'rcv="{r["name"]}"']} for r in rcvs]
    conf = {
        "route": {"receiver": "blackhole", "group_by": ["alertname", "rcv"], "group_wait": "1s",
                  "group_interval": "1s", "repeat_interval": "1h", "routes": routes},
        "receivers": [{"name": "blackhole"}, *rcvs],
        "templates": [str(p) for p in templates],
    }  # fmt: skip
    return yaml.safe_dump(conf, sort_keys=False, allow_unicode=True)


@pytest.fixture(scope="module", params=["0.25", "0.33"])
def rig(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    version = request.param
    binary = binaries()[version]
    if binary is None:
        why = (
            "prometheus-alertmanager is not installed"
            if version == "0.25"
            else ("BURNIN_ALERTMANAGER_033 does not name an Alertmanager 0.33 binary")
        )
        pytest.skip(why)
    corpus = SHARED.is_dir()
    templates = [SHARED / t for t in CORPUS_TEMPLATES] if corpus else []
    http, smtp = HTTPCapture(), SMTPCapture()
    rcvs = receivers(http.url, smtp.port, corpus, version)
    try:
        with running_alertmanager(
            binary, _config(rcvs, templates), tmp_path_factory.mktemp("am")
        ) as am:
            yield Rig(version, am, http, smtp, rcvs, templates)
    finally:
        http.stop()
        smtp.stop()


def _alerts(rcv: str, resolved: bool = False) -> tuple[list[dict[str, Any]], list[PostedAlert]]:
    start = datetime.now(timezone.utc).replace(microsecond=123000) - timedelta(minutes=2)
    end = start + timedelta(minutes=1, microseconds=456)
    posted, ours = [], []
    for inst in ("b:9100", "a:9100"):
        labels = {"alertname": "IntegrityRateHigh", "rcv": rcv, "severity": "critical",
                  "service": "ingest", "instance": inst}  # fmt: skip
        annotations = {"summary": f"Integrity 1.8% > 1% on {inst} <b> & ü",
                       "runbook_url": "https://runbooks.example/integrity?x=1&y=a+b"}  # fmt: skip
        gen = "http://prometheus.example:9090/graph?g0.expr=rate(x%5B5m%5D)+%3E+0"
        a: dict[str, Any] = {"labels": labels, "annotations": annotations, "generatorURL": gen,
                             "startsAt": start.isoformat().replace("+00:00", "Z")}  # fmt: skip
        if resolved:
            a["endsAt"] = end.isoformat().replace("+00:00", "Z")
        posted.append(a)
        ours.append(PostedAlert(labels, annotations, GoTime.parse_rfc3339(a["startsAt"]),
                                GoTime.parse_rfc3339(a["endsAt"]) if resolved else GoTime.zero(),
                                gen, resolved))  # fmt: skip
    return posted, ours


def _ours(
    rig: Rig, name: str, alerts: list[PostedAlert], reason: str = "first notification"
) -> Any:
    rcv = next(r for r in rig.receivers if r["name"] == name)
    (n,) = render_receiver(
        rcv, {}, TemplateSet.from_files(rig.version, rig.templates), alerts,
        group_labels={"alertname": "IntegrityRateHigh", "rcv": name},
        route_key=f'{{}}/{{rcv="{name}"}}', external_url=EXTERNAL_URL, version=rig.version,
        notification_reason=reason,
    )  # fmt: skip
    return n.request


def _whole_group(body: bytes) -> bool:
    # Alertmanager may flush a group before the second alert of one POST joins it;
    # group_interval (1s) then sends both. Compare the notification with both.
    return b"FIRING:2" in body or (b"a:9100" in body and b"b:9100" in body)


def _normalise_mail(raw: bytes) -> bytes:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = [ln for ln in head.split(b"\r\n") if not ln.startswith((b"Date:", b"Message-Id:"))]
    m = re.search(rb"boundary=([0-9a-f]+)", head)
    assert m, head
    body = body.replace(m.group(1), b"BOUNDARY")
    lines = [ln.replace(m.group(1), b"BOUNDARY") for ln in lines]
    return b"\r\n".join(sorted(lines)) + b"\r\n\r\n" + body


HTTP_CASES = ["slack-default", "webhook", "pagerduty-default", "slack.fields", "opsgenie",
              "victorops", "discord", "telegram", "webex"]  # fmt: skip
PATHS = {"slack.fields": "/slack-fields", "opsgenie": "/opsgenie/v2/alerts",
         "victorops": "/victorops/vo-key/ingest", "telegram": "/telegram/bot12:tok/sendMessage",
         "rocketchat": "/rocketchat/api/v1/chat.postMessage",
         "rocketchat-fields": "/rocketchat-fields/api/v1/chat.postMessage"}  # fmt: skip
CORPUS_CASES = ["slack-corpus", "pagerduty-corpus"]


# Integrations Alertmanager 0.25 does not have.
NEWER_CASES = ["msteams", "msteamsv2", "msteamsv2-custom", "rocketchat", "rocketchat-fields",
               "mattermost", "mattermost-attachments"]  # fmt: skip


@pytest.mark.parametrize("name", [*HTTP_CASES, *CORPUS_CASES, *NEWER_CASES])
def test_http_body_equals_alertmanager(rig: Rig, name: str) -> None:
    if name in NEWER_CASES and rig.version == "0.25":
        pytest.skip(f"Alertmanager 0.25 has no {name.split('-')[0]}_configs")
    if name in CORPUS_CASES and not SHARED.is_dir():
        pytest.skip("../shared/alertmanager-configs is absent")
    posted, ours = _alerts(name)
    post_alerts(rig.am, posted)
    path = PATHS.get(name, f"/{name}")
    theirs = rig.http.wait(lambda c: c.path == path and _whole_group(c.body))
    # The reason is dispatcher state (was a group flushed before?), not rendering:
    # take Alertmanager's, so the rest of the body is what is compared.
    m = re.search(rb'"notification_reason":"([a-z ]+)"', theirs.body)
    req = _ours(rig, name, ours, m.group(1).decode() if m else "first notification")
    assert req.body.decode() == theirs.body.decode()
    for header, value in req.headers.items():
        assert theirs.headers[header] == value


@pytest.mark.parametrize("name", ["email-default", "email-text"])
def test_email_equals_alertmanager(rig: Rig, name: str) -> None:
    posted, ours = _alerts(name)
    post_alerts(rig.am, posted)
    mail_from, rcpt, raw = rig.smtp.wait(lambda b: name.encode() in b and _whole_group(b))
    req = _ours(rig, name, ours)
    assert req.envelope == (mail_from, rcpt)
    assert _normalise_mail(req.body).decode() == _normalise_mail(raw).decode()


@pytest.mark.parametrize("name", ["resolved-webhook", "resolved-opsgenie"])
def test_resolved_notification_equals_alertmanager(rig: Rig, name: str) -> None:
    firing, _ = _alerts(name)
    post_alerts(rig.am, firing)
    rig.http.wait(lambda c: c.path.startswith(f"/{name}/") or c.path == f"/{name}")
    posted, ours = _alerts(name, resolved=True)
    for p, f in zip(posted, firing, strict=True):
        p["startsAt"] = f["startsAt"]
    ours = [
        PostedAlert(o.labels, o.annotations, GoTime.parse_rfc3339(p["startsAt"]), o.ends_at,
                    o.generator_url, resolved=True)
        for o, p in zip(ours, posted, strict=True)
    ]  # fmt: skip
    post_alerts(rig.am, posted)
    # This receiver's own requests only: the rig is shared, and the other case's
    # OpsGenie close may already be in the capture.
    theirs = rig.http.wait(
        lambda c: (
            (c.path == f"/{name}" and b'"status":"resolved"' in c.body)
            or (c.path.startswith(f"/{name}/") and "/close?" in c.path)
        )
    )
    m = re.search(rb'"notification_reason":"([a-z ]+)"', theirs.body)
    req = _ours(rig, name, ours, m.group(1).decode() if m else "all alerts resolved")
    assert req.body.decode() == theirs.body.decode()
    assert req.url.removeprefix(rig.http.url) == theirs.path
