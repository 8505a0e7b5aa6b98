"""The pytest side: the latest-run snapshot and the --burnin-* outputs after a run."""

from __future__ import annotations

import json

import pytest

from tests.conftest import slo_spec

# Other kinds may add items per SLO (generated alert rules): count only these.
ONLY = ("-m", "burnin_slo or burnin_source")


def test_run_writes_snapshot_html_and_textfile(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(
        slo_spec("errors", "{below: 0.05}") + "---\n" + slo_spec("strict", "{below: 0.001}")
    )
    result = spec_dir.runpytest(
        "--burnin", *ONLY, "--burnin-html=out/report.html", "--burnin-textfile=out/burnin.prom"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["burn-in HTML report: *report.html", "burn-in metrics textfile: *"]
    )
    snap = json.loads((spec_dir.path / ".burnin" / "last_run.json").read_text())
    by_name = {i["name"]: i for i in snap["items"]}
    assert by_name["errors"]["outcome"] == "passed"
    assert by_name["strict"]["outcome"] == "failed"
    assert by_name["errors"]["objective_op"] == "below"
    assert float(by_name["errors"]["properties"]["measured"]) == pytest.approx(0.02)
    prom = (spec_dir.path / "out" / "burnin.prom").read_text()
    assert 'burnin_slo_indicator{slo="errors"} 0.02' in prom
    assert 'burnin_item_status{kind="SLO",name="strict",outcome="failed"} 1.0' in prom
    html = (spec_dir.path / "out" / "report.html").read_text()
    assert html.count('<svg class="chart"') >= 4  # indicator + budget per SLO, and the calendar
    assert "SLO strict" in html


def test_unreachable_pushgateway_is_reported_not_raised(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("errors", "{below: 0.05}"))
    from tests.integration.prom import free_port

    url = f"http://127.0.0.1:{free_port()}"
    result = spec_dir.runpytest("--burnin", *ONLY, f"--burnin-pushgateway={url}")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"burn-in metrics NOT pushed to {url}: *"])


def test_plain_pytest_writes_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(): pass")
    pytester.runpytest().assert_outcomes(passed=1)
    assert not (pytester.path / ".burnin").exists()


def test_metricscheck_kind_over_a_file(spec_dir: pytest.Pytester) -> None:
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(slo_spec("errors", "{below: 0.05}"))
    (specs / "rules.yaml").write_text(
        "groups:\n- name: g\n  rules:\n"
        "  - record: job:failed:rate5m\n    expr: sum(rate(failed_total[5m]))\n"
        "  - alert: Failing\n    expr: job:failed:rate5m > 0 and on() absent_metric_here\n"
    )
    (specs / "scrape.prom").write_text(
        "# HELP checked_total Checked.\n# TYPE checked_total counter\nchecked_total 5\n"
        "# HELP failed_total Failed.\n# TYPE failed_total counter\nfailed_total 1\n"
    )
    (specs / "check.yaml").write_text(
        "apiVersion: burnin/v1\nkind: MetricsCheck\nmetadata: {name: scrape}\n"
        "spec: {file: scrape.prom, rules: [rules.yaml]}\n"
        "---\n"
        "apiVersion: burnin/v1\nkind: MetricsCheck\nmetadata: {name: scrape-ignoring}\n"
        "spec: {file: scrape.prom, rules: [rules.yaml], ignore: [absent_metric_here], promtool: 'off'}\n"
    )
    result = spec_dir.runpytest("--burnin", "-m", "burnin_metricscheck", "-rA")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*MetricsCheck scrape: 1 series used by rules/SLOs missing from scrape.prom: absent_metric_here*"
        ]
    )


def test_metricscheck_schema_error_names_the_line(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "check.yaml").write_text(
        "apiVersion: burnin/v1\nkind: MetricsCheck\nmetadata: {name: bad}\nspec: {url: ftp://x}\n"
    )
    result = spec_dir.runpytest("--burnin")
    result.stdout.fnmatch_lines(["*check.yaml:4:*"])
    assert result.ret != 0


def test_under_xdist_the_controller_still_has_objectives_and_charts(
    spec_dir: pytest.Pytester,
) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("errors", "{below: 0.05}"))
    result = spec_dir.runpytest_subprocess(
        "--burnin", *ONLY, "-n", "2", "--burnin-html=report.html"
    )
    result.assert_outcomes(passed=2)
    snap = json.loads((spec_dir.path / ".burnin" / "last_run.json").read_text())
    (slo,) = [i for i in snap["items"] if i["kind"] == "SLO"]
    assert (slo["objective_op"], slo["objective_value"]) == ("below", 0.05)
    assert "measured" in slo["properties"]
    assert "errors: indicator vs objective" in (spec_dir.path / "report.html").read_text()


def test_unwritable_output_is_reported_and_the_others_still_written(
    spec_dir: pytest.Pytester,
) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("errors", "{below: 0.05}"))
    (spec_dir.path / "blocker").write_text("a file where a folder is needed")
    result = spec_dir.runpytest(
        "--burnin", *ONLY, "--burnin-html=blocker/report.html", "--burnin-textfile=burnin.prom"
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "burn-in HTML report NOT written to *blocker*report.html: *",
            "burn-in metrics textfile: *",
        ]
    )
    assert (spec_dir.path / "burnin.prom").is_file()
