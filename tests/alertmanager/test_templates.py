"""Alertmanager's template language: define/template/block, the data model, the functions.

Expected strings are what Alertmanager prints for the same template and data
(its template/template_test.go cases, and outputs checked against 0.25/0.33.1).
"""

from __future__ import annotations

import pytest

from pytest_burnin.alertmanager.gotime import GoTime
from pytest_burnin.alertmanager.template_data import (
    V025,
    V033,
    PostedAlert,
    dispatch_order,
    fingerprint,
    template_data,
)
from pytest_burnin.alertmanager.templates import TemplateError, TemplateSet

T0 = GoTime.parse_rfc3339("2026-11-28T10:00:00.5Z")


def _data(version: str = V025, resolved: bool = False, **kw: object) -> object:
    alerts = [
        PostedAlert({"alertname": "IntegrityRateHigh", "severity": "critical", "instance": "b"},
                    {"summary": "bad <b>", "runbook_url": "https://rb/x?a=1&b=2"}, T0,
                    generator_url="http://prom/graph?g0.expr=x+1"),
        PostedAlert({"alertname": "IntegrityRateHigh", "severity": "critical", "instance": "a"},
                    {"summary": "bad <a>", "runbook_url": "https://rb/x?a=1&b=2"}, T0,
                    T0, resolved=resolved),
    ]  # fmt: skip
    return template_data("team.x", {"alertname": "IntegrityRateHigh"}, alerts,
                         "http://am:9093", version, **kw)  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("{{ .Receiver }} {{ .Status }} {{ .ExternalURL }}", "team\\.x firing http://am:9093"),
        ("{{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }}", "2 2 0"),
        ("{{ .CommonLabels.SortedPairs.Names }}", "[alertname severity]"),
        ('{{ .CommonLabels.Names | join "," }}', "alertname,severity"),
        ("{{ .CommonLabels.Values }}", "[IntegrityRateHigh critical]"),
        ("{{ (.CommonLabels.Remove .GroupLabels.Names).Values }}", "[critical]"),
        (
            '{{ with .CommonLabels.Remove (stringSlice "severity") }}{{ .Names }}{{ end }}',
            "[alertname]",
        ),
        (
            "{{ .CommonAnnotations.runbook_url }}|{{ .CommonAnnotations.summary }}|",
            "https://rb/x?a=1&b=2||",
        ),
        ("{{ (index .Alerts 0).StartsAt }}", "2026-11-28 10:00:00.5 +0000 UTC"),
        ("{{ (index .Alerts 0).EndsAt }}", "0001-01-01 00:00:00 +0000 UTC"),
        (
            '{{ (index .Alerts 0).StartsAt.Format "Jan 2, 2006 15:04:05.000 MST" }}',
            "Nov 28, 2026 10:00:00.500 UTC",
        ),
        (
            "{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}",
            "alertname=IntegrityRateHigh;severity=critical;",
        ),
        ("{{ .GroupLabels }}", "map[alertname:IntegrityRateHigh]"),
        ("{{ .GroupLabels.SortedPairs }}", "[{alertname IntegrityRateHigh}]"),
    ],
)
def test_data_model_0_25(text: str, want: str) -> None:
    assert TemplateSet(V025).text(text, _data()) == want


def test_kv_prints_with_its_string_method_from_0_26() -> None:
    ts = TemplateSet(V033)
    d = _data(V033, notification_reason="first notification")
    assert ts.text("{{ .CommonLabels }} / {{ .CommonLabels.SortedPairs }}", d) == (
        "alertname=IntegrityRateHigh, severity=critical / alertname=IntegrityRateHigh, severity=critical"
    )
    assert ts.text("{{ .NotificationReason }}", d) == "first notification"


def test_resolved_alerts_split_and_status() -> None:
    d = _data(resolved=True)
    ts = TemplateSet(V025)
    assert (
        ts.text("{{ .Status }} {{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}", d)
        == "firing 1/1"
    )
    assert ts.text("{{ (index .Alerts.Resolved 0).EndsAt.Unix }}", d) == "1795860000"


def test_sorted_pairs_put_alertname_first() -> None:
    alerts = [PostedAlert({"zeta": "1", "alertname": "A", "beta": "2"})]
    d = template_data("r", {}, alerts, "", V025)
    assert (
        TemplateSet(V025).text("{{ (index .Alerts 0).Labels.Names }}", d) == "[alertname beta zeta]"
    )


def test_fingerprint_is_prometheus_label_set_fingerprint() -> None:
    # As Alertmanager 0.33.1 reported it in a webhook body for these labels.
    labels = {"alertname": "IntegrityRateHigh", "instance": "a:9100", "rcv": "pagerduty-default",
              "service": "ingest", "severity": "critical"}  # fmt: skip
    assert fingerprint(labels) == "f7cf616a6e4e26be"
    assert fingerprint({}) == "cbf29ce484222325"  # FNV-1a's offset basis: nothing hashed
    assert fingerprint({"a": "b"}) != fingerprint({"ab": ""})


