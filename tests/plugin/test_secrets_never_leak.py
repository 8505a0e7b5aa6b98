"""A canary secret, planted in the environment, appears in no output of a run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.plugin.test_simulations import RULES, _serving, simulation

CANARY_TOKEN = "canary-tok-7f3a9c1e55"
CANARY_PATH = "T0CANARY/B0CANARY/xoxb9canary"


def _all_output(root: Path, result: pytest.RunResult) -> str:
    texts = [result.stdout.str(), result.stderr.str()]
    for f in root.rglob("*"):
        if f.is_file() and f.suffix not in (".yaml", ".py", ".om"):
            texts.append(f.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.mark.parametrize("reachable", [True, False], ids=["delivered", "channel-down"])
def test_canary_secret_appears_nowhere(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, reachable: bool
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("HOOK_TOKEN", CANARY_TOKEN)
    monkeypatch.setenv("HOOK_PATH", CANARY_PATH)
    specs = pytester.mkdir("slo_specs")
    (specs / "rules.yaml").write_text(RULES)
    (specs / "sim.yaml").write_text(
        simulation("    - alert: HighErrors\n", extra="  channel: hook\n")
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with _serving() as url:
        base = url.rsplit("/", 1)[0] if reachable else dead
        (specs / "channel.yaml").write_text(
            "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: hook}\nspec:\n"
            f"  type: webhook\n  url: '{base}/${{HOOK_PATH}}'\n  retries: 1\n"
            "  headers: {Authorization: 'Bearer ${HOOK_TOKEN}'}\n"
        )
        result = pytester.runpytest(
            "--burnin", "--burnin-deliver=real", "--junitxml=r.xml", "-rA", "-o", "log_level=DEBUG"
        )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == 3
    everything = _all_output(pytester.path, result)
    assert (pytester.path / "r.xml").is_file()
    assert CANARY_TOKEN not in everything
    assert "xoxb9canary" not in everything
    if not reachable:
        assert "kept in the spool" in everything


CANARY = "canary-c4n4ry-91b2"


def test_canary_through_redirects_failures_showlocals_and_every_output_file(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12: channels and a Prometheus source whose servers redirect to another
    host, an SMTP host that cannot be encoded, `pytest -l`; then `burnin flush` and the
    reports. The canary is in no output, no file, and not at the other host."""
    from pytest_burnin.cli import main
    from tests.httpfaults import Server, json_answer, redirect, second_loopback

    other = second_loopback()
    if other is None:
        pytest.skip("127.0.0.2 is not routable here; needed for a second host")
    monkeypatch.delenv("CI", raising=False)
    for var in ("HOOK_TOKEN", "PROM_TOKEN", "PROM_KEY", "PROM_TENANT", "SMTP_PW"):
        monkeypatch.setenv(var, f"{var.lower()}-{CANARY}")
    monkeypatch.setenv("HOOK_PATH", f"T0/B0/{CANARY}")
    empty = {"status": "success", "data": {"resultType": "vector", "result": []}}
    specs = pytester.mkdir("slo_specs")
    with (
        Server(json_answer(empty), host=other) as elsewhere,
        Server(redirect(elsewhere.url + "/api/v1/query?query=1")) as redirector,
    ):
        (specs / "rules.yaml").write_text(RULES)
        (specs / "sim.yaml").write_text(
            simulation("    - alert: HighErrors\n", extra="  channel: hook\n")
        )
        (specs / "sim_mail.yaml").write_text(
            simulation("    - alert: HighErrors\n", extra="  channel: mail\n").replace(
                "name: sim}", "name: sim-mail}"
            )
        )
        (specs / "channels.yaml").write_text(
            "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: hook}\nspec:\n"
            f"  type: webhook\n  url: '{redirector.url}/${{HOOK_PATH}}'\n  retries: 0\n"
            "  headers: {Authorization: 'Bearer ${HOOK_TOKEN}'}\n"
        )
        # A host that cannot be encoded is refused where the Channel is read (its own
        # file, so the other channels still load).
        (specs / "channel_mail.yaml").write_text(
            "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: mail}\nspec:\n"
            "  type: email\n  host: mail..example.com\n  from: a@example.com\n"
            "  to: [b@example.com]\n  username: burnin\n  password: '${SMTP_PW}'\n  retries: 0\n"
        )
        (specs / "source.yaml").write_text(
            "apiVersion: burnin/v1\nkind: Source\nmetadata: {name: prom}\nspec:\n"
            f"  type: prometheus\n  url: {redirector.url}\n  bearer_token_env: PROM_TOKEN\n"
            "  headers_env: {X-Api-Key: PROM_KEY, X-Scope-OrgID: PROM_TENANT}\n"
            '  evaluation_time: "2026-11-28T00:00:00Z"\n  timeout: 2s\n'
        )
        (specs / "slos.yaml").write_text(
            "apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: integrity}\nspec:\n"
            "  source: prom\n  indicator:\n    ratio:\n"
            "      bad: sum(increase(failed_total[{{window}}]))\n"
            "      total: sum(increase(checked_total[{{window}}]))\n"
            "  objective: {below: 0.05}\n  window: 1d\n"
        )
        result = pytester.runpytest(
            "--burnin",
            "--burnin-deliver=real",
            "-l",
            "--showlocals",
            "--tb=long",
            "--junitxml=r.xml",
            "--burnin-html=report.html",
            "-rA",
            "-o",
            "log_level=DEBUG",
            "-p",
            "no:randomly",
        )
        monkeypatch.chdir(pytester.path)
        flushed = main(["flush", "slo_specs", "--spool", ".burnin/spool"])
        weekly = main(["report", "--weekly", "--week", "2026-W48", "--post", "hook"])
        main(["report"])
        cli = capsys.readouterr()
    text = result.stdout.str()
    assert "not a valid host name" in text  # the SMTP host: a clear error, no UnicodeError
    assert "UnicodeError" not in text and "Traceback" not in text
    assert "dead: hook: POST" in text and "HTTP 302" in text  # the redirect: dead, visible
    assert flushed == 1 and "1 dead notification(s)" in cli.out
    assert weekly in (0, 1) and list((pytester.path / ".burnin" / "reports").iterdir())
    assert redirector.seen and elsewhere.seen, "the source's redirect was not followed"
    sent_elsewhere = "\n".join(f"{k}: {v}" for s in elsewhere.seen for k, v in s.headers.items())
    assert "Authorization" not in sent_elsewhere and "X-Api-Key" not in sent_elsewhere
    everything = _all_output(pytester.path, result) + cli.out + cli.err + sent_elsewhere
    for name in ("r.xml", "report.html", "burnin-report.html", ".burnin/last_run.json"):
        assert (pytester.path / name).is_file(), name
    assert list((pytester.path / ".burnin" / "spool" / "dead").iterdir())
    assert CANARY not in everything
