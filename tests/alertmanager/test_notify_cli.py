"""``burnin notify render``: what a user sees for a receiver, and how mistakes are said."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from pytest_burnin.alertmanager.notify.commands import add_parsers, parse_labels

CONFIG = """\
global:
  slack_api_url: https://hooks.slack.com/services/T0/B0/SECRETTOKEN
route:
  receiver: ingest-oncall
  group_by: [alertname, service]
receivers:
- name: ingest-oncall
  slack_configs:
  - channel: '#ingest-oncall'
    text: '{{ template "ingest.text" . }}'
  pagerduty_configs:
  - routing_key: PDKEY123
- name: nobody
templates: ['templates/*.tmpl']
"""
TEMPLATE = '{{ define "ingest.text" }}{{ range .Alerts }}{{ .Annotations.remediation }} <{{ .Annotations.runbook_url }}|runbook>{{ end }}{{ end }}\n'


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["notify", "render", *argv])
    code: int = args.func(args)
    return code


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "ingest.tmpl").write_text(TEMPLATE)
    path = tmp_path / "alertmanager.yml"
    path.write_text(CONFIG)
    return path


def test_renders_each_integration_with_templates_beside_the_config(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run("--config", str(config), "--receiver", "ingest-oncall",
               "--alert", "alertname=IntegrityRateHigh,service=ingest,severity=page",
               "--annotation", "runbook_url=https://runbooks.example/integrity",
               "--annotation", "remediation=Pause the scorer")  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# slack[0] POST <secret>"
    slack = json.loads(lines[1])
    assert (
        slack["attachments"][0]["text"]
        == "Pause the scorer <https://runbooks.example/integrity|runbook>"
    )
    assert slack["attachments"][0]["title"] == "[FIRING:1] IntegrityRateHigh ingest (page)"
    assert lines[2] == "# pagerduty[0] POST https://events.pagerduty.com/v2/enqueue"
    assert json.loads(lines[3])["routing_key"] == "<secret>"
    assert "SECRETTOKEN" not in out and "PDKEY123" not in out


def test_labels_in_either_notation() -> None:
    assert parse_labels("a=b, c = d") == {"a": "b", "c": "d"}
    assert parse_labels('{a="x,y", b="q\\"r"}') == {"a": "x,y", "b": 'q"r'}
    with pytest.raises(ValueError, match="want name=value"):
        parse_labels("a")


def test_unknown_receiver_lists_the_known_ones(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--config", str(config), "--receiver", "nope", "--alert", "a=b") == 2
    assert "no receiver named 'nope' (receivers: ingest-oncall, nobody)" in capsys.readouterr().err


def test_a_receiver_without_integrations_says_so(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--config", str(config), "--receiver", "nobody", "--alert", "a=b") == 0
    assert "sends nothing" in capsys.readouterr().out


def test_bad_yaml_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "am.yml"
    path.write_text("route:\n  receiver: [unclosed\n")
    assert run("--config", str(path), "--receiver", "x", "--alert", "a=b") == 2
    err = capsys.readouterr().err
    # the shared Alertmanager loader, in its words (amtool: "yaml: ...")
    assert f"{path}:3:1: yaml: expected ',' or ']'" in err
    assert "Traceback" not in err


def test_template_error_exits_1_with_go_message(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config.write_text(
        CONFIG.replace('{{ template "ingest.text" . }}', '{{ template "missing" . }}')
    )
    assert run("--config", str(config), "--receiver", "ingest-oncall", "--alert", "a=b") == 1
    err = capsys.readouterr().err
    assert 'no template "missing" associated with template ""' in err
    assert "SECRETTOKEN" not in err
