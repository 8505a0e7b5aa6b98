"""The progress counter: one rewritten line on a terminal, silent elsewhere."""

from __future__ import annotations

import io

import pytest

from pytest_burnin.progress import Progress, interactive


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_counts_on_one_line_and_clears_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD"):
        monkeypatch.delenv(var, raising=False)
    out = Tty()
    with Progress("recording", total=3, stream=out, min_interval_s=0) as p:
        p.advance(label="2026-11-01 long label")
        p.advance(label="2026-11-02")
        p.advance()
    text = out.getvalue()
    assert "\n" not in text
    assert text.split("\r")[1:4] == [
        "recording: 1/3 2026-11-01 long label",
        "recording: 2/3 2026-11-02           ",
        "recording: 3/3" + " " * 11,  # padded over the previous line only
    ]
    assert text.endswith("\r" + " " * len("recording: 3/3") + "\r")


def test_silent_without_a_tty_or_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    plain = io.StringIO()
    with Progress("x", stream=plain) as p:
        p.advance()
    assert plain.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    assert not interactive(Tty())


def test_rate_limited_but_last_step_always_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    out = Tty()
    p = Progress("x", total=1000, stream=out, min_interval_s=3600, enabled=True)
    for _ in range(1000):
        p.advance()
    shown = [s for s in out.getvalue().split("\r") if s]
    assert shown == ["x: 1/1000", "x: 1000/1000"]


def test_echo_clears_and_redraws_the_counter(capsys: pytest.CaptureFixture[str]) -> None:
    out = Tty()
    with Progress("x", total=2, stream=out, min_interval_s=0, enabled=True) as p:
        p.advance()
        p.echo("recorded 2026-11-01: pass")
        p.advance()
    assert capsys.readouterr().out == "recorded 2026-11-01: pass\n"
    assert out.getvalue().split("\r") == [
        "",
        "x: 1/2",
        "      ",
        "",
        "x: 1/2",
        "x: 2/2",
        "      ",
        "",
    ]
