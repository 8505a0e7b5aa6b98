"""Non-finite evidence (+Inf, -Inf, NaN) is could-not-evaluate, never a pass (issue 12, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_windows_budgeting import GLUE

START = 1_700_000_000


def counter(name: str, values: list[str]) -> str:
    rows = [f"# TYPE {name} counter\n"]
    rows += [f'{name}_total{{job="x"}} {v} {START + i * 60}\n' for i, v in enumerate(values)]
    return "".join(rows)


def gauge(name: str, values: list[str]) -> str:
    rows = [f"# TYPE {name} gauge\n"]
    rows += [f'{name}{{job="x"}} {v} {START + i * 60}\n' for i, v in enumerate(values)]
    return "".join(rows)


def project(p: pytest.Pytester, data: str, slo: str) -> None:
    specs = p.mkdir("slo_specs")
    (specs / "data.om").write_text(data + "# EOF\n")
    (specs / "source.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Source\nmetadata: {name: small}\n"
        "spec: {type: file, path: data.om}\n"
    )
    (specs / "slo.yaml").write_text(
        "apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: s}\nspec:\n" + slo
    )


RATIO = (
    "  indicator:\n    ratio:\n"
    "      bad: sum(increase(failed_total[{{window}}]))\n"
    "      total: sum(increase(checked_total[{{window}}]))\n"
    "  objective: {below: 0.01}\n  window: 1h\n"
)


def threshold(query: str, objective: str) -> str:
    return (
        f"  indicator:\n    threshold:\n      query: {query}\n"
        f"  objective: {{{objective}}}\n  window: 1h\n"
    )


def assert_could_not_evaluate(result: pytest.RunResult, what: str) -> None:
    result.assert_outcomes(passed=1, errors=1)  # the Source passes; the SLO is an error
    out = result.stdout.str()
    assert "PASS  SLO s" not in out and "budget left" not in out
    result.stdout.fnmatch_lines([f"*SLO*s*{what}*not evidence*"])


def test_a_total_counter_with_inf_and_half_errors_is_not_0_percent_bad(
    pytester: pytest.Pytester,
) -> None:
    checked = [str(i * 100) for i in range(120)] + ["+Inf"]
    failed = [str(i * 50) for i in range(121)]  # 50% of records bad
    project(pytester, counter("checked", checked) + counter("failed", failed), RATIO)
    result = pytester.runpytest("--burnin", *GLUE)
    assert_could_not_evaluate(result, "total query returned inf")


def test_plus_inf_does_not_pass_at_least(pytester: pytest.Pytester) -> None:
    project(
        pytester, gauge("speed", ["1"] * 120 + ["+Inf"]), threshold("max(speed)", "at_least: 5")
    )
    assert_could_not_evaluate(pytester.runpytest("--burnin", *GLUE), "query returned inf")


def test_minus_inf_does_not_pass_at_most(pytester: pytest.Pytester) -> None:
    project(pytester, gauge("lag", ["9"] * 120 + ["-Inf"]), threshold("min(lag)", "at_most: 5"))
    assert_could_not_evaluate(pytester.runpytest("--burnin", *GLUE), "query returned -inf")


def test_a_nan_indicator_is_not_an_objective_missed(pytester: pytest.Pytester) -> None:
    project(pytester, gauge("lag", ["1"] * 120 + ["NaN"]), threshold("max(lag)", "at_most: 5"))
    result = pytester.runpytest("--burnin", *GLUE)
    assert_could_not_evaluate(result, "query returned nan")
    assert "misses objective" not in result.stdout.str()


def test_an_infinite_burn_rate_window_is_not_evidence(pytester: pytest.Pytester) -> None:
    # The 1h window holds only finite samples of bad; the last hour's total has +Inf.
    checked = [str(i * 100) for i in range(120)] + ["+Inf"]
    failed = ["0"] * 121
    project(
        pytester,
        counter("checked", checked) + counter("failed", failed),
        RATIO.replace("window: 1h", "window: 2h\n  min_coverage: 0.5"),
    )
    assert_could_not_evaluate(pytester.runpytest("--burnin", *GLUE), "total query returned inf")


@pytest.mark.parametrize(
    ("objective", "says"),
    [
        ("below: 1.5", "objective.below: 1.5 always holds for a ratio"),
        ("above: 1", "objective.above: 1 never holds for a ratio"),
        ("below: 0", "objective.below: 0 never holds for a ratio"),
        ("at_least: -0.2", "objective.at_least: -0.2 always holds for a ratio"),
        ("below: .inf", "objective.below: inf is not a finite number"),
    ],
)
def test_a_ratio_objective_outside_0_1_is_refused_with_its_line(
    pytester: pytest.Pytester, objective: str, says: str
) -> None:
    data = counter("checked", ["1"]) + counter("failed", ["0"])
    project(pytester, data, RATIO.replace("below: 0.01", objective))
    result = pytester.runpytest("--burnin", *GLUE)
    assert result.ret != 0
    result.stdout.fnmatch_lines([f"*slo.yaml:9:*{says}**"])
    assert "Traceback" not in result.stdout.str()


def test_an_infinite_threshold_bound_is_refused(pytester: pytest.Pytester) -> None:
    project(pytester, gauge("lag", ["1"]), threshold("max(lag)", "at_most: .inf"))
    result = pytester.runpytest("--burnin", *GLUE)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*slo.yaml:*objective.at_most: inf is not a finite number*"])


def test_burnin_validate_refuses_a_ratio_bound_of_1_5_as_the_run_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pytest_burnin.cli import main

    spec = tmp_path / "slo.yaml"
    spec.write_text(
        "apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: s}\nspec:\n"
        + RATIO.replace("below: 0.01", "below: 1.5")
    )
    assert main(["validate", str(spec)]) == 1
    out = capsys.readouterr()
    assert "slo.yaml:9:15: objective.below: 1.5 always holds for a ratio" in out.out + out.err
