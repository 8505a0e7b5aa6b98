"""Checklist items in a pytest run: pending vs release mode, the gate, JUnit, hooks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from junitparser import JUnitXml

from pytest_burnin.release.commands import record_signoff
from pytest_burnin.release.kind import load_items
from tests.conftest import slo_spec
from tests.plugin.test_outcomes import properties

from .helpers import as_person, commit_all, git, init_repo

CHECKLIST = """\
apiVersion: burnin/v1
kind: Checklist
metadata: {{name: ga, owner: team-a}}
spec:
  items:
{items}
"""

RUNBOOK = "    - {name: runbook, check: {type: file, path: docs/rb.md}}"
SIGNOFF = "    - {name: owner, signoff: {role: service-owner}}"


def checklist(p: pytest.Pytester, *items: str, name: str = "checklist.yaml") -> Path:
    path = p.path / "slo_specs" / name
    path.write_text(CHECKLIST.format(items="\n".join(items)))
    return path


def outcomes(result: pytest.RunResult) -> dict[str, int]:
    """Outcomes of the selected items (how many others exist is not these tests' business)."""
    return {k: v for k, v in result.parseoutcomes().items() if k != "deselected"}


@pytest.fixture
def project(spec_dir: pytest.Pytester) -> pytest.Pytester:
    (spec_dir.path / "slo_specs" / "docs").mkdir()
    (spec_dir.path / "slo_specs" / "docs" / "rb.md").write_text("# runbook\n")
    return spec_dir


def test_a_missing_signoff_is_pending_not_failing(project: pytest.Pytester) -> None:
    checklist(project, RUNBOOK, SIGNOFF)
    result = project.runpytest("--burnin", "-rs", "-m", "burnin_checklist")
    assert outcomes(result) == {"passed": 1, "skipped": 1}
    result.stdout.fnmatch_lines(
        [
            "SKIP  Checklist ga/owner: pending sign-off by a service-owner: not a git checkout*",
            "SKIPPED * pending sign-off by a service-owner*",
        ]
    )
    assert result.ret == 0


def test_release_mode_fails_while_a_signoff_is_missing(project: pytest.Pytester) -> None:
    checklist(project, RUNBOOK, SIGNOFF)
    result = project.runpytest("--burnin", "--burnin-release", "-m", "burnin_checklist")
    assert outcomes(result) == {"passed": 1, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "Checklist ga/owner: pending sign-off by a service-owner: not a git checkout*",
            "slo_specs/checklist.yaml:7",
        ]
    )


def test_release_mode_passes_once_signed(project: pytest.Pytester) -> None:
    spec = checklist(project, RUNBOOK, SIGNOFF)
    init_repo(project.path)
    owner = next(i for i in load_items([spec]) if i.role)
    with as_person("Olive Owner") as olive:
        assert record_signoff(owner, "Olive Owner", "service-owner") == 0
    commit_all(project.path, "sign", who=olive)
    xml = project.path / "r.xml"
    result = project.runpytest("--burnin", "--burnin-release", f"--junitxml={xml}")
    result.assert_outcomes(passed=3)
    case = next(c for s in JUnitXml.fromfile(str(xml)) for c in s if c.name == "Checklist:ga/owner")
    props = properties(case)
    assert props["signer"] == "Olive Owner"
    assert props["role"] == "service-owner"
    assert props["signed_at"].endswith("Z")
    # Signed for the commit checked out then; the signer's own commit adds the record.
    assert props["signed_commit"] == git(project.path, "rev-parse", "HEAD~1")
    assert props["commit"] == git(project.path, "rev-parse", "HEAD")
    assert props["signoff_proof"] == (
        f"committed by Olive Owner <oliveowner@example.com> in {props['commit'][:12]} "
        "(unsigned: the author name is a claim, see docs/integrity.md)"
    )
    assert props["state"] == "passed"
    assert props["burnin.kind"] == "Checklist" and props["checklist"] == "ga"
    assert props["owner"] == "team-a"


def test_junit_carries_evidence_and_pending_state(project: pytest.Pytester) -> None:
    checklist(project, RUNBOOK, SIGNOFF)
    xml = project.path / "r.xml"
    project.runpytest("--burnin", f"--junitxml={xml}").assert_outcomes(passed=2, skipped=1)
    cases = {c.name: c for s in JUnitXml.fromfile(str(xml)) for c in s}
    runbook = properties(cases["Checklist:ga/runbook"])
    assert runbook["evidence.files"] == "docs/rb.md"
    assert runbook["burnin.headline"] == "Checklist ga/runbook: 1 file(s) present: docs/rb.md"
    assert runbook["check"] == "file" and "evaluated_at" in runbook
    owner = cases["Checklist:ga/owner"]
    assert properties(owner)["state"] == "pending"
    assert owner.result[0].message.startswith("pending sign-off by a service-owner")


def test_gate_runs_last_and_names_what_is_not_green(project: pytest.Pytester) -> None:
    checklist(
        project, "    - {name: gates, check: {type: gate, kinds: [SLO]}}", name="a_checklist.yaml"
    )
    (project.path / "slo_specs" / "slos.yaml").write_text(
        slo_spec("good", "{below: 0.05}") + "---\n" + slo_spec("bad", "{below: 0.001}")
    )
    result = project.runpytest("--burnin", "-v")
    assert result.parseoutcomes()["failed"] == 2
    result.stdout.fnmatch_lines(
        [
            "*slos.yaml::SLO:good PASSED*",
            "*slos.yaml::SLO:bad FAILED*",
            "*a_checklist.yaml::Checklist:ga/gates FAILED*",
            "*Checklist ga/gates: 1 of 2 gate items not green: SLO:bad failed",
        ]
    )


