"""Loading alertmanager.yml: what is read, and errors in Alertmanager's words at file:line:col."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_burnin.alertmanager.config import load_config
from pytest_burnin.errors import SpecError

from .conftest import AMTOOL

GOOD = """\
global:
  slack_api_url: https://hooks.example.invalid/x
templates: ['tmpl/*.tmpl']
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['team="ingest"', 'severity=~"page|critical"']
      receiver: pager
      mute_time_intervals: [weekends]
receivers:
  - name: default
  - name: pager
    slack_configs: [{channel: '#a'}]
    webhook_configs: [{url: 'http://127.0.0.1:1/'}, {url: 'http://127.0.0.1:2/'}]
time_intervals:
  - name: weekends
    time_intervals:
      - weekdays: [saturday, sunday]
        times: [{start_time: 00:00, end_time: 24:00}]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alertmanager.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_receivers_integrations_templates_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "tmpl").mkdir()
    (tmp_path / "tmpl" / "a.tmpl").write_text('{{ define "x" }}x{{ end }}', encoding="utf-8")
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.receivers["pager"].integration_count == 3
    assert cfg.receivers["pager"].types == ["slack", "webhook", "webhook"]
    assert cfg.receivers["default"].integration_count == 0
    assert cfg.template_files() == [tmp_path / "tmpl" / "a.tmpl"]
    assert cfg.global_["resolve_timeout"] == "5m"
    assert cfg.global_["slack_api_url"] == "https://hooks.example.invalid/x"
    assert [str(m) for m in cfg.route.routes[0].matchers] == [
        'team="ingest"',
        'severity=~"page|critical"',
    ]
    assert cfg.time_intervals["weekends"][0].times == [(0, 1440)]
    assert cfg.time_intervals["weekends"][0].weekdays == [(6, 6), (0, 0)]


INVALID = [
    (
        "route:\n  receiver: nope\nreceivers:\n- name: a\n",
        "2:3",
        'undefined receiver "nope" used in route',
    ),
    ("receivers:\n- name: a\n", "1:1", "no routes provided"),
    ("# nothing yet\n", "1:1", "no route provided in config"),
    (
        "route:\n  receiver: a\n  continue: true\nreceivers:\n- name: a\n",
        "2:3",
        "cannot have continue in root route",
    ),
    (
        "route:\n  receiver: a\n  matchers: ['x=1']\nreceivers:\n- name: a\n",
        "2:3",
        "root route must not have any matchers",
    ),
    (
        "route:\n  receiver: a\n  routes:\n  - group_wait: soon\nreceivers:\n- name: a\n",
        "4:17",
        'not a valid duration string: "soon"',
    ),
    (
        "route:\n  receiver: a\n  routez: []\nreceivers:\n- name: a\n",
        "3:3",
        "field routez not found in type config.plain",
    ),
    (
        "route:\n  receiver: a\n  group_by: ['...', x]\nreceivers:\n- name: a\n",
        "3:13",
        "cannot have wildcard group_by (`...`) and other other labels at the same time",
    ),
    (
        "route:\n  receiver: a\n  routes:\n  - matchers: ['x=\"1']\nreceivers:\n- name: a\n",
        "4:16",
        'matcher value contains unescaped double quote: "1',
    ),
    (
        "route:\n  receiver: a\n  routes:\n  - mute_time_intervals: [w]\nreceivers:\n- name: a\n",
        "4:5",
        'undefined time interval "w" used in route',
    ),
    (
        "route:\n  receiver: a\nreceivers:\n- name: a\n- name: a\n",
        "5:9",
        'notification config name "a" is not unique',
    ),
    (
        "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: t\n  time_intervals:\n  - days_of_month: ['-1:5']\n",
        "8:20",
        "end day must be negative if start day is negative",
    ),
    (
        "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: t\n  time_intervals:\n  - location: Mars/Base\n",
        "8:15",
        "unknown time zone Mars/Base",
    ),
    (
        "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: t\n  time_intervals:\n  - times: [{start_time: '09:00'}]\n    weekdays: ['saturday:sunday']\n",
        "8:12",
        "both start and end times must be provided",
    ),
    (
        "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: t\n  time_intervals:\n  - weekdays: ['saturday:sunday']\n",
        "8:15",
        "start day cannot be before end day",
    ),
    (
        "route:\n  receiver: a\n  routes:\n  - match_re: {x: '(('}\nreceivers:\n- name: a\n",
        "4:19",
        "error parsing regexp",
    ),
]


@pytest.mark.parametrize(("text", "where", "message"), INVALID)
def test_invalid_config_names_file_line_col_in_alertmanagers_words(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_config(path)
    first = str(info.value).splitlines()[0]
    assert first.startswith(f"{path}:{where}: "), first
    assert message in first


def test_yaml_syntax_error_has_position(tmp_path: Path) -> None:
    path = _write(tmp_path, "route:\n  receiver: [a\n")
    with pytest.raises(SpecError, match=r"alertmanager.yml:\d+:\d+: yaml: "):
        load_config(path)


@pytest.mark.parametrize(
    ("receiver", "message"),
    [
        (
            "{name: r, slack_configs: [{channel: '#a'}]}",
            "no global Slack API URL set either inline or in a file",
        ),
        ("{name: r, email_configs: [{from: a@b}]}", "missing to address in email config"),
        (
            "{name: r, pagerduty_configs: [{}]}",
            "missing service or routing key in PagerDuty config",
        ),
        ("{name: r, webhook_configs: [{}]}", "missing URL in webhook config"),
    ],
)
def test_integration_without_its_endpoint_is_refused(
    tmp_path: Path, receiver: str, message: str
) -> None:
    path = _write(tmp_path, f"route:\n  receiver: r\nreceivers:\n- {receiver}\n")
    with pytest.raises(SpecError, match=f":4:.*: {message}"):
        load_config(path)


@pytest.mark.differential
@pytest.mark.skipif(AMTOOL is None, reason="amtool is not installed")
@pytest.mark.parametrize(("text", "where", "message"), INVALID)
def test_messages_equal_amtool_check_config(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_config(path)
    assert AMTOOL is not None
    done = subprocess.run(
        [AMTOOL, "check-config", str(path)], capture_output=True, text=True, timeout=30, check=False
    )
    failed = [ln for ln in done.stdout.splitlines() if "FAILED: " in ln]
    assert done.returncode == 1 and failed, done.stdout
    theirs = failed[0].split("FAILED: ", 1)[1]
    if theirs == "yaml: unmarshal errors:":  # the detail is on the next line, after "line N: "
        theirs = done.stdout.split("FAILED: ", 1)[1].splitlines()[1].strip().split(": ", 1)[1]
    assert info.value.message == theirs
