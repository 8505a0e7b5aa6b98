"""Pass, fail (objective missed: the first line says by how much) and error (never a pass)."""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import JUnitXml, Properties, TestCase

from tests.conftest import slo_spec


def properties(case: TestCase) -> dict[str, str]:
    """A test case's <properties>, as pytest's junitxml writes them."""
    return {p.name: p.value for props in case.iterchildren(Properties) for p in props}


def write(p: pytest.Pytester, text: str, name: str = "slos.yaml") -> None:
    (p.path / "slo_specs" / name).write_text(text)


def test_objective_met_passes_with_budget_in_summary(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, slo_spec("integrity", "{below: 0.05}"))
    result = spec_dir.runpytest("--burnin", "-rA")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*burn-in summary*",
            "PASS  SLO integrity: 2% bad over 1h, objective < 5% (budget left 60%)",
            "gate: green (2 items, 0 not passing)*",
        ]
    )


def test_objective_missed_fails_and_the_first_line_says_by_how_much(
    spec_dir: pytest.Pytester,
) -> None:
    write(spec_dir, slo_spec("integrity", "{below: 0.01}"))
    result = spec_dir.runpytest("--burnin", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "SLO integrity: 2% bad over 1h misses objective < 1% (budget overspent by 100%)",
            "  source: *data.om*",
            "FAILED slo_specs/slos.yaml::SLO:integrity - SLO integrity: 2% bad*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_no_data_is_an_error_never_a_pass(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, slo_spec("integrity", "{below: 0.05}", bad="no_such_metric_total"))
    result = spec_dir.runpytest("--burnin", "-rE")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*SLO:integrity: could not evaluate: slo_specs/slos.yaml:*: no data: the bad query returned no series*"
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_too_little_data_for_the_window_is_an_error(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, slo_spec("integrity", "{below: 0.05}", window="14d"))
    result = spec_dir.runpytest("--burnin")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*data covers 1% of the 14d window, below the 90% minimum*"])


def test_missing_source_file_is_an_error(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "data.om").unlink()
    write(spec_dir, slo_spec("integrity", "{below: 0.05}"))
    result = spec_dir.runpytest("--burnin")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*no such file*data.om*"])


def test_junit_report_carries_the_evidence(spec_dir: pytest.Pytester, tmp_path: Path) -> None:
    write(
        spec_dir,
        slo_spec("integrity", "{below: 0.05}") + "---\n" + slo_spec("strict", "{below: 0.01}"),
    )
    xml = tmp_path / "r.xml"
    spec_dir.runpytest("--burnin", f"--junitxml={xml}")
    cases = {case.name: case for suite in JUnitXml.fromfile(str(xml)) for case in suite}
    assert set(cases) == {"SLO:integrity", "SLO:strict", "Source:small"}
    props = properties(cases["SLO:integrity"])
    assert props["burnin.kind"] == "SLO"
    assert props["owner"] == "team-a"
    assert props["runbook"] == "docs/rb.md"
    assert props["objective"] == "< 5%"
    assert float(props["measured"]) == pytest.approx(0.02)
    assert float(props["error_budget_remaining"]) == pytest.approx(0.6)
    assert "burn_rate_1h" in props
    strict = cases["SLO:strict"]
    assert not strict.is_passed
    assert strict.result[0].message.startswith("SLO strict: 2% bad over 1h misses objective < 1%")


def test_threshold_indicator(spec_dir: pytest.Pytester) -> None:
    write(
        spec_dir,
        "apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: zero}\nspec:\n"
        "  indicator: {threshold: {query: 'sum(increase(failed_total[{{window}}]))'}}\n"
        "  objective: {at_most: 0}\n  window: 1h\n",
    )
    result = spec_dir.runpytest("--burnin", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*SLO zero: measured 120 over 1h misses objective <= 0"])


def test_runs_under_xdist(spec_dir: pytest.Pytester) -> None:
    write(
        spec_dir,
        slo_spec("integrity", "{below: 0.05}") + "---\n" + slo_spec("strict", "{below: 0.01}"),
    )
    result = spec_dir.runpytest_subprocess("--burnin", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*burn-in summary*", "FAIL  SLO strict: 2% bad over 1h misses objective*"]
    )


def test_local_source_reads_what_burnin_ingest_stored(pytester: pytest.Pytester) -> None:
    from pytest_burnin.cli import main
    from tests.conftest import SMALL_DATA

    data = pytester.path / "data.om"
    data.write_text(SMALL_DATA)
    assert (
        main(["ingest", "--store", str(pytester.path / ".burnin" / "history.sqlite"), str(data)])
        == 0
    )
    specs = pytester.mkdir("slo_specs")
    (specs / "source.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Source\nmetadata: {name: stored}\nspec: {type: local}\n"
    )
    (specs / "slos.yaml").write_text(slo_spec("integrity", "{below: 0.05}"))
    result = pytester.runpytest("--burnin", "-rA")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["PASS  SLO integrity: 2% bad over 1h, objective < 5% (budget left 60%)"]
    )