def test_gate_passes_when_everything_passed(project: pytest.Pytester) -> None:
    checklist(project, "    - {name: gates, check: {type: gate, kinds: [SLO, Source]}}")
    (project.path / "slo_specs" / "slos.yaml").write_text(slo_spec("good", "{below: 0.05}"))
    result = project.runpytest("--burnin", "-rA")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        ["PASS  Checklist ga/gates: all 2 SLO, Source items passed in this run"]
    )


def test_gate_counts_deselected_items_as_not_run(project: pytest.Pytester) -> None:
    checklist(project, "    - {name: gates, check: {type: gate, kinds: [SLO]}}")
    (project.path / "slo_specs" / "slos.yaml").write_text(slo_spec("good", "{below: 0.05}"))
    result = project.runpytest("--burnin", "-k", "Checklist")
    assert result.parseoutcomes()["failed"] == 1 and "passed" not in result.parseoutcomes()
    result.stdout.fnmatch_lines(["*gate items not green: SLO:good not run"])


def test_gate_under_xdist_is_an_error_not_a_guess(project: pytest.Pytester) -> None:
    checklist(project, "    - {name: gates, check: {type: gate, kinds: [Source]}}")
    result = project.runpytest("--burnin", "-p", "xdist", "-n", "1")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*a gate item needs every outcome of the run in one process*"])


def test_when_release_items_are_pending_daily(project: pytest.Pytester) -> None:
    checklist(
        project, "    - {name: backup, when: release, check: {type: backup, path: gone.dump}}"
    )
    daily = project.runpytest("--burnin", "-m", "burnin_checklist")
    assert outcomes(daily) == {"skipped": 1}
    daily.stdout.fnmatch_lines(
        ["SKIP  Checklist ga/backup: pending (checked at release): backup gone.dump does not exist"]
    )
    release = project.runpytest("--burnin", "--burnin-release", "-m", "burnin_checklist")
    assert outcomes(release) == {"failed": 1}
    release.stdout.fnmatch_lines(["*Checklist ga/backup: backup gone.dump does not exist"])


def test_a_hanging_command_fails_with_its_timeout(project: pytest.Pytester) -> None:
    argv = f"[{sys.executable}, -c, 'import time; time.sleep(30)']"
    checklist(project, f"    - {{name: slow, check: {{type: command, argv: {argv}, timeout: 1s}}}}")
    result = project.runpytest("--burnin", "-m", "burnin_checklist")
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(["*Checklist ga/slow: command `*` timed out after 1s"])


def test_evidence_type_from_a_conftest(project: pytest.Pytester) -> None:
    project.makeconftest(
        """
        from pytest_burnin.release.model import Evidence

        def pytest_burnin_checklist_check(item):
            if item.check_type == "ticket":
                ok = item.check["id"] == "REL-1"
                return Evidence(ok, f"ticket {item.check['id']} closed", [], [("ticket", item.check["id"])])
            return None
        """
    )
    checklist(
        project,
        "    - {name: ticket, check: {type: ticket, id: REL-1}}",
        "    - {name: other, check: {type: ticket, id: REL-2}}",
        RUNBOOK,
    )
    result = project.runpytest("--burnin", "-rA", "-m", "burnin_checklist")
    assert outcomes(result) == {"passed": 2, "failed": 1}
    result.stdout.fnmatch_lines(["PASS  Checklist ga/ticket: ticket REL-1 closed"])


def test_an_unknown_evidence_type_is_an_error(project: pytest.Pytester) -> None:
    checklist(project, "    - {name: typo, check: {type: fiel, path: x}}")
    result = project.runpytest("--burnin", "-m", "burnin_checklist")
    assert outcomes(result) == {"errors": 1}
    result.stdout.fnmatch_lines(["*no plugin checks evidence type 'fiel' (built-in: file, *"])


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("    - {name: s, signoff: {}}", "*checklist.yaml:*: *'role' is a required property*"),
        (
            "    - {name: c, check: {type: command}}",
            "*checklist.yaml:6:17: a command check needs argv",
        ),
        (
            "    - {name: b, check: {type: backup, path: x, max_age: soon}}",
            "*invalid duration 'soon'*",
        ),
    ],
)
def test_spec_mistakes_are_collection_errors(
    project: pytest.Pytester, item: str, message: str
) -> None:
    checklist(project, item)
    result = project.runpytest("--burnin")
    result.stdout.fnmatch_lines([message])
    assert result.ret != 0


def test_a_star_gate_covers_every_kind_but_checklists(project: pytest.Pytester) -> None:
    checklist(project, RUNBOOK, '    - {name: gates, check: {type: gate, kinds: ["*"]}}')
    (project.path / "slo_specs" / "slos.yaml").write_text(slo_spec("bad", "{below: 0.001}"))
    result = project.runpytest("--burnin")
    result.stdout.fnmatch_lines(
        ["FAIL  Checklist ga/gates: 1 of * gate items not green: SLO:bad failed*"]
    )
    assert "Checklist:ga/runbook" not in "\n".join(
        ln for ln in result.stdout.lines if ln.startswith("FAIL  Checklist ga/gates")
    )
