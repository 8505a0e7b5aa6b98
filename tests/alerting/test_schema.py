"""channel.schema.yaml: what a ``kind: Channel`` spec may say, with file:line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.alerting import channel_from_document
from pytest_burnin.errors import SpecError
from pytest_burnin.spec.loader import load_documents
from pytest_burnin.spec.schema import validate

GOOD = """\
apiVersion: burnin/v1
kind: Channel
metadata: {name: slack-ops, owner: data-platform}
spec:
  type: slack
  url: https://hooks.slack.com/services/${SLACK_HOOK}
  runbook_base_url: https://git.example/ingest/blob/main
  timeout: 5s
  retries: 3
---
apiVersion: burnin/v1
kind: Channel
metadata: {name: pager}
spec:
  type: webhook
  url: https://pager.example/hook
  headers: {Authorization: "Bearer ${PAGER_TOKEN}"}
  backoff: 500ms
  max_backoff: 10s
  retry_after_cap: 1m
  deadline: 90s
---
apiVersion: burnin/v1
kind: Channel
metadata: {name: am}
spec: {type: alertmanager, url: "http://alertmanager:9093"}
---
apiVersion: burnin/v1
kind: Channel
metadata: {name: mail}
spec:
  type: email
  host: smtp.example.com
  port: 587
  from: burnin@example.com
  to: [oncall@example.com]
  starttls: true
  username: burnin
  password: ${SMTP_PASSWORD}
---
apiVersion: burnin/v1
kind: Channel
metadata: {name: local}
spec: {type: file, path: .burnin/alerts.jsonl}
"""


def test_every_channel_type_validates_and_builds(tmp_path: Path) -> None:
    path = tmp_path / "channels.yaml"
    path.write_text(GOOD)
    docs = load_documents(path)
    for doc in docs:
        validate(doc, "channel.schema.yaml")
    channels = [channel_from_document(d.data, env={}) for d in docs]
    assert [(c.name, c.type) for c in channels] == [
        ("slack-ops", "slack"),
        ("pager", "webhook"),
        ("am", "alertmanager"),
        ("mail", "email"),
        ("local", "file"),
    ]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("{type: webhook}", "'url' is a required property"),
        (
            "{type: email, host: h, from: a@b.c, to: x@y.z, password: hunter2}",
            "Must reference an environment variable",
        ),
        ("{type: slack, url: x, timeout: soon}", "timeout"),
        ("{type: file, path: a, colour: red}", "colour"),
        ("{type: webhook, url: x, retries: 50}", "50"),
    ],
)
def test_bad_specs_name_the_line(tmp_path: Path, spec: str, fragment: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(f"apiVersion: burnin/v1\nkind: Channel\nmetadata: {{name: c}}\nspec: {spec}\n")
    (doc,) = load_documents(path)
    with pytest.raises(SpecError) as info:
        validate(doc, "channel.schema.yaml")
    assert fragment in str(info.value)
    assert "c.yaml:4" in str(info.value)
