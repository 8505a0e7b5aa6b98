"""Every receiver of the real-world corpus (../shared/alertmanager-configs), rendered.

First, ours alone: each receiver of each config renders or fails with a
RenderError that says why (as Alertmanager would fail), never a crash. Then,
side by side with a real Alertmanager: each config's receivers keep their
templates and settings, only their destinations are pointed at local capture
servers, and what arrives must equal our rendering byte for byte.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_burnin.alertmanager.config import load_config
from pytest_burnin.alertmanager.notify.render import RenderError, render_receiver
from pytest_burnin.alertmanager.notify.routed import raw_receiver
from pytest_burnin.alertmanager.templates import TemplateSet
from pytest_burnin.errors import SpecError

from .am_real import HTTPCapture, SMTPCapture, binaries, post_alerts, running_alertmanager
from .test_notify_differential import EXTERNAL_URL, _alerts, _normalise_mail, _whole_group


def _load_for_render(path: Path) -> tuple[dict[str, Any], dict[str, Any], list[Path]]:
    """(raw receivers by name, global, template files), through the shared config loader."""
    config = load_config(path)
    receivers = {
        name: raw_receiver(r, stand_in_files=False) for name, r in config.receivers.items()
    }
    return receivers, config.global_, config.template_files()


SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "alertmanager-configs"


def corpus_configs() -> list[Path]:
    if not SHARED.is_dir():
        return []
    out = []
    for p in sorted(SHARED.rglob("*")):
        if not p.is_file() or "notification-template" in p.parts:
            continue
        if p.name.endswith((".routes.yaml", ".tree.txt")) or p.suffix not in (
            ".yml",
            ".yaml",
            ".golden",
        ):
            continue
        try:
            receivers = _load_for_render(p)[0]
        except SpecError:
            continue  # not a config Alertmanager would load
        if receivers:
            out.append(p)
    return out


CONFIGS = corpus_configs()
pytestmark = pytest.mark.skipif(not CONFIGS, reason="../shared/alertmanager-configs is absent")


@pytest.mark.parametrize("version", ["0.25", "0.33"])
def test_every_corpus_receiver_renders_or_says_why(version: str) -> None:
    rendered = refused = 0
    for config in CONFIGS:
        receivers, global_conf, files = _load_for_render(config)
        templates = TemplateSet.from_files(version, files)
        for name, receiver in receivers.items():
            _, alerts = _alerts(name)
            try:
                render_receiver(receiver, global_conf, templates, alerts,
                                group_labels={"alertname": "IntegrityRateHigh"}, version=version)  # fmt: skip
                rendered += 1
            except RenderError as e:
                assert f"receiver {name!r}" in str(e)
                refused += 1
    assert rendered >= 150, (rendered, refused)
    assert refused <= 10, refused


# ---- side by side -------------------------------------------------------------------

# Integrations whose destination Alertmanager lets a config change.
_URL_KEYS = {"slack_configs": "api_url", "webhook_configs": "url", "pagerduty_configs": "url",
             "opsgenie_configs": "api_url", "victorops_configs": "api_url", "discord_configs": "webhook_url"}  # fmt: skip


def _point_at_capture(
    receiver: dict[str, Any], tag: str, http: str, smtp_port: int
) -> dict[str, Any] | None:
    """The receiver with every destination local; None when nothing in it can be redirected."""
    out: dict[str, Any] = {"name": receiver["name"]}
    for key, confs in receiver.items():
        if key == "name" or not confs:
            continue
        kept = []
        for i, conf in enumerate(confs):
            conf = {
                k: v
                for k, v in copy.deepcopy(conf).items()
                if not k.endswith("_file") and k != "http_config"
            }
            if key == "pagerduty_configs" and (
                conf.get("service_key") or not conf.get("routing_key")
            ):
                continue  # Events v1 goes to a fixed PagerDuty URL
            if key == "email_configs":
                conf.update({"smarthost": f"127.0.0.1:{smtp_port}", "require_tls": False,
                             "to": f"{tag}-{i}@example.org", "from": "am@example.org"})  # fmt: skip
                conf = {k: v for k, v in conf.items() if not k.startswith("auth_")}
            elif key in _URL_KEYS:
                suffix = "/" if key in ("opsgenie_configs", "victorops_configs") else ""
                conf[_URL_KEYS[key]] = f"{http}/{tag}/{key}/{i}{suffix}"
                if key == "victorops_configs":
                    conf.setdefault("api_key", "vo-key")
                if key == "opsgenie_configs":
                    conf.setdefault("api_key", "og-key")
            else:
                continue
            kept.append(conf)
        if kept:
            out[key] = kept
    return out if len(out) > 1 else None


def _am_config(
    receivers: list[dict[str, Any]], global_conf: dict[str, Any], files: list[Path]
) -> str:
    g = {
        k: v
        for k, v in global_conf.items()
        if not k.startswith(("smtp_auth", "http_config")) and "_file" not in k
    }
    g.update({"smtp_require_tls": False, "resolve_timeout": "5m"})
    routes = [
        {"receiver": r["name"], "matchers": [f'rcv="{_escape(r["name"])}"']} for r in receivers
    ]
    return yaml.safe_dump({
        "global": g,
        "route": {"receiver": "blackhole", "group_by": ["alertname", "rcv"], "group_wait": "1s",
                  "group_interval": "1s", "repeat_interval": "1h", "routes": routes},
        "receivers": [{"name": "blackhole"}, *receivers],
        "templates": [str(f) for f in files],
    }, sort_keys=False, allow_unicode=True)  # fmt: skip


def _escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"')


@pytest.fixture(scope="module", params=["0.25", "0.33"])
def capture(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, HTTPCapture, SMTPCapture]]:
    binary = binaries()[request.param]
    if binary is None:
        pytest.skip(
            f"no Alertmanager {request.param} binary (prometheus-alertmanager / BURNIN_ALERTMANAGER_033)"
        )
    http, smtp = HTTPCapture(), SMTPCapture()
    try:
        yield request.param, binary, http, smtp
    finally:
        http.stop()
        smtp.stop()


@pytest.mark.differential
@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: str(p.relative_to(SHARED)))
def test_corpus_receivers_equal_alertmanager(
    capture: tuple[str, str, HTTPCapture, SMTPCapture], config: Path, tmp_path: Path
) -> None:
    version, binary, http, smtp = capture
    receivers, global_conf, files = _load_for_render(config)
    local = [
        r for ri, rcv in enumerate(receivers.values())
        if (r := _point_at_capture(rcv, f"c{CONFIGS.index(config)}r{ri}", http.url, smtp.port))
        is not None
    ]  # fmt: skip
    templates = TemplateSet.from_files(version, files)
    expected = []
    for rcv in local:
        posted, alerts = _alerts(rcv["name"])
        try:
            notes = render_receiver(
                rcv, global_conf, templates, alerts, group_labels={"alertname": "IntegrityRateHigh",
                "rcv": rcv["name"]}, route_key=f'{{}}/{{rcv="{_escape(rcv["name"])}"}}',
                external_url=EXTERNAL_URL, version=version,
            )  # fmt: skip
        except RenderError:
            continue  # Alertmanager fails these too; the test above checks they say why
        expected.append((rcv, posted, alerts, notes))
    if not expected:
        pytest.skip("no receiver here can be pointed at a local server")
    with running_alertmanager(binary, _am_config(local, global_conf, files), tmp_path) as am:
        for _, posted, _, _ in expected:
            post_alerts(am, posted)
        for rcv, _, alerts, notes in expected:
            for n in notes:
                _compare(rcv, alerts, n, http, smtp, templates, global_conf, version)


def _compare(rcv: dict[str, Any], alerts: Any, n: Any, http: HTTPCapture, smtp: SMTPCapture,
             templates: TemplateSet, global_conf: dict[str, Any], version: str) -> None:  # fmt: skip
    req = n.request
    if req.kind == "smtp":
        _, _, raw = smtp.wait(lambda b: _whole_group(b) and req.envelope[1][0].encode() in b)
        assert _normalise_mail(req.body).decode() == _normalise_mail(raw).decode()
        return
    path = req.url.removeprefix(http.url)
    # Custom templates may not show which alerts a notification holds, so wait for
    # the one that matches ours (reason aside) and otherwise compare with the last.
    reason = re.compile(rb'"notification_reason":"[a-z ]+"')
    try:
        theirs = http.wait(
            lambda c: c.path == path and reason.sub(b"", c.body) == reason.sub(b"", req.body)
        )
    except AssertionError:
        theirs = [c for c in http.got if c.path == path][-1]
    m = reason.search(theirs.body)
    if m and m.group() != b'"notification_reason":"first notification"':
        (n2,) = [x for x in render_receiver(
            {"name": rcv["name"], n.integration + "_configs": [rcv[n.integration + "_configs"][n.index]]},
            global_conf, templates, alerts, group_labels={"alertname": "IntegrityRateHigh", "rcv": rcv["name"]},
            route_key=f'{{}}/{{rcv="{_escape(rcv["name"])}"}}', external_url=EXTERNAL_URL, version=version,
            notification_reason=m.group()[23:-1].decode())]  # fmt: skip
        req = n2.request
    assert req.body.decode() == theirs.body.decode(), (rcv["name"], n.integration)
