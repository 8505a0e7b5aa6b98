"""Warning bands (pass / warning / fail) and comparison with the previous daily record."""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import JUnitXml, Properties, TestCase

from pytest_burnin.slo.compare import Previous, compare, parse_share
from pytest_burnin.store.sqlite import Store

from .test_windows_budgeting import GLUE, native, write


def properties(case: TestCase) -> dict[str, str]:
    return {p.name: p.value for props in case.iterchildren(Properties) for p in props}


def junit_case(xml: Path, name: str) -> TestCase:
    return next(c for suite in JUnitXml.fromfile(str(xml)) for c in suite if c.name == name)


WARNED = native("w", "  objective: {below: 0.05}\n  warning: {below: 0.01}\n  window: 1h\n")


def test_warning_band_shows_warn_and_the_run_passes(
    spec_dir: pytest.Pytester, tmp_path: Path
) -> None:
    write(spec_dir, WARNED)
    xml = tmp_path / "r.xml"
    result = spec_dir.runpytest("--burnin", *GLUE, f"--junitxml={xml}")
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "SLO            1 passed, 1 warning",
            "WARN  SLO w: 2% bad over 1h meets objective < 5% but not the warning band < 1%"
            " (budget left 60%)",
            "gate: green (2 items, 0 not passing)*",
        ]
    )
    props = properties(junit_case(xml, "SLO:w"))
    assert props["verdict"] == "warning"
    assert props["warning_band"] == "< 1%"


def test_inside_the_warning_band_is_a_plain_pass(spec_dir: pytest.Pytester) -> None:
    write(
        spec_dir,
        native("w", "  objective: {below: 0.05}\n  warning: {below: 0.03}\n  window: 1h\n"),
    )
    result = spec_dir.runpytest("--burnin", "-rA", *GLUE)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["PASS  SLO w: 2% bad over 1h, objective < 5% (budget left 60%)"])


def test_warning_fails_under_strict(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, WARNED)
    result = spec_dir.runpytest("--burnin", *GLUE, "--burnin-strict", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "FAIL  SLO w: 2% bad over 1h meets objective < 5% but not the warning band < 1%*",
            "gate: BLOCKED*",
        ]
    )


def _record(root: Path, day: str, name: str, value: float) -> None:
    (root / ".burnin").mkdir(exist_ok=True)
    with Store(root / ".burnin" / "history.sqlite") as store:
        store.write(
            lambda conn: conn.execute(
                "INSERT INTO daily_records (day, check_name, value, objective, verdict, recorded_at)"
                " VALUES (?, ?, ?, 'below 0.05', 'pass', '2023-11-14T23:59:00Z')",
                (day, name, value),
            )
        )


COMPARED = native(
    "cmp",
    "  objective: {below: 0.05}\n  window: 1h\n  compare: {previous: 1, max_regression: 10%}\n",
)


def test_regression_beyond_the_maximum_fails(spec_dir: pytest.Pytester) -> None:
    _record(spec_dir.path, "2023-11-13", "cmp", 0.001)
    _record(spec_dir.path, "2023-11-14", "cmp", 0.015)
    write(spec_dir, COMPARED)
    result = spec_dir.runpytest("--burnin", *GLUE, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["FAIL  SLO cmp: 2% regressed 33.3% from 1.5% on 2023-11-14, more than the 10% allowed"]
    )


def test_regression_within_the_maximum_passes(spec_dir: pytest.Pytester, tmp_path: Path) -> None:
    _record(spec_dir.path, "2023-11-14", "cmp", 0.019)
    _record(spec_dir.path, "2023-11-15", "cmp", 0.001)  # the evaluation day itself: not "previous"
    write(spec_dir, COMPARED)
    xml = tmp_path / "r.xml"
    result = spec_dir.runpytest("--burnin", *GLUE, f"--junitxml={xml}")
    result.assert_outcomes(passed=2)
    props = properties(junit_case(xml, "SLO:cmp"))
    assert props["compare_previous"] == "2023-11-14 0.019"
    assert float(props["regression"]) == pytest.approx(0.001 / 0.019)


def test_no_previous_record_passes_and_says_so(spec_dir: pytest.Pytester, tmp_path: Path) -> None:
    write(spec_dir, COMPARED)
    xml = tmp_path / "r.xml"
    result = spec_dir.runpytest("--burnin", *GLUE, f"--junitxml={xml}")
    result.assert_outcomes(passed=2)
    props = properties(junit_case(xml, "SLO:cmp"))
    assert props["compare_previous"].startswith("none: no earlier daily record of 'cmp'")


def test_compare_direction_follows_the_objective() -> None:
    assert parse_share("10%") == pytest.approx(0.1)
    assert parse_share(0.25) == 0.25
    worse_bad = compare(0.02, Previous("d", 0.01), lower_is_better=True, limit=0.5)
    assert worse_bad.regressed and worse_bad.regression == pytest.approx(1.0)
    better_good = compare(0.995, Previous("d", 0.99), lower_is_better=False, limit=0.0)
    assert not better_good.regressed
    from_zero = compare(0.01, Previous("d", 0.0), lower_is_better=True, limit=10.0)
    assert from_zero.regressed
    assert compare(0.5, None, lower_is_better=True, limit=0.1).regression is None


def test_warning_reaches_the_summary_under_xdist(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, WARNED)
    result = spec_dir.runpytest_subprocess("--burnin", *GLUE, "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["WARN  SLO w: 2% bad over 1h meets objective < 5%*"])
