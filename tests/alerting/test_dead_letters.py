"""Issue 12, item 7: a notification refused for good (404, a 302 not followed, another
4xx) is a failure where it happened and stays one, in `burnin flush`'s output and exit
code, until a person retries or drops it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.alerting import Notification, build_channel, deliver
from pytest_burnin.alerting.flushing import RETRY_HINT, flush_spool
from pytest_burnin.alerting.spool import dead_letters, dead_reason, pending
from pytest_burnin.cli import main

from .receiver import Receiver, Reply

FAST = {"backoff": 0.01, "max_backoff": 0.05, "retries": 2}


def hook(url: str) -> object:
    return build_channel("hook", {"type": "webhook", "url": url + "/hook", **FAST})


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (Reply(404, body=b"no such hook"), "HTTP 404: no such hook"),
        (
            Reply(302, {"Location": "http://127.0.0.1:1/moved"}),
            "HTTP 302: redirect to http://127.0.0.1:1/moved not followed; "
            "set url to the final address",
        ),
        (Reply(410, body=b"gone"), "HTTP 410: gone"),
    ],
    ids=["404", "302", "410"],
)
def test_a_permanent_refusal_is_dead_with_its_reason_and_stays_visible(
    receiver: Receiver, notification: Notification, tmp_path: Path, reply: Reply, why: str
) -> None:
    receiver.default = reply
    channel = hook(receiver.url)
    result = deliver(notification, channel, spool_dir=tmp_path)  # type: ignore[arg-type]
    assert result.dead_lettered and not result.delivered and result.attempts == 1
    assert result.last_error == f"hook: POST {receiver.url}/hook: {why}"
    (dead,) = dead_letters(tmp_path)
    assert dead_reason(dead) == result.last_error

    for _ in range(2):  # not once: every flush, until someone handles it
        summary = flush_spool(tmp_path, [channel])  # type: ignore[list-item]
        assert summary.exit_code == 1 and summary.results == []
        text = "\n".join(summary.lines())
        assert f"1 dead notification(s) in {tmp_path / 'dead'}" in text
        assert f"hook: {notification.dedup_key}: dead: {result.last_error}" in text
        assert text.endswith(RETRY_HINT)
    assert len(receiver.requests) == 1


def test_retry_dead_sends_again_after_the_fix(
    receiver: Receiver, notification: Notification, tmp_path: Path
) -> None:
    receiver.default = Reply(404)
    channel = hook(receiver.url)
    deliver(notification, channel, spool_dir=tmp_path)  # type: ignore[arg-type]
    receiver.default = Reply(200)  # the receiver's path was fixed
    summary = flush_spool(tmp_path, [channel], retry_dead=True)  # type: ignore[list-item]
    assert summary.revived == 1 and [r.delivered for r in summary.results] == [True]
    assert summary.exit_code == 0 and not dead_letters(tmp_path) and not pending(tmp_path)
    assert receiver.keys() == [notification.dedup_key] * 2


def test_retry_dead_that_is_refused_again_is_dead_again(
    receiver: Receiver, notification: Notification, tmp_path: Path
) -> None:
    receiver.default = Reply(404)
    channel = hook(receiver.url)
    deliver(notification, channel, spool_dir=tmp_path)  # type: ignore[arg-type]
    summary = flush_spool(tmp_path, [channel], retry_dead=True)  # type: ignore[list-item]
    assert summary.exit_code == 1 and len(summary.dead) == 1
    assert "dead: hook: POST" in summary.lines()[1]


def test_the_flush_command_fails_while_dead_letters_remain_and_drop_dead_clears_them(
    receiver: Receiver,
    notification: Notification,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    receiver.default = Reply(404)
    spool = tmp_path / "spool"
    deliver(notification, hook(receiver.url), spool_dir=spool)  # type: ignore[arg-type]
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "channel.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: hook}\n"
        f"spec: {{type: webhook, url: '{receiver.url}/hook'}}\n"
    )
    assert main(["flush", str(specs), "--spool", str(spool)]) == 1
    out = capsys.readouterr().out
    assert "0 notification(s) still pending" in out
    assert "1 dead notification(s) in" in out and "HTTP 404" in out
    assert "burnin flush --retry-dead" in out and "--drop-dead" in out

    assert main(["flush", str(specs), "--spool", str(spool), "--drop-dead"]) == 0
    out = capsys.readouterr().out
    assert "1 dead notification(s) discarded" in out and "dead:" not in out
    assert not dead_letters(spool) and not list((spool / "dead").iterdir())
    assert len(receiver.requests) == 1


def test_a_simulation_whose_alert_is_refused_fails_saying_dead(
    pytester: pytest.Pytester, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.plugin.test_simulations import RULES, simulation

    monkeypatch.delenv("CI", raising=False)
    receiver.default = Reply(404, body=b"no such hook")
    specs = pytester.mkdir("slo_specs")
    (specs / "rules.yaml").write_text(RULES)
    (specs / "channel.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: staging}\n"
        f"spec: {{type: webhook, url: '{receiver.url}/hook'}}\n"
    )
    (specs / "sim.yaml").write_text(
        simulation("    - alert: HighErrors\n", extra="  channel: staging\n")
    )
    result = pytester.runpytest("--burnin", "--burnin-deliver=real", "-rf", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*HighErrors: dead: staging: POST */hook: HTTP 404: no such hook (moved to *dead*"]
    )
    assert "--retry-dead" in result.stdout.str()
    assert len(dead_letters(pytester.path / ".burnin" / "spool")) == 1


def test_the_daily_job_says_dead_and_fails_until_the_dead_letter_is_handled(
    pytester: pytest.Pytester,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import shutil

    from tests.conftest import REPO

    receiver.default = Reply(404, body=b"no such hook")
    specs = pytester.path / "slo_specs"
    shutil.copytree(REPO / "slo_specs", specs)
    monkeypatch.chdir(pytester.path)
    slos = specs / "slos.yaml"  # a failing day, so the job notifies
    slos.write_text(
        slos.read_text().replace("objective: {below: 0.01}", "objective: {below: 0.001}")
    )
    (specs / "channel.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: ops}\n"
        f"spec: {{type: webhook, url: '{receiver.url}/hook'}}\n"
    )
    burnin = specs / "burnin.yaml"
    burnin.write_text(
        burnin.read_text().replace(
            "frozen: [config/scoring.yaml]", "frozen: [config/scoring.yaml]\n  notify: [ops]"
        )
    )
    store = pytester.path / ".burnin" / "history.sqlite"
    args = ["record", "--store", str(store), str(specs), "--date", "2026-11-22"]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert "alerted ops: dead: ops: POST" in out and "HTTP 404: no such hook" in out
    assert "1 dead notification(s) in" in err and "--retry-dead" in err
    assert main([*args[:-1], "2026-11-23"]) == 1  # still visible the next day
    assert main(["flush", str(specs), "--spool", str(store.parent / "spool"), "--drop-dead"]) == 0
    capsys.readouterr()
    receiver.default = Reply(200)
    assert main([*args[:-1], "2026-11-24"]) == 0
