"""Conformance: Prometheus' own PromQL test scripts, run through ``scripttest``.

The corpus lives outside the repository (``../shared/peer-suites``); without
it these tests skip. Targets: every float-sample eval command of the v2.42
scripts passes in compat=2, and at least 99% of the current scripts pass in
the default (Prometheus 3) mode, native histograms included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.promql.scripttest import CaseResult, run_file, share

PEER = Path(__file__).resolve().parents[2].parent / "shared" / "peer-suites"
V2_DIR = PEER / "promql-testdata-v2.42.0"
HEAD_DIR = PEER / "promql-testdata"
HEAD_TARGET = 0.99

needs_corpus = pytest.mark.skipif(not PEER.is_dir(), reason=f"peer suites not found at {PEER}")


def _scripts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.test")) if folder.is_dir() else []


def _failures(results: list[CaseResult], limit: int = 40) -> str:
    bad = [r for r in results if r.status == "failed"]
    lines = [f"  line {r.line}: {r.expr} -- {r.reason}" for r in bad[:limit]]
    if len(bad) > limit:
        lines.append(f"  ... and {len(bad) - limit} more")
    return "\n".join(lines)


@needs_corpus
@pytest.mark.parametrize("script", _scripts(V2_DIR), ids=lambda p: p.name)
def test_v2_42_scripts_pass_in_compat_2(script: Path) -> None:
    results = run_file(script, compat=2)
    failed = [r for r in results if r.status == "failed"]
    assert not failed, f"{len(failed)} of {len(results)} commands failed:\n{_failures(results)}"


@needs_corpus
@pytest.mark.parametrize("script", _scripts(HEAD_DIR), ids=lambda p: p.name)
def test_head_script_runs(script: Path) -> None:
    """Every current script runs to the end (failures are counted globally below)."""
    results = run_file(script, compat=3)
    assert results, "no eval commands found"


@needs_corpus
def test_head_scripts_share() -> None:
    results: list[CaseResult] = []
    for script in _scripts(HEAD_DIR):
        for r in run_file(script, compat=3):
            results.append(
                CaseResult(r.line, f"{script.name}:{r.line} {r.expr}", r.status, r.reason)
            )
    skipped = [f"{r.expr}: {r.reason}" for r in results if r.status == "skipped"]
    assert not skipped, f"{len(skipped)} commands skipped: {skipped[:5]}"
    got = share(results)
    assert got >= HEAD_TARGET, (
        f"PromQL conformance {got:.1%} < {HEAD_TARGET:.0%} (Prometheus 3 scripts):\n"
        + _failures(results)
    )


INLINE = """
load 1m
  metric{a="1"} 0+1x5
  hist {{schema:0 sum:1 count:1}}x5
clear
load 1m
  metric{a="1"} 0+1x5
  hist {{schema:0 sum:1 count:1}}x5

eval instant at 2m metric
  metric{a="1"} 2

eval instant at 2m metric
  metric{a="1"} 3

eval range from 0 to 2m step 1m metric * 2
  {a="1"} 0 2 4

eval_fail instant at 0m label_replace(metric, "a", "x", "a", "(")

eval instant at 2m hist
  {__name__="hist"} {{schema:0 sum:1 count:1}}

eval instant at 2m hist * 2
  {} {{schema:0 sum:2 count:3}}

eval instant at 1m sum(metric)
  expect no_warn
  {} 1
"""


def test_script_runner_classifies_each_eval_command() -> None:
    from tests.promql.scripttest import run_script

    results = run_script(INLINE, compat=3)
    assert [r.status for r in results] == [
        "passed",
        "failed",
        "passed",
        "passed",
        "passed",
        "failed",
        "passed",
    ]
    assert "expected 3" in results[1].reason
    assert "{{count:3 sum:2}}" in results[5].reason and "{{count:2 sum:2}}" in results[5].reason
