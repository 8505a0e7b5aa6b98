"""The metrics sanity check: scrape, parse, required series from the ASTs, promtool lint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_burnin.report.metricscheck import (
    missing_series,
    promtool_problems,
    rule_exprs,
    sample_names,
    selector_names,
)
from pytest_burnin.report.serve import MetricsServer
from tests.conftest import slo_spec

ROOT = Path(__file__).resolve().parents[2]
CLEAN = (
    "# HELP checked_total Checked.\n# TYPE checked_total counter\nchecked_total 5\n"
    "# HELP failed_total Failed.\n# TYPE failed_total counter\nfailed_total 1\n"
)
needs_promtool = pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool not installed"
)


def test_selector_names_walk_the_whole_ast() -> None:
    expr = 'sum(rate(a_total[5m])) / on() group_left b + {__name__="c"} or max_over_time(d[1h:5m])'
    assert selector_names(expr) == {"a_total", "b", "c", "d"}
    deep = " + ".join(f"m{i}" for i in range(400))  # iterative walk: no recursion limit
    assert len(selector_names(deep)) == 400


def test_sample_names_both_formats() -> None:
    assert sample_names(CLEAN) == {"checked_total", "failed_total"}
    om = "# TYPE x counter\nx_total 1 1700000000\n# EOF\n"
    assert sample_names(om) == {"x_total"}
    with pytest.raises(ValueError):
        sample_names("this is { not metrics\n")


def test_example_rules_find_their_series_in_the_example_data() -> None:
    exprs, recorded = rule_exprs(ROOT / "slo_specs" / "alerts.yaml")
    assert "ingest:integrity_failure_ratio:rate30m" in recorded
    exposed = sample_names((ROOT / "slo_specs" / "data" / "ingest.om").read_text())
    assert missing_series(exprs, exposed, recorded) == {}
    assert missing_series(exprs, exposed - {"ingest_runs_total"}, recorded) == {
        "ingest_runs_total": ["alerts.yaml: IngestionFailures"]
    }


@needs_promtool
def test_promtool_finds_lint_problems() -> None:
    assert promtool_problems(CLEAN) == []
    problems = promtool_problems("# TYPE bad_counter counter\nbad_counter 1\n")
    assert problems and any("bad_counter" in p for p in problems)


def _check(name: str, url: str, extra: str = "") -> str:
    return (
        f"apiVersion: burnin/v1\nkind: MetricsCheck\nmetadata: {{name: {name}}}\n"
        f"spec: {{url: '{url}', timeout: 5{extra}}}\n"
    )


def test_scrape_an_endpoint(spec_dir: pytest.Pytester) -> None:
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(slo_spec("errors", "{below: 0.05}"))
    lint = "# HELP checked_total c\n# TYPE checked_total counter\nchecked_total 5\nfailed_total 1\n"
    good = MetricsServer(0, CLEAN.encode).start()
    noisy = MetricsServer(0, lint.encode).start()
    try:
        from tests.integration.prom import free_port

        (specs / "check.yaml").write_text(
            "---\n".join(
                [
                    _check("good", f"{good.url}/metrics"),
                    _check("noisy", f"{noisy.url}/metrics"),
                    _check("down", f"http://127.0.0.1:{free_port()}/metrics"),
                    _check("not-found", f"{good.url}/nothing-here"),
                ]
            )
        )
        result = spec_dir.runpytest("--burnin", "-m", "burnin_metricscheck", "-rA")
    finally:
        good.stop()
        noisy.stop()
    result.stdout.fnmatch_lines_random(
        [
            "PASS  MetricsCheck good: http://127.0.0.1:*/metrics parses, 2 series, all 2 queries' series present, promtool *",
            "ERROR MetricsCheck:down: could not evaluate: *cannot scrape http://127.0.0.1:*",
            "ERROR MetricsCheck:not-found: could not evaluate: *404*",
        ]
    )
    if shutil.which("promtool"):
        result.stdout.fnmatch_lines(["FAIL  MetricsCheck noisy: promtool check metrics: *"])
        result.assert_outcomes(passed=1, failed=1, errors=2)
