"""The JUnit report read back as CI test viewers display it (issue 14, item 6).

What each viewer shows of a ``<testcase>``, modelled from their documented parsers:

- Jenkins (junit plugin, ``CaseResult``): ``classname`` split at the last dot
  into package and class; the case's ``name``; "Error Message" = the failure's
  ``message``, "Stacktrace" = its text; "Standard Output" = ``<system-out>``,
  for passing cases too, but by default (stdio retention NONE) cut to its
  first and last 500 characters (50,000 for a failing case): so the headline
  comes first.
- GitLab (unit test report): ``classname`` and ``name``; for a failed, errored
  or skipped case the element's text as its details; nothing else.
- GitHub report actions (dorny/test-reporter, mikepenz/action-junit-report,
  EnricoMi/publish-unit-test-result-action, which itself reads with
  junitparser): ``classname`` and ``name``, the failure ``message`` as the
  annotation title and its text as the body; ``<system-out>`` as the output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Properties, Skipped, TestCase

from tests.conftest import slo_spec

RULES = """\
groups:
  - name: g
    rules:
      - alert: HighErrors
        expr: failed_total > 5
        for: 1m
        labels: {severity: page}
        annotations:
          summary: "errors at {{ $value }}"
          runbook_url: https://runbooks.example.test/high-errors
"""

TESTS = """\
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - name: fires
    interval: 1m
    input_series:
      - series: failed_total{job="a"}
        values: 10x5
    alert_rule_test:
      - eval_time: 2m
        alertname: HighErrors
        exp_alerts:
          - exp_labels: {severity: page, job: a}
            exp_annotations:
              summary: "errors at 11"
              runbook_url: https://runbooks.example.test/high-errors
  - name: quiet
    interval: 1m
    input_series:
      - series: failed_total{job="a"}
        values: 0x5
    alert_rule_test:
      - eval_time: 2m
        alertname: HighErrors
"""
CHECKLIST = """\
apiVersion: burnin/v1
kind: Checklist
metadata: {name: ga}
spec:
  title: GA
  items:
    - name: release-manager
      title: The release manager signs.
      signoff: {role: release-manager}
"""

NO_DATA = """\
apiVersion: burnin/v1
kind: SLO
metadata: {name: nodata}
spec:
  indicator:
    ratio:
      bad: sum(increase(nothing_total[{{window}}]))
      total: sum(increase(nothing_total[{{window}}]))
  objective: {below: 0.01}
  window: 1h
"""


def jenkins_stdio(text: str, failing: bool) -> str:
    """What Jenkins keeps of a case's output by default (``possiblyTrimStdio``)."""
    half = 50_000 if failing else 500
    if len(text) <= 2 * half:
        return text
    return f"{text[:half]}\n...[truncated {len(text) - 2 * half} chars]...\n{text[-half:]}"


def jenkins(case: TestCase) -> dict[str, str]:
    package, _, cls = case.classname.rpartition(".")
    result = case.result[0] if case.result else None
    failing = isinstance(result, (Failure, Error))
    return {
        "package": package,
        "class": cls,
        "name": case.name,
        "error_message": (result.message or "") if result else "",
        "stacktrace": (result.text or "") if result else "",
        "stdout": jenkins_stdio(case.system_out or "", failing),
    }


def gitlab(case: TestCase) -> dict[str, str]:
    result = case.result[0] if case.result else None
    return {
        "suite": case.classname,
        "name": case.name,
        "details": (result.text or "") if result else "",
    }


def properties(case: TestCase) -> list[tuple[str, str]]:
    return [(p.name, p.value) for props in case.iterchildren(Properties) for p in props]


