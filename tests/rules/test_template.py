from __future__ import annotations

import math

import pytest

from pytest_burnin.rules import gofmt
from pytest_burnin.rules.template import (
    TemplateError,
    check,
    expand,
    expand_for_alert,
    humanize,
    humanize1024,
    humanize_duration,
    humanize_percentage,
    humanize_timestamp,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (1.0, "1"),
        (0.1, "0.1"),
        (123456.0, "123456"),
        (1e6, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (1e-5, "1e-05"),
        (0.0001, "0.0001"),
        (-2.5, "-2.5"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
        (math.nan, "NaN"),
        (3.0000000000000004, "3.0000000000000004"),
    ],
)
def test_float_prints_like_go_v(value: float, text: str) -> None:
    assert gofmt.format_float_v(value) == text


@pytest.mark.parametrize(
    ("fmt", "args", "out"),
    [
        ("%.2f", [1.234], "1.23"),
        ("%s-%d", ["a", 3], "a-3"),
        ("%v", [1e6], "1e+06"),
        ("%q", ['a"b'], '"a\\"b"'),
        ("%5.1f%%", [2.0], "  2.0%"),
        ("%-4s|", ["x"], "x   |"),
        ("%g", [0.5], "0.5"),
        ("%.3g", [1234.5], "1.23e+03"),
        ("%d", [1.5], "%!d(float64=1.5)"),
        ("%s %s", ["a"], "a %!s(MISSING)"),
        ("%s", ["a", "b"], "a%!(EXTRA string=b)"),
        ("%f", [math.inf], "+Inf"),
    ],
)
def test_printf_go_verbs(fmt: str, args: list[object], out: str) -> None:
    assert gofmt.sprintf(fmt, list(args)) == out


@pytest.mark.parametrize(
    ("fn", "value", "out"),
    [
        (humanize, 1234.5, "1.234k"),
        (humanize, 0.0012, "1.2m"),
        (humanize, 0, "0"),
        (humanize, "2048", "2.048k"),
        (humanize, 1e30, "1e+06Y"),
        (humanize1024, 2048, "2ki"),
        (humanize1024, 0.5, "0.5"),
        (humanize_duration, 3723.4, "1h 2m 3s"),
        (humanize_duration, 90061, "1d 1h 1m 1s"),
        (humanize_duration, 59.5, "59.5s"),
        (humanize_duration, 0.0015, "1.5ms"),
        (humanize_duration, 0, "0s"),
        (humanize_duration, -75, "-1m 15s"),
        (humanize_percentage, 0.12345, "12.35%"),
        (humanize_timestamp, 1435065584.128, "2015-06-23 13:19:44.128 +0000 UTC"),
    ],
)
def test_humanize_family(fn: object, value: object, out: str) -> None:
    assert fn(value) == out  # type: ignore[operator]


def render(text: str, **kw: object) -> str:
    return expand(text, "__alert_X", **kw)  # type: ignore[arg-type]


def test_prometheus_variables_and_dot_forms() -> None:
    labels = {"instance": "host.example:9100", "job": "node"}
    out = render(
        "{{ $labels.instance }} {{ .Labels.job }} {{ $value }} {{ .Value }} {{ $externalLabels.site }} {{ $externalURL }}",
        labels=labels,
        value=1e6,
        external_labels={"site": "eqiad"},
        external_url="http://prom:9090",
    )
    assert out == "host.example:9100 node 1e+06 1e+06 eqiad http://prom:9090"


def test_missing_label_is_empty_but_missing_args_key_is_no_value() -> None:
    # Checked against promtool 2.42: map[string]string yields its zero value.
    assert render("[{{ $labels.nope }}]") == "[]"
    assert render("[{{ (args 1).arg5 }}]") == "[<no value>]"


def test_control_flow_variables_and_trimming() -> None:
    text = (
        "{{- $x := 2.0 -}}\n"
        "{{ if gt $value $x }}big{{ else if eq $value $x }}two{{ else }}small{{ end }}"
        "{{/* a comment */}}"
        "{{ range $k, $v := $labels }} {{ $k }}={{ $v }}{{ end }}"
        "{{ with $labels.job }} job={{ . }}{{ end }}"
        "{{ range $externalLabels }}x{{ else }} empty{{ end }}"
    )
    assert render(text, value=2.0, labels={"a": "1", "job": "j"}) == "two a=1 job=j job=j empty"


def test_functions_used_by_real_rules() -> None:
    labels = {"instance": "db1001.eqiad.wmnet:9104"}
    assert render("{{ $labels.instance | stripPort }}", labels=labels) == "db1001.eqiad.wmnet"
    assert render("{{ $labels.instance | stripDomain }}", labels=labels) == "db1001:9104"
    assert render('{{ reReplaceAll "(.+):(\\\\d+)" "$2@$1" $labels.instance }}', labels=labels) == (
        "9104@db1001.eqiad.wmnet"
    )
    assert render('{{ "a b&c" | urlquery }}') == "a+b%26c"
    assert (
        render('{{ title "hello world" }} {{ toUpper "x" }} {{ toLower "Y" }}') == "Hello World X y"
    )
    assert render('{{ printf "%.1f%%" $value }}', value=12.345) == "12.3%"
    assert render('{{ if match "^db" $labels.instance }}db{{ end }}', labels=labels) == "db"
    assert render('{{ graphLink "up == 0" }}') == "/graph?g0.expr=up+%3D%3D+0&g0.tab=0"
    assert render('{{ len $labels }} {{ index $labels "instance" }}', labels=labels) == (
        "1 db1001.eqiad.wmnet:9104"
    )
    assert render('{{ (args 1 "x").arg1 }}') == "x"
    assert render('{{ parseDuration "1m30s" }}') == "90"
    assert render("{{ and 1 0 }} {{ or 0 2 }} {{ not true }}") == "0 2 false"


def test_query_first_value_and_sort() -> None:
    def query(q: str) -> list[tuple[dict[str, str], float]]:
        assert q == "up"
        return [({"job": "b"}, 2.0), ({"job": "a"}, 1.0)]

    text = '{{ with query "up" }}{{ . | first | value }}{{ end }}|{{ range query "up" | sortByLabel "job" }}{{ .Labels.job }}={{ .Value }} {{ end }}'
    assert render(text, query=query) == "2|a=1 b=2 "


def test_first_on_empty_result_is_an_execution_error() -> None:
    out = expand_for_alert('{{ query "up" | first | value }}', "__alert_X", query=lambda q: [])
    assert out.startswith("<error expanding template: error executing template __alert_X: ")
    assert "error calling first: first() called on vector with no elements" in out


def test_execution_error_names_position_like_go() -> None:
    with pytest.raises(TemplateError) as e:
        render("{{ gt $value 0 }}", value=1.0)
    # The four prepended definitions are on line 1: Go counts them in the column.
    assert str(e.value) == (
        "error executing template __alert_X: template: __alert_X:1:115: "
        'executing "__alert_X" at <gt $value 0>: error calling gt: incompatible types for comparison'
    )


def test_chained_field_error_points_at_the_field() -> None:
    out = expand_for_alert("{{ $labels.nope.x }}", "__alert_T")
    # Byte for byte what promtool 2.42 prints for the same template.
    assert out == (
        "<error expanding template: error executing template __alert_T: template: "
        '__alert_T:1:122: executing "__alert_T" at <$labels.nope.x>: '
        "can't evaluate field x in type string>"
    )


def test_field_on_string_is_an_error() -> None:
    out = expand_for_alert("{{ $labels.job.x }}", "__alert_X", labels={"job": "a"})
    assert "can't evaluate field x in type string" in out


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("{{ nosuchfunc }}", 'template: __alert_X:1: function "nosuchfunc" not defined'),
        ("{{ $undefined }}", 'template: __alert_X:1: undefined variable "$undefined"'),
        ("line1\n{{ if }}", "template: __alert_X:2: missing value for if"),
        ("{{ end }}", "template: __alert_X:1: unexpected {{end}}"),
        ("{{ if 1 }}", "template: __alert_X:1: unexpected EOF"),
        ("{{ .x", "template: __alert_X:1: unclosed action"),
    ],
)
def test_parse_errors(text: str, msg: str) -> None:
    with pytest.raises(TemplateError) as e:
        check(text, "__alert_X")
    assert str(e.value) == msg


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_go_float_text_round_trips(value: float) -> None:
    text = gofmt.format_float_v(value)
    assert float(text) == value
    mantissa = text.lstrip("-").split("e")[0].replace(".", "")
    assert len(mantissa.lstrip("0")) <= 17  # shortest digits, never padded


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30))
def test_plain_text_renders_unchanged(text: str) -> None:
    if "{{" not in text:
        assert expand(text, "__alert_X") == text
