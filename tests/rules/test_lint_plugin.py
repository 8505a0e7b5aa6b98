"""Rule lint as a user sees it: defaults, ini, Lint specs per glob, ``# burnin:`` comments."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

# A rule file as public repositories write them: no runbook, a paging alert without `for`.
PUBLIC = """\
groups:
  - name: node
    rules:
      - alert: NodeDown
        expr: up{job="node"} == 0
        labels: {severity: critical}
        annotations: {summary: "{{ $labels.instance }} is down"}
      - alert: DiskFull
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
        for: 10m
        labels: {severity: warning}
        annotations: {summary: "disk almost full"}
"""

STRICT = "runbook-url:error severity-label:error remediation:error for-duration:error"


def _write(pytester: pytest.Pytester, rel: str, text: str) -> None:
    path = pytester.path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_defaults_accept_a_public_rule_file_and_show_its_warning(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester, "slo_specs/node.yaml", PUBLIC)
    result = pytester.runpytest("--burnin", "-rA", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    for line in (
        "Rule * 2 passed, 1 warning",
        "WARN  Rule NodeDown: gate checks pass; not exercised by any test; 1 lint warning: "
        "severity critical alert without 'for:' *[[]for-duration]",
        "PASS  Rule DiskFull: gate checks pass; not exercised by any test",
    ):
        result.stdout.fnmatch_lines([line])
    # --burnin-strict makes a warning fail, as it does for SLO warning bands.
    strict = pytester.runpytest("--burnin", "--burnin-strict", "-p", "no:randomly")
    strict.assert_outcomes(passed=1, failed=1)


def test_the_ini_option_turns_checks_on_for_the_project(pytester: pytest.Pytester) -> None:
    _write(pytester, "slo_specs/node.yaml", PUBLIC)
    pytester.makeini(f"[pytest]\nburnin_lint = {STRICT}\n")
    result = pytester.runpytest("--burnin", "-rf", "-p", "no:randomly")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "Rule NodeDown: 2 gate problems: no runbook_url annotation * [[]runbook-url]",
            "  severity critical alert without 'for:' * [[]for-duration]",
            "slo_specs/node.yaml:4",
            "Rule DiskFull: 1 gate problem: no runbook_url annotation * [[]runbook-url]",
            "slo_specs/node.yaml:8",
        ]
    )


def test_an_unknown_check_in_the_ini_file_is_an_error_at_its_line(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester, "slo_specs/node.yaml", PUBLIC)
    pytester.makeini("[pytest]\naddopts = -p no:randomly\nburnin_lint = runbook:error\n")
    result = pytester.runpytest("--burnin")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*tox.ini:3: burnin_lint unknown lint check 'runbook'*"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_comments_disable_a_check_for_one_rule_or_the_whole_file(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(f"[pytest]\nburnin_lint = {STRICT}\n")
    _write(
        pytester,
        "slo_specs/node.yaml",
        "# burnin: file/disable=runbook-url\n"
        + PUBLIC.replace(
            "      - alert: NodeDown\n",
            "      # up == 0 pages at once on purpose: a dead node is dead.\n"
            "      # burnin: disable=for-duration\n"
            "      - alert: NodeDown\n",
        ),
    )
    result = pytester.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    # Without the rule's comment, only that check comes back, for that rule only.
    text = (pytester.path / "slo_specs/node.yaml").read_text()
    _write(
        pytester, "slo_specs/node.yaml", text.replace("      # burnin: disable=for-duration\n", "")
    )
    result = pytester.runpytest("--burnin", "-rf", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["Rule NodeDown: 1 gate problem: severity critical alert without*"])


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# burnin: disable=runbook", "*node.yaml:4*unknown lint check 'runbook'*"),
        ("# burnin: skip", "*node.yaml:4*cannot read '# burnin: skip'*"),
    ],
)
def test_a_bad_comment_is_a_collection_error_naming_file_and_line(
    pytester: pytest.Pytester, comment: str, expected: str
) -> None:
    _write(
        pytester,
        "slo_specs/node.yaml",
        PUBLIC.replace("      - alert: NodeDown\n", f"      {comment}\n      - alert: NodeDown\n"),
    )
    result = pytester.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([expected])
    assert "Traceback" not in result.stdout.str()


def test_a_disable_comment_above_no_alert_is_an_error(pytester: pytest.Pytester) -> None:
    _write(pytester, "slo_specs/node.yaml", "# burnin: disable=runbook-url\n\n" + PUBLIC)
    result = pytester.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*node.yaml:1*'# burnin: disable=' applies to no alerting rule here*"]
    )


LINT_SPEC = """\
apiVersion: burnin/v1
kind: Lint
metadata: {name: gate}
spec:
  checks: {for-duration: "off"}
  paths:
    - glob: slo_specs/ours/*.yaml
      checks: {runbook-url: error, for-duration: error}
"""


def test_a_lint_spec_is_strict_for_some_paths_only(pytester: pytest.Pytester) -> None:
    _write(pytester, "slo_specs/lint.yaml", LINT_SPEC)
    _write(pytester, "slo_specs/ours/node.yaml", PUBLIC)
    _write(pytester, "slo_specs/vendored/node.yaml", PUBLIC.replace("name: node", "name: v"))
    result = pytester.runpytest("--burnin", "-v", "-rf", "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=2)
    out = result.stdout.str()
    assert "FAILED slo_specs/ours/node.yaml::Rule:NodeDown" in out
    assert "FAILED slo_specs/ours/node.yaml::Rule:DiskFull" in out
    assert "vendored/node.yaml::Rule" not in out.split("short test summary info")[1]
    # for-duration is off project-wide by the spec, so the vendored copy does not even warn.
    assert "WARN" not in out
    result.stdout.fnmatch_lines(
        ["PASS  Lint gate: applies to 2 rule files (slo_specs/ours/*.yaml: 1 rule file)"]
    )


def test_a_glob_that_matches_no_rule_file_fails_the_lint_item(pytester: pytest.Pytester) -> None:
    _write(pytester, "slo_specs/lint.yaml", LINT_SPEC.replace("ours/*.yaml", "our/*.yaml"))
    _write(pytester, "slo_specs/ours/node.yaml", PUBLIC)
    result = pytester.runpytest("--burnin", "-rf", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "Lint gate: 1 glob matches no rule file: slo_specs/lint.yaml:7: "
            "glob 'slo_specs/our/[*].yaml'",
            "  rule files (relative to the rootdir): slo_specs/ours/node.yaml",
        ]
    )


def test_an_unknown_check_in_a_lint_spec_is_an_error_at_its_line(
    pytester: pytest.Pytester,
) -> None:
    _write(
        pytester, "slo_specs/lint.yaml", LINT_SPEC.replace("runbook-url: error", "runbok: error")
    )
    _write(pytester, "slo_specs/node.yaml", PUBLIC)
    result = pytester.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*slo_specs/lint.yaml:8*runbok*"])
    assert "Traceback" not in result.stdout.str()


def test_rule_files_with_yaml_merge_keys_are_read_as_prometheus_reads_them(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\nburnin_lint = severity-label:error\n")
    _write(
        pytester,
        "slo_specs/merged.yaml",
        "groups:\n  - name: g\n    rules:\n"
        "      - alert: Paged\n        expr: up == 0\n        for: 5m\n"
        "        labels: &page {severity: page, team: sre}\n"
        "      - alert: AlsoPaged\n        expr: up == 0\n        for: 5m\n"
        "        labels:\n          <<: *page\n          team: web\n"
        "      - alert: Unlabelled\n        expr: up == 0\n        labels: {team: web}\n",
    )
    result = pytester.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["Rule Unlabelled: 1 gate problem: no severity label*"])


def test_junit_carries_the_warning_and_what_comments_disabled(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        "slo_specs/node.yaml",
        PUBLIC.replace(
            "      - alert: DiskFull\n",
            "      # burnin: disable=remediation\n      - alert: DiskFull\n",
        ),
    )
    pytester.runpytest("--burnin", "--junitxml=out.xml", "-p", "no:randomly").assert_outcomes(
        passed=2
    )
    cases = {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in ET.parse(pytester.path / "out.xml").getroot().iter("testcase")
    }
    node, disk = cases["Rule:NodeDown"], cases["Rule:DiskFull"]
    assert node["verdict"] == "warning"
    assert node["lint_warnings"].endswith("(a single bad sample would page) [for-duration]")
    assert "lint_disabled" not in node
    assert disk["lint_disabled"] == "remediation"
    assert "verdict" not in disk


REPO = Path(__file__).resolve().parents[2]


def test_the_example_keeps_its_gate_checks_on_for_its_own_rules(
    pytester: pytest.Pytester,
) -> None:
    specs = pytester.mkdir("slo_specs")
    shutil.copy(REPO / "slo_specs" / "lint.yaml", specs / "lint.yaml")
    shutil.copytree(REPO / "docs" / "runbooks", pytester.path / "docs" / "runbooks")
    alerts = (REPO / "slo_specs" / "alerts.yaml").read_text()
    (specs / "alerts.yaml").write_text(alerts)
    pytester.runpytest("--burnin", "-p", "no:randomly").assert_outcomes(passed=4)
    # The same file without one runbook fails there, where the defaults would pass it.
    line = "          runbook_url: docs/runbooks/integrity-rate-high.md\n"
    assert line in alerts
    (specs / "alerts.yaml").write_text(alerts.replace(line, ""))
    result = pytester.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["Rule IntegrityRateHigh: 1 gate problem: no runbook_url*"])
