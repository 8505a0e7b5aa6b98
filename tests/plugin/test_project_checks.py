"""Checks across spec files: names are project-wide, references resolve, and
``burnin validate`` reports what the run reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.cli import main
from tests.conftest import SMALL_DATA, SOURCE_SPEC, slo_spec

CLEAN = SOURCE_SPEC.replace("data.om", "clean.om")


@pytest.fixture
def two_teams(spec_dir: pytest.Pytester) -> pytest.Pytester:
    """Team A's SLO misses its objective on its data; team B adds a Source of the same name."""
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(slo_spec("integrity", "{below: 0.01}"))
    (specs / "clean.om").write_text(
        SMALL_DATA.replace('failed_total{job="x"} ', 'failed_total{job="x"} 0*')
    )
    (specs / "zz_team_b.yaml").write_text(CLEAN)
    return spec_dir


def test_a_second_source_of_the_same_name_never_turns_a_failure_green(
    two_teams: pytest.Pytester,
) -> None:
    result = two_teams.runpytest("--burnin")
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "*slo_specs/zz_team_b.yaml:3:*duplicate Source 'small': slo_specs/source.yaml:1 defines it too",
        ]
    )
    # The SLO that names it is could-not-evaluate, never a pass on the other file's data.
    result.stdout.fnmatch_lines(
        ["*SLO:integrity: could not evaluate: *Source 'small' is defined 2 times*"]
    )
    assert "PASS  SLO integrity" not in result.stdout.str()


def test_validate_reports_the_duplicate_and_the_broken_reference(
    two_teams: pytest.Pytester, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(two_teams.path)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "zz_team_b.yaml:3:" in err and "duplicate Source 'small'" in err
    assert "SLO:integrity: " in err and "Source 'small' is defined 2 times" in err


@pytest.mark.parametrize(
    ("spec", "message", "passed"),
    [
        (
            slo_spec("s", "{below: 0.01}") + "  source: nowhere\n",
            "no Source 'nowhere' (defined: small)",
            1,
        ),
        (
            "apiVersion: burnin/v1\nkind: BurnIn\nmetadata: {name: b}\n"
            'spec: {start: "2026-01-01", slos: [ghost]}\n',
            "the burn-in lists SLO 'ghost', which no spec file defines",
            1,
        ),
        (
            slo_spec("s", "{below: 0.5}")
            + "---\napiVersion: burnin/v1\nkind: BurnIn\nmetadata: {name: b}\n"
            'spec: {start: "2026-01-01", slos: [s], notify: [pager]}\n',
            "no Channel 'pager' (defined: none)",
            2,
        ),
    ],
    ids=["slo-source", "burnin-slo", "burnin-channel"],
)
def test_a_broken_reference_is_the_same_error_in_validate_and_the_run(
    spec_dir: pytest.Pytester,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spec: str,
    message: str,
    passed: int,
) -> None:
    (spec_dir.path / "slo_specs" / "entry.yaml").write_text(spec)
    monkeypatch.chdir(spec_dir.path)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "slo_specs/entry.yaml:" in err
    result = spec_dir.runpytest("--burnin")
    result.assert_outcomes(passed=passed, errors=1)
    result.stdout.fnmatch_lines([f"*could not evaluate: slo_specs/entry.yaml:*{message}*"])


def test_a_simulation_channel_must_exist_even_without_real_delivery(
    spec_dir: pytest.Pytester, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.plugin.test_simulations import RULES, simulation

    specs = spec_dir.path / "slo_specs"
    (specs / "rules.yaml").write_text(RULES)
    (specs / "sim.yaml").write_text(
        simulation("    - alert: HighErrors\n", extra="  channel: typo-channel\n")
    )
    result = spec_dir.runpytest("--burnin", "-m", "burnin_simulation")
    result.assert_outcomes(errors=1, deselected=2)
    result.stdout.fnmatch_lines(["*no Channel 'typo-channel' (defined: none)*"])
    monkeypatch.chdir(spec_dir.path)
    assert main(["validate"]) == 1
    assert "no Channel 'typo-channel' (defined: none)" in capsys.readouterr().err


def test_the_shipped_example_validates_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    assert main(["validate"]) == 0