@pytest.fixture
def report(spec_dir: pytest.Pytester, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(
        slo_spec("ok", "{below: 0.05}") + "---\n" + slo_spec("missed", "{below: 0.005}")
    )
    (specs / "nodata.yaml").write_text(NO_DATA)
    (specs / "rules.yaml").write_text(RULES)
    (specs / "alerts_test.yaml").write_text(TESTS)
    (specs / "checklist.yaml").write_text(CHECKLIST)  # a pending sign-off: a skipped case
    xml = tmp_path / "report.xml"
    args = ["--burnin", "-p", "no:randomly", f"--junitxml={xml}", *request.param]
    spec_dir.runpytest(*args).assert_outcomes(passed=4, failed=2, errors=1, skipped=1)
    return xml


ARGS = [pytest.param([], id="one-process"), pytest.param(["-n", "2"], id="xdist")]


def cases(xml: Path) -> dict[str, TestCase]:
    return {case.name: case for suite in JUnitXml.fromfile(str(xml)) for case in suite}


@pytest.mark.parametrize("report", ARGS, indirect=True)
def test_jenkins_shows_file_as_package_kind_as_class_and_evidence_as_output(
    report: Path,
) -> None:
    by_name = cases(report)
    ok = jenkins(by_name["SLO:ok"])
    assert (ok["package"], ok["class"], ok["name"]) == ("slo_specs/slos.yaml", "SLO", "SLO:ok")
    # A passing case: the headline, where it is, then the evidence.
    stdout = ok["stdout"].splitlines()
    assert stdout[:2] == [
        "SLO ok: 2% bad over 1h, objective < 5% (budget left 60%)",
        "at slo_specs/slos.yaml:1",
    ]
    assert "objective: < 5%" in stdout
    assert "error_budget_remaining: 0.6000000000000001" in stdout
    assert "owner: team-a" in stdout
    # A failing case: the message is the headline, the output too, pointing at the objective.
    missed = jenkins(by_name["SLO:missed"])
    headline = "SLO missed: 2% bad over 1h misses objective < 0.5% (budget overspent by 300%)"
    assert missed["error_message"] == headline
    assert missed["stdout"].splitlines()[:2] == [headline, "at slo_specs/slos.yaml:20"]
    assert "measured: 0.02" in missed["stdout"].splitlines()
    assert missed["stacktrace"].splitlines()[-1] == "slo_specs/slos.yaml:20"
    # promtool test groups: class PromtoolTest, the failure names the differing field.
    fires = jenkins(by_name["fires"])
    assert (fires["package"], fires["class"]) == ("slo_specs/alerts_test.yaml", "PromtoolTest")
    assert fires["error_message"] == (
        "promtool test fires: 1 failure: alert HighErrors at 2m: "
        'annotations.summary: expected "errors at 11", got "errors at 10"'
    )
    assert fires["stdout"].splitlines()[:2] == [
        fires["error_message"],
        "at slo_specs/alerts_test.yaml:10",
    ]
    quiet = jenkins(by_name["quiet"])
    assert quiet["stdout"].startswith("promtool test quiet: 1 assertions passed\n")
    lint = jenkins(by_name["Rule:HighErrors"])
    assert (lint["package"], lint["class"]) == ("slo_specs/rules.yaml", "Rule")


@pytest.mark.parametrize("report", ARGS[:1], indirect=True)
def test_an_error_shows_its_headline_not_pytests_setup_wording(report: Path) -> None:
    case = cases(report)["SLO:nodata"]
    assert isinstance(case.result[0], Error)
    message = case.result[0].message or ""
    assert message.startswith("SLO:nodata: could not evaluate: ")
    assert "failed on setup" not in message
    assert jenkins(case)["stdout"].startswith(message + "\n")


@pytest.mark.parametrize("report", ARGS[:1], indirect=True)
def test_gitlab_and_github_show_the_story_of_each_failure(report: Path) -> None:
    by_name = cases(report)
    for name in ("SLO:missed", "fires", "SLO:nodata"):
        case = by_name[name]
        shown = gitlab(case)
        assert "/" in shown["suite"] and "." in shown["suite"]
        result = case.result[0]
        assert isinstance(result, (Failure, Error))
        # The annotation title (message) is the first line of the details.
        assert (result.text or "").splitlines()[0] == result.message
    details = gitlab(by_name["fires"])["details"].splitlines()
    assert details[:3] == [
        by_name["fires"].result[0].message,
        "  at slo_specs/alerts_test.yaml:10",
        '  annotations.summary: expected "errors at 11", got "errors at 10"',
    ]
    # promtool's own exp/got block is kept below the named field.
    assert any("exp:[" in line for line in details)
    assert any("got:[" in line for line in details)


@pytest.mark.parametrize("report", ARGS[:1], indirect=True)
def test_a_skipped_case_shows_why_in_its_output_and_details(report: Path) -> None:
    case = cases(report)["Checklist:ga/release-manager"]
    assert isinstance(case.result[0], Skipped)
    reason = "pending sign-off by a release-manager"
    assert reason in gitlab(case)["details"]
    stdout = jenkins(case)["stdout"].splitlines()
    assert stdout[0].startswith(
        "Checklist ga/release-manager: pending sign-off by a release-manager"
    )
    assert stdout[1] == "at slo_specs/checklist.yaml:7"  # its "- name:" line


@pytest.mark.parametrize("report", ARGS[:1], indirect=True)
def test_no_property_is_written_twice(report: Path) -> None:
    for name, case in cases(report).items():
        names = [n for n, _ in properties(case)]
        assert len(names) == len(set(names)), name
        assert "window" in names or not name.startswith("SLO:ok")
