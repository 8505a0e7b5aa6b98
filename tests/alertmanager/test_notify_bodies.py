"""Each receiver type's request, exact bytes (the layouts the differential tests proved)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pytest_burnin.alertmanager.gotime import GoTime
from pytest_burnin.alertmanager.notify.mimeenc import q_encode, quoted_printable
from pytest_burnin.alertmanager.notify.render import RenderError, group_key, render_receiver
from pytest_burnin.alertmanager.template_data import V025, V033, PostedAlert
from pytest_burnin.alertmanager.templates import TemplateSet

T0 = GoTime.parse_rfc3339("2026-11-28T10:00:00Z")
LABELS = {"alertname": "IntegrityRateHigh", "service": "ingest", "severity": "critical"}
ANN = {"summary": "1.8% > 1%", "runbook_url": "https://rb/integrity"}


def _render(rcv: dict[str, Any], version: str = V025, alerts: list[PostedAlert] | None = None,
            global_conf: dict[str, Any] | None = None) -> list[Any]:  # fmt: skip
    alerts = alerts if alerts is not None else [PostedAlert(LABELS, ANN, T0)]
    return render_receiver(
        {"name": "oncall", **rcv}, global_conf or {}, TemplateSet(version), alerts,
        group_labels={"alertname": "IntegrityRateHigh"}, external_url="http://am:9093", version=version,
    )  # fmt: skip


def test_group_key_is_route_key_and_group_labels() -> None:
    assert group_key("{}", {}) == "{}:{}"
    assert group_key('{}/{team="a"}', {"b": 'x"y', "a": "1"}) == '{}/{team="a"}:{a="1", b="x\\"y"}'


def test_slack_default_body() -> None:
    (n,) = _render({"slack_configs": [{"api_url": "http://h/s", "channel": "#ops"}]})
    assert n.request.url == "http://h/s"
    assert n.request.display_url == "<secret>"
    assert n.request.body == (
        b'{"channel":"#ops","username":"Alertmanager","attachments":[{"title":"[FIRING:1] '
        b'IntegrityRateHigh (ingest critical)","title_link":"http://am:9093/#/alerts?receiver=oncall",'
        b'"text":"","fallback":"[FIRING:1] IntegrityRateHigh (ingest critical) | '
        b'http://am:9093/#/alerts?receiver=oncall","callback_id":"","footer":"","color":"danger",'
        b'"mrkdwn_in":["fallback","pretext","text"]}]}\n'
    )


def test_slack_takes_the_global_url_and_needs_one() -> None:
    (n,) = _render({"slack_configs": [{}]}, global_conf={"slack_api_url": "http://g/s"})
    assert n.request.url == "http://g/s"
    with pytest.raises(RenderError, match="no global Slack API URL set"):
        _render({"slack_configs": [{}]})


def test_slack_fields_actions_and_message_text_033() -> None:
    conf = {"api_url": "http://h", "message_text": "{{ .Status }}", "short_fields": True,
            "fields": [{"title": "a", "value": "{{ .CommonLabels.service }}"}, {"title": "b", "short": False}],
            "actions": [{"type": "button", "text": "Runbook", "url": "{{ .CommonAnnotations.runbook_url }}",
                         "confirm": {"text": "sure?"}}]}  # fmt: skip
    (n,) = _render({"slack_configs": [conf]}, V033)
    body = json.loads(n.request.body)
    assert body["text"] == "firing"
    att = body["attachments"][0]
    assert att["fields"] == [
        {"title": "a", "value": "ingest", "short": True},
        {"title": "b", "short": False},
    ]
    assert att["actions"] == [{"type": "button", "text": "Runbook", "url": "https://rb/integrity",
                               "confirm": {"text": "sure?"}}]  # fmt: skip
    assert att["color"] == "danger"


def test_slack_does_not_send_resolved_by_default() -> None:
    resolved = [PostedAlert(LABELS, ANN, T0, T0, resolved=True)]
    assert _render({"slack_configs": [{"api_url": "http://h"}]}, alerts=resolved) == []
    (n,) = _render(
        {"slack_configs": [{"api_url": "http://h", "send_resolved": True}]}, alerts=resolved
    )
    assert json.loads(n.request.body)["attachments"][0]["color"] == "good"


def test_webhook_v4_body() -> None:
    (n,) = _render({"webhook_configs": [{"url": "http://h/w"}]})
    assert n.request.body == (
        b'{"receiver":"oncall","status":"firing","alerts":[{"status":"firing","labels":'
        b'{"alertname":"IntegrityRateHigh","service":"ingest","severity":"critical"},"annotations":'
        b'{"runbook_url":"https://rb/integrity","summary":"1.8% \\u003e 1%"},"startsAt":'
        b'"2026-11-28T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":'
        b'"' + render_fp() + b'"}],"groupLabels":{"alertname":"IntegrityRateHigh"},"commonLabels":'
        b'{"alertname":"IntegrityRateHigh","service":"ingest","severity":"critical"},'
        b'"commonAnnotations":{"runbook_url":"https://rb/integrity","summary":"1.8% \\u003e 1%"},'
        b'"externalURL":"http://am:9093","version":"4","groupKey":"{}:{alertname=\\"IntegrityRateHigh\\"}",'
        b'"truncatedAlerts":0}\n'
    )


def render_fp() -> bytes:
    from pytest_burnin.alertmanager.template_data import fingerprint

    return fingerprint(LABELS).encode()


def test_webhook_max_alerts_truncates_before_building_the_data() -> None:
    alerts = [PostedAlert({**LABELS, "i": str(i)}, {"n": str(i)}, T0) for i in range(3)]
    (n,) = _render({"webhook_configs": [{"url": "http://h", "max_alerts": 1}]}, V033, alerts)
    body = json.loads(n.request.body)
    assert len(body["alerts"]) == 1 and body["truncatedAlerts"] == 2
    assert body["commonAnnotations"] == {"n": "0"}  # common over the one alert kept
    assert body["notification_reason"] == "first notification"


def test_pagerduty_v2_body_025() -> None:
    (n,) = _render(
        {"pagerduty_configs": [{"routing_key": "rk", "severity": "{{ .CommonLabels.severity }}"}]}
    )
    body = json.loads(n.request.body)
    assert n.request.url == "https://events.pagerduty.com/v2/enqueue"
    assert list(body) == [
        "routing_key",
        "dedup_key",
        "event_action",
        "payload",
        "client",
        "client_url",
    ]
    assert body["event_action"] == "trigger"
    assert len(body["dedup_key"]) == 64
    assert body["payload"]["severity"] == "critical"
    assert body["payload"]["custom_details"]["num_firing"] == "1"
    assert body["payload"]["custom_details"]["firing"].startswith(
        "Labels:\n - alertname = IntegrityRateHigh\n"
    )
    assert "rk" not in n.request.display_body()


def test_pagerduty_v2_details_are_yaml_in_033() -> None:
    (n,) = _render(
        {"pagerduty_configs": [{"routing_key": "rk", "details": {"yes": "yes", "m": "a: b"}}]}, V033
    )
    details = json.loads(n.request.body)["payload"]["custom_details"]
    assert details["num_firing"] == 1 and details["resolved"] == []
    assert details["firing"][0]["labels"]["service"] == "ingest"
    assert details["yes"] is True and details["m"] == {"a": "b"}


def test_pagerduty_v1_with_service_key_and_resolve() -> None:
    resolved = [PostedAlert(LABELS, ANN, T0, T0, resolved=True)]
    (n,) = _render({"pagerduty_configs": [{"service_key": "sk"}]}, alerts=resolved)
    body = json.loads(n.request.body)
    assert n.request.url.endswith("/generic/2010-04-15/create_event.json")
    assert list(body) == ["service_key", "incident_key", "event_type", "description", "event_action",
                          "payload", "details"]  # fmt: skip
    assert (
        body["event_type"] == "resolve" and body["event_action"] == "" and body["payload"] is None
    )


def test_pagerduty_needs_a_key() -> None:
    with pytest.raises(RenderError, match="missing service or routing key in PagerDuty config"):
        _render({"pagerduty_configs": [{}]})


def test_email_message_layout() -> None:
    conf = {"to": "a@x.org", "from": "am@x.org", "smarthost": "h:25", "html": "<p>{{ .Status }}</p>",
            "text": "é {{ .Status }}", "headers": {"x-team": "ingest ✓"}}  # fmt: skip
    (n,) = _render({"email_configs": [conf]})
    assert n.request.kind == "smtp" and n.request.envelope == ("am@x.org", ["a@x.org"])
    b = "0" * 60
    assert n.request.body.decode() == (
        "From: am@x.org\r\nSubject: [FIRING:1] IntegrityRateHigh (ingest critical)\r\nTo: a@x.org\r\n"
        "X-Team: =?utf-8?q?ingest_=E2=9C=93?=\r\nMessage-Id: <0.0@localhost>\r\n"
        "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"
        f"Content-Type: multipart/alternative;  boundary={b}\r\nMIME-Version: 1.0\r\n\r\n"
        f"--{b}\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        f"=C3=A9 firing\r\n--{b}\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Type: text/html; charset=UTF-8\r\n\r\n<p>firing</p>\r\n--{b}--\r\n"
    )


def test_email_needs_to_and_a_smarthost() -> None:
    with pytest.raises(RenderError, match="missing to address in email config"):
        _render({"email_configs": [{"from": "a@b"}]})
    with pytest.raises(RenderError, match="no global SMTP smarthost set"):
        _render({"email_configs": [{"to": "a@b", "from": "c@d"}]})


def test_a_template_error_fails_the_notification_with_its_receiver() -> None:
    want = (
        "receiver 'oncall' slack[0]: slack: template: :1:8: executing \"\" at <.nope.deeper>: "
        "can't evaluate field nope in type *template.Data"
    )
    with pytest.raises(RenderError, match=re.escape(want)):
        _render({"slack_configs": [{"api_url": "http://h", "text": "{{ .nope.deeper }}"}]})


def test_unsupported_integration_is_said_not_skipped() -> None:
    with pytest.raises(RenderError, match="rendering wechat_configs is not supported"):
        _render({"wechat_configs": [{"corp_id": "x"}]})


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("plain ascii", "plain ascii"),
        ("Über", "=?utf-8?q?=C3=9Cber?="),
        ("a_b=c? é", "=?utf-8?q?a=5Fb=3Dc=3F_=C3=A9?="),
        (
            "é" * 30,
            "=?utf-8?q?"
            + "=C3=A9" * 10
            + "?= =?utf-8?q?"
            + "=C3=A9" * 10
            + "?= =?utf-8?q?"
            + "=C3=A9" * 10
            + "?=",
        ),
    ],
)
def test_q_encoding_like_go_mime(text: str, want: str) -> None:
    assert q_encode(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("a=b\n", b"a=3Db\r\n"),
        ("trailing \nx", b"trailing=20\r\nx"),
        ("x" * 80, b"x" * 75 + b"=\r\n" + b"x" * 5),
        ("é\r\nz\t", b"=C3=A9\r\nz=09"),
    ],
)
def test_quoted_printable_like_go(text: str, want: bytes) -> None:
    assert quoted_printable(text) == want


def test_opsgenie_create_then_close() -> None:
    conf = {"api_key": "k", "api_url": "http://og/", "tags": " a,,b ", "update_alerts": True,
            "responders": [{"name": "x,y", "type": "Teams"}, {"username": "u", "type": "user"}]}  # fmt: skip
    create, msg_put, desc_put = _render({"opsgenie_configs": [conf]})
    body = json.loads(create.request.body)
    assert create.request.url == "http://og/v2/alerts"
    assert list(body) == [
        "alias",
        "message",
        "description",
        "details",
        "source",
        "responders",
        "tags",
    ]
    assert body["responders"] == [{"name": "x", "type": "team"}, {"name": "y", "type": "team"},
                                  {"username": "u", "type": "user"}]  # fmt: skip
    assert body["tags"] == ["a", "b"]
    assert body["details"] == LABELS
    assert create.request.headers["Authorization"] == "GenieKey k"
    assert msg_put.request.url.endswith("/message?identifierType=alias")
    assert desc_put.request.url.endswith("/description?identifierType=alias")
    resolved = [PostedAlert(LABELS, ANN, T0, T0, resolved=True)]
    (close,) = _render({"opsgenie_configs": [conf]}, alerts=resolved)
    assert close.request.url == f"http://og/v2/alerts/{body['alias']}/close?identifierType=alias"
    assert close.request.body == b'{"source":"http://am:9093/#/alerts?receiver=oncall"}\n'


def test_victorops_body_is_a_sorted_map_with_custom_fields() -> None:
    conf = {"api_key": "secretkey", "routing_key": "{{ .CommonLabels.service }}", "message_type": "bogus",
            "custom_fields": {"zz": "{{ .Status }}", "entity_display_name": "mine"}}  # fmt: skip
    (n,) = _render({"victorops_configs": [conf]})
    body = json.loads(n.request.body)
    assert (
        n.request.url
        == "https://alert.victorops.com/integrations/generic/20131114/alert/secretkey/ingest"
    )
    assert n.request.display_url.endswith("/<secret>/ingest")
    assert list(body) == sorted(body)
    assert body["message_type"] == "CRITICAL"  # not an allowed firing type
    assert body["entity_display_name"] == "mine" and body["zz"] == "firing"
    assert body["monitoring_tool"] == "Alertmanager"


def test_discord_embed_and_colour_per_version() -> None:
    (old,) = _render({"discord_configs": [{"webhook_url": "http://d", "username": "bot"}]})
    (new,) = _render(
        {"discord_configs": [{"webhook_url": "http://d", "username": "bot", "content": "hi"}]}, V033
    )
    assert json.loads(old.request.body) == {
        "content": "",
        "embeds": [{"title": "[FIRING:1] IntegrityRateHigh (ingest critical)",
                    "description": json.loads(old.request.body)["embeds"][0]["description"],
                    "color": 0x992D22}],
    }  # fmt: skip
    assert json.loads(new.request.body)["username"] == "bot"
    assert json.loads(new.request.body)["content"] == "hi"


def test_pushover_puts_everything_in_the_query() -> None:
    conf = {"token": "tok", "user_key": "usr", "retry": "30s", "sound": "siren"}
    (n,) = _render({"pushover_configs": [conf]})
    assert n.request.body == b""
    url, _, query = n.request.url.partition("?")
    assert url == "https://api.pushover.net/1/messages.json"
    keys = [kv.split("=")[0] for kv in query.split("&")]
    assert keys == sorted(keys)
    assert "retry=30&" in query and "expire=3600&" in query and "priority=2&" in query
    assert "title=%5BFIRING%3A1%5D+IntegrityRateHigh+%28ingest+critical%29" in query
    assert "tok" not in n.request.display_url and "usr" not in n.request.display_url


def test_fields_flatten_each_kind_of_request() -> None:
    from pytest_burnin.alertmanager.notify.fields import fields

    rcv = {"slack_configs": [{"api_url": "http://h", "text": "{{ .CommonAnnotations.runbook_url }}"}],
           "email_configs": [{"to": "a@x.org", "from": "am@x.org", "smarthost": "h:25",
                              "text": "runbook: {{ .CommonAnnotations.runbook_url }} é"}],
           "pushover_configs": [{"token": "t", "user_key": "u"}]}  # fmt: skip
    slack, mail, push = (fields(n.request) for n in _render(rcv))
    assert slack["attachments.0.text"] == "https://rb/integrity"
    assert slack["attachments.0.mrkdwn_in.2"] == "text"
    assert mail["Subject"] == "[FIRING:1] IntegrityRateHigh (ingest critical)"
    assert mail["text"] == "runbook: https://rb/integrity é"
    assert "https://rb/integrity" in mail["html"]
    assert push["priority"] == "2"


def test_telegram_escapes_html_and_hides_the_token() -> None:
    conf = {"bot_token": "12:secret", "chat_id": 42, "message": "{{ .CommonAnnotations.summary }} <b>ok</b>",
            "disable_notifications": True}  # fmt: skip
    (n,) = _render({"telegram_configs": [conf]})
    assert n.request.body == (
        b'{"chat_id":"42","disable_notification":"true","disable_web_page_preview":"true",'
        b'"parse_mode":"HTML","text":"1.8% \\u0026gt; 1% \\u003cb\\u003eok\\u003c/b\\u003e"}\n'
    )
    assert n.request.display_url == "https://api.telegram.org/bot<secret>/sendMessage"


def test_msteams_card_only_from_0_26() -> None:
    (n,) = _render({"msteams_configs": [{"webhook_url": "http://t"}]}, V033)
    body = json.loads(n.request.body)
    assert list(body) == ["@context", "type", "title", "summary", "text", "themeColor"]
    assert body["themeColor"] == "8C1A1A" and body["title"] == body["summary"]
    with pytest.raises(RenderError, match=r"needs Alertmanager 0\.26 or later"):
        _render({"msteams_configs": [{"webhook_url": "http://t"}]}, V025)


def test_webex_body_and_byte_truncation() -> None:
    from pytest_burnin.alertmanager.notify.webex import truncate_bytes

    conf = {
        "room_id": "r",
        "message": "{{ .Status }}",
        "http_config": {"authorization": {"credentials": "c"}},
    }
    (n,) = _render({"webex_configs": [conf]})
    assert n.request.body == b'{"markdown":"firing","roomId":"r"}\n'
    assert n.request.headers["Authorization"] == "Bearer c"
    assert truncate_bytes("abcdef", 6) == "abcdef"
    assert truncate_bytes("aéééé", 7) == "aé…"  # never half a rune
    with pytest.raises(RenderError, match=r"authorization\.credentials"):
        _render({"webex_configs": [{"room_id": "r"}]})


def test_msteamsv2_adaptive_card_colours_by_status() -> None:
    (n,) = _render({"msteamsv2_configs": [{"webhook_url": "http://t/wf"}]}, V033)
    card = json.loads(n.request.body)["attachments"][0]["content"]
    assert card["body"][0]["color"] == "Attention" and card["body"][0]["text"].startswith(
        "[FIRING:1]"
    )
    resolved = PostedAlert(LABELS, ANN, T0, T0, resolved=True)
    (n,) = _render({"msteamsv2_configs": [{"webhook_url": "http://t/wf"}]}, V033, [resolved])
    assert json.loads(n.request.body)["attachments"][0]["content"]["body"][0]["color"] == "Good"
    assert n.request.display_url == "<secret>"  # the workflow URL carries its signature
    with pytest.raises(RenderError, match=r"needs Alertmanager 0\.28 or later"):
        _render({"msteamsv2_configs": [{"webhook_url": "http://t"}]}, V025)


def test_rocketchat_tokens_are_headers_and_never_shown() -> None:
    conf = {"token": "tok-secret", "token_id": "uid-secret", "channel": "#ops",
            "text": "{{ .CommonLabels.alertname }} tok-secret"}  # fmt: skip
    (n,) = _render({"rocketchat_configs": [conf]}, V033)
    assert n.request.url == "https://open.rocket.chat/api/v1/chat.postMessage"
    assert n.request.headers["X-Auth-Token"] == "tok-secret"
    assert "tok-secret" not in n.request.display_body()
    body = json.loads(n.request.body)
    assert body["channel"] == "#ops" and body["attachments"][0]["color"] == "red"
    with pytest.raises(RenderError, match="no global Rocketchat Token"):
        _render({"rocketchat_configs": [{"token_id": "u"}]}, V033)


def test_mattermost_priority_is_normalised_as_alertmanager_does() -> None:
    conf = {"webhook_url": "http://mm/hooks/x",
            "priority": {"priority": "loud", "requested_ack": True, "persistent_notifications": True}}  # fmt: skip
    (n,) = _render({"mattermost_configs": [conf]}, V033)
    body = json.loads(n.request.body)
    # An unknown priority becomes "standard", which drops both flags.
    assert body["priority"] == {"priority": "standard"}
    assert "text" not in body and body["attachments"][0]["text"].strip().startswith(
        "# Alerts Firing:"
    )
    assert body["username"] == "Alertmanager" and body["attachments"][0]["color"] == "danger"
    conf["priority"] = {
        "priority": "URGENT",
        "requested_ack": True,
        "persistent_notifications": True,
    }
    (n,) = _render({"mattermost_configs": [conf]}, V033)
    assert json.loads(n.request.body)["priority"] == {
        "priority": "urgent", "requested_ack": True, "persistent_notifications": True}  # fmt: skip