def test_dispatch_order_is_job_then_instance_then_labels() -> None:
    a = PostedAlert({"alertname": "X", "instance": "b"})
    b = PostedAlert({"alertname": "X", "instance": "a"})
    c = PostedAlert({"alertname": "X", "job": "j"})
    d = PostedAlert({"alertname": "X"})
    assert [x.labels for x in dispatch_order([a, b, d, c])] == [
        c.labels,
        b.labels,
        a.labels,
        d.labels,
    ]


def test_define_template_block_and_redefinition() -> None:
    ts = TemplateSet(V025, [
        ("a.tmpl", '{{ define "x" }}X{{ .Status }}{{ end }}{{ define "slack.default.title" }}T{{ end }}'),
        ("b.tmpl", '{{ define "x" }}   {{ end }}'),  # an empty body keeps the old one (Go's rule)
    ])  # fmt: skip
    d = _data()
    assert ts.text('{{ template "x" . }}|{{ template "slack.default.title" . }}', d) == "Xfiring|T"
    assert ts.text('{{ block "y" .Status }}<{{ . }}>{{ end }}', d) == "<firing>"


def test_unknown_template_is_an_error_with_go_wording() -> None:
    with pytest.raises(TemplateError, match='no template "nope" associated with template ""'):
        TemplateSet(V025).text('{{ template "nope" . }}', _data())


def test_function_available_only_from_its_version() -> None:
    with pytest.raises(TemplateError, match='function "trimSpace" not defined'):
        TemplateSet(V025).text("{{ trimSpace . }}", "x")
    assert TemplateSet(V033).text('{{ " x " | trimSpace }}', None) == "x"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ('{{ "hello wORLD" | toUpper }}|{{ "HeLLo" | toLower }}', "HELLO WORLD|hello"),
        (
            '{{ "hello wORLD they\'re slack.fields x_y" | title }}',
            "Hello World They're Slack.fields X_y",
        ),
        ('{{ stringSlice "a" "b" | join "+" }}', "a+b"),
        ('{{ match "^a.c$" "abc" }} {{ match "b+" "xyz" }}', "true false"),
        ('{{ reReplaceAll "(a+)(b)" "${2}-$1" "aab" }}', "b-aa"),
        ('{{ safeHtml "<b>" }}', "<b>"),
    ],
)
def test_functions_of_0_25(text: str, want: str) -> None:
    assert TemplateSet(V025).text(text, None) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ('{{ urlUnescape "a%20b+c" }}', "a b c"),
        ('{{ (index .Alerts 0).StartsAt | date "2006-01-02T15:04" }}', "2026-11-28T10:00"),
        (
            '{{ (index .Alerts 0).StartsAt | tz "Europe/Paris" | date "15:04 MST -07:00" }}',
            "11:00 CET +01:00",
        ),
        ("{{ humanizeDuration 3725 }}", "1h 2m 5s"),
        ('{{ dict "a" 1 "b" "x" | toJson }}', '{"a":1,"b":"x"}'),
        ('{{ list 1 "<" | toJson }}', '[1,"\\u003c"]'),
        ("{{ append (list 1) 2 | len }}", "2"),
        ("{{ .GroupLabels | toJson }}", '{"alertname":"IntegrityRateHigh"}'),
    ],
)
def test_functions_of_0_33(text: str, want: str) -> None:
    assert TemplateSet(V033).text(text, _data(V033)) == want


def test_function_errors_are_template_errors() -> None:
    with pytest.raises(TemplateError, match="unknown time zone Nowhere/City"):
        TemplateSet(V033).text('{{ (index .Alerts 0).StartsAt | tz "Nowhere/City" }}', _data(V033))
    with pytest.raises(TemplateError, match="dict requires an even number of arguments"):
        TemplateSet(V033).text('{{ dict "a" }}', None)


def test_html_escaping_by_context() -> None:
    ts = TemplateSet(V025)
    d = _data()
    out = ts.html(
        "<title>{{ .CommonLabels.alertname }} {{ (index .Alerts 0).Annotations.summary }}</title>"
        '<a href="{{ (index .Alerts 0).GeneratorURL }}">x</a>'
        '<a href="{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}&q={{ "a b" }}">y</a>'
        '<a href="{{ "javascript:alert(1)" }}">z</a><!-- dropped -->{{ "a+b" }}{{ safeHtml "<i>" }}',
        d,
    )
    assert out == (
        "<title>IntegrityRateHigh bad &lt;b&gt;</title>"
        '<a href="http://prom/graph?g0.expr=x&#43;1">x</a>'
        '<a href="http://am:9093/#/alerts?receiver=team%5C.x&q=a%20b">y</a>'
        '<a href="#ZgotmplZ">z</a>a&#43;b<i>'
    )
