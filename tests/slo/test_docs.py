"""docs/SLOs.md from the specs, the `burnin rules|docs` commands, and the items the glue adds."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.cli import main
from pytest_burnin.slo.docs import STALE, load_slos, render
from pytest_burnin.slo.rules_gen import generate
from tests.conftest import slo_spec

REPO = Path(__file__).resolve().parents[2]
GLUE = ("-p", "pytest_burnin.plugin.slo_glue")


def test_the_document_has_what_the_on_call_needs() -> None:
    text = render(load_slos([REPO / "slo_specs"]), REPO)
    assert text.startswith("# Service level objectives\n")
    assert "| [integrity](#integrity) | < 0.01 | 14d | data-platform | #ingest-oncall |" in text
    assert "| On-call | #privacy-oncall |" in text
    assert (
        "| Runbook | [docs/runbooks/integrity-rate-high.md](../docs/runbooks/integrity-rate-high.md) |"
        in text
    )
    assert "- ratio `bad`: `sum(increase(ingest_integrity_failures_total[{{window}}]))`" in text
    assert (
        "| `SLOIntegrityBurnRatePage1h` | page | 1h and 5m | 14.4x | 14.4% | 1m | 4.29% |" in text
    )
    assert "Alert: `SLOPrivacyViolationsObjectiveBreached` (page, for 1m)" in text


def test_the_shipped_document_is_up_to_date() -> None:
    shipped = REPO / "docs" / "SLOs.md"
    assert shipped.read_text() == render(load_slos([REPO / "slo_specs"]), REPO)


def test_docs_and_rules_commands_write_then_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = tmp_path / "slo_specs"
    specs.mkdir()
    (specs / "slos.yaml").write_text(slo_spec("a", "{below: 0.01}"))
    monkeypatch.chdir(tmp_path)
    assert main(["docs", "--check"]) == 1
    assert f"{STALE}\n" == capsys.readouterr().err
    assert main(["docs"]) == 0
    assert main(["docs", "--check"]) == 0
    assert (tmp_path / "docs" / "SLOs.md").read_text().startswith("# Service level objectives")
    out = "rules/slo.rules.yaml"
    assert main(["rules", "-o", out]) == 0
    assert main(["rules", "-o", out, "--check"]) == 0
    (tmp_path / out).write_text("groups: []\n")
    assert main(["rules", "-o", out, "--check"]) == 1
    assert "rules/slo.rules.yaml is out of date: run `burnin rules -o rules/slo.rules.yaml`" in (
        capsys.readouterr().err
    )
    assert main(["rules"]) == 0
    assert capsys.readouterr().out == generate(load_slos([specs]))


def test_a_bad_spec_exits_2_with_its_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "slos.yaml").write_text(slo_spec("a", "{below: 0.01}").replace("1h", "1x"))
    monkeypatch.chdir(tmp_path)
    assert main(["rules", "slos.yaml"]) == 2
    assert capsys.readouterr().err.startswith("burnin rules: slos.yaml:")
    assert main(["docs", "nowhere"]) == 2
    assert "nowhere: no such file or folder" in capsys.readouterr().err


def test_alert_behaviour_items_appear_next_to_each_slo(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("a", "{below: 0.05}"))
    result = spec_dir.runpytest("--burnin", *GLUE, "-v")
    result.stdout.fnmatch_lines(
        [
            "*slos.yaml::SLO:a PASSED*",
            "*slos.yaml::SLOAlerts:a/page-1h PASSED*",
            "*slos.yaml::SLOAlerts:a/page-6h PASSED*",
            "*slos.yaml::SLOAlerts:a/ticket-3d PASSED*",
            "*slos.yaml::SLOAlerts:a/within-objective PASSED*",
            "SLOAlerts      4 passed",
        ]
    )
    result.assert_outcomes(passed=6)
    # No docs/SLOs.md and no generated rules in this project: no staleness items.
    assert "Docs:" not in result.stdout.str()


def test_items_are_selectable_with_k_and_m(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("a", "{below: 0.05}"))
    spec_dir.runpytest("--burnin", *GLUE, "-k", "page-1h").assert_outcomes(passed=1)
    spec_dir.runpytest("--burnin", *GLUE, "-m", "burnin_sloalerts").assert_outcomes(passed=4)


def test_a_stale_document_fails_and_says_how_to_fix_it(spec_dir: pytest.Pytester) -> None:
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(slo_spec("a", "{below: 0.05}"))
    docs = spec_dir.path / "docs"
    docs.mkdir()
    (docs / "SLOs.md").write_text("# old\n")
    result = spec_dir.runpytest("--burnin", *GLUE, "-k", "Docs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*_ Docs:SLOs.md _*", "docs/SLOs.md is out of date: run `burnin docs`"]
    )
    (docs / "SLOs.md").write_text(render(load_slos([specs]), spec_dir.path))
    spec_dir.runpytest("--burnin", *GLUE, "-k", "Docs").assert_outcomes(passed=1)


def test_stale_generated_rules_fail_and_are_linted(spec_dir: pytest.Pytester) -> None:
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(slo_spec("a", "{below: 0.05}"))
    (spec_dir.path / "docs").mkdir()
    (spec_dir.path / "docs" / "rb.md").write_text("# runbook\n")
    generated = specs / "generated"
    generated.mkdir()
    (generated / "slo.rules.yaml").write_text(generate(load_slos([specs])))
    result = spec_dir.runpytest("--burnin", *GLUE, "-rA", "-k", "Generated or Rule")
    result.stdout.fnmatch_lines(
        ["Rule           3 passed", "*slo.rules.yaml is up to date with the SLO specs*"]
    )
    result.assert_outcomes(passed=4)
    (specs / "slos.yaml").write_text(slo_spec("a", "{below: 0.01}"))
    result = spec_dir.runpytest("--burnin", *GLUE, "-k", "Generated")
    result.stdout.fnmatch_lines(
        [
            "*_ Generated:slo.rules.yaml _*",
            "slo_specs/generated/slo.rules.yaml is out of date: "
            "run `burnin rules -o slo_specs/generated/slo.rules.yaml`",
        ]
    )
    result.assert_outcomes(passed=3, failed=1)  # -k matches the rules' folder too
