"""Selection as a user types it: folders and files on the command line, -k <alert>, --collect-only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, slo_spec

RULES = """\
groups:
  - name: api
    rules:
      - alert: ApiErrors
        expr: sum(rate(errors_total[5m])) > 1
        for: 1m
        labels: {severity: ticket}
        annotations: {summary: API errors, runbook_url: "https://runbooks.example/api-errors"}
      - alert: ApiDown
        expr: up{job="api"} == 0
        labels: {severity: ticket}
        annotations: {summary: API down, runbook_url: "https://runbooks.example/api-down"}
"""

TESTS = """\
rule_files: [alerts.yaml]
evaluation_interval: 1m
tests:
  - name: errors open a ticket
    interval: 1m
    input_series:
      - {series: 'errors_total', values: '0+120x20'}
    alert_rule_test:
      - eval_time: 10m
        alertname: ApiErrors
        exp_alerts: [{exp_labels: {severity: ticket}, exp_annotations: {summary: API errors, runbook_url: "https://runbooks.example/api-errors"}}]
  - name: a scrape failure is noticed
    interval: 1m
    input_series:
      - {series: 'up{job="api"}', values: '0x5'}
    alert_rule_test:
      - eval_time: 1m
        alertname: ApiDown
        exp_alerts: [{exp_labels: {severity: ticket, job: api}, exp_annotations: {summary: API down, runbook_url: "https://runbooks.example/api-down"}}]
"""

# YAML that is no spec: a folder given on the command line holds such files too.
NOT_A_SPEC = "route: {receiver: team}\nreceivers: [{name: team}]\n"


@pytest.fixture
def rules_dir(pytester: pytest.Pytester) -> pytest.Pytester:
    """A repository's rule folder, outside any spec path, beside an Alertmanager file."""
    folder = pytester.mkdir("monitoring")
    (folder / "alerts.yaml").write_text(RULES)
    (folder / "alerts_test.yaml").write_text(TESTS)
    (folder / "alertmanager.yml").write_text(NOT_A_SPEC)
    pytester.makeini("[pytest]\n")
    return pytester


RULE_FOLDER_ITEMS = [
    "monitoring/alerts.yaml::Rule:ApiErrors",
    "monitoring/alerts.yaml::Rule:ApiDown",
    "monitoring/alerts_test.yaml::errors open a ticket",
    "monitoring/alerts_test.yaml::a scrape failure is noticed",
]


@pytest.mark.parametrize("burnin", [[], ["--burnin"]], ids=["plain", "burnin"])
def test_a_folder_given_is_collected_with_or_without_burnin(
    rules_dir: pytest.Pytester, burnin: list[str]
) -> None:
    result = rules_dir.runpytest(*burnin, "monitoring/", "-v")
    result.stdout.fnmatch_lines_random([f"{item} PASSED*" for item in RULE_FOLDER_ITEMS])
    result.assert_outcomes(passed=4)
    assert "alertmanager.yml" not in result.stdout.str()  # not a spec: left alone


def test_the_spec_folder_given_runs_without_burnin(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("integrity", "{below: 0.05}"))
    result = spec_dir.runpytest("slo_specs/", "-v")
    result.stdout.fnmatch_lines_random(
        ["*slos.yaml::SLO:integrity PASSED*", "*source.yaml::Source:small PASSED*"]
    )
    result.assert_outcomes(passed=2)


def test_yaml_among_the_python_tests_stays_test_data(rules_dir: pytest.Pytester) -> None:
    """`pytest`, `pytest .` and `pytest tests/` stay plain runs: YAML beside Python
    tests is their data, even when it looks like a rule file."""
    rules_dir.makeini("[pytest]\ntestpaths = tests\n")
    tests = rules_dir.mkdir("tests")
    shutil.copy(rules_dir.path / "monitoring" / "alerts.yaml", tests / "fixture_rules.yaml")
    (tests / "test_plain.py").write_text("def test_ok():\n    pass\n")
    for args in ([], ["tests/"], ["."]):
        result = rules_dir.runpytest(*args, "-q", "-p", "no:cacheprovider")
        assert "fixture_rules" not in result.stdout.str(), args
        result.assert_outcomes(passed=1)


def test_burnin_with_the_project_root_collects_only_the_spec_paths(
    spec_dir: pytest.Pytester,
) -> None:
    (spec_dir.path / "ci.yml").write_text("jobs: {test: {runs-on: ubuntu}}\n")
    (spec_dir.path / "rules.yaml").write_text(RULES)
    result = spec_dir.runpytest("--burnin", ".", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["slo_specs/source.yaml::Source:small", "1 test collected*"])


def test_a_named_promtool_file_selects_its_groups_by_alert(rules_dir: pytest.Pytester) -> None:
    result = rules_dir.runpytest("monitoring/alerts_test.yaml", "-k", "ApiDown", "-v")
    result.stdout.fnmatch_lines(["*alerts_test.yaml::a scrape failure is noticed PASSED*"])
    result.assert_outcomes(passed=1, deselected=1)


@pytest.fixture
def example(pytester: pytest.Pytester) -> pytest.Pytester:
    """The shipped example project's specs (rules, tests, simulations, routing)."""
    shutil.copytree(REPO / "slo_specs", pytester.path / "slo_specs")
    pytester.makeini("[pytest]\n")
    return pytester


def test_k_alert_selects_every_item_about_that_alert(example: pytest.Pytester) -> None:
    result = example.runpytest("--burnin", "-k", "IntegrityRateHigh", "--collect-only", "-q")
    out = result.stdout.str()
    for item in (
        "slo_specs/alerts.yaml::Rule:IntegrityRateHigh",  # its lint
        "slo_specs/alerts_test.yaml::integrity breach pages",  # the promtool group testing it
        "slo_specs/simulations.yaml::Simulation:integrity-breach-pages-in-time",  # fires it
        "slo_specs/simulations.yaml::Simulation:healthy-traffic-stays-quiet",  # expects it silent
        "slo_specs/routing.yaml::Notify:IntegrityRateHigh",  # its time to notify
        "slo_specs/routing.yaml::Routing:ingest-alertmanager:integrity-page-reaches-ingest-oncall-and-pager",
    ):
        assert item in out, f"{item} not selected:\n{out}"
    for item in (
        "Rule:PrivacyViolation",
        "one privacy violation pages",
        "Simulation:privacy-violation-pages-in-time",
        "Notify:PrivacyViolation",
        "SLO:integrity",
    ):
        assert f"::{item}\n" not in out, f"{item} selected by -k IntegrityRateHigh:\n{out}"


def test_collect_only_says_nothing_misleading(example: pytest.Pytester) -> None:
    result = example.runpytest("--burnin", "--collect-only", "-q")
    out = result.stdout.str()
    assert "no burn-in items ran" not in out
    assert "burn-in summary" not in out
    result.stdout.fnmatch_lines(["* tests collected in *"])
    assert result.ret == 0


def test_a_folder_given_skips_what_pytest_does_not_recurse_into(tmp_path: Path) -> None:
    """Hidden folders, virtualenvs and norecursedirs (node_modules...) are never read."""
    from pytest_burnin.selection import specs_in_folder

    (tmp_path / "alerts.yaml").write_text(RULES)
    (tmp_path / "alerts_test.yaml").write_text(TESTS)
    (tmp_path / "alertmanager.yml").write_text(NOT_A_SPEC)
    for skipped in (".cache", "node_modules/pkg", "env"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "rules.yaml").write_text(RULES)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    found = specs_in_folder(tmp_path, (), (), ["node_modules"])
    assert [p.name for p in found] == ["alerts.yaml", "alerts_test.yaml"]
