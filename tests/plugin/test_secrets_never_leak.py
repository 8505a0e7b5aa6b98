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
