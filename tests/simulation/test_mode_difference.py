"""A simulation whose verdict differs between PromQL modes says so, with the switch;
one that fails in both modes does not claim otherwise."""

from __future__ import annotations

import pytest

# Samples every minute from 0: at 5m a 5m window holds 6 of them under Prometheus 2.x
# (closed windows, the sample at 0 exactly at the window's start counts) and 5 under
# Prometheus 3 (left-open windows). The alert fires at 5m under 2.x and never under 3.
RULES = """\
groups:
  - name: g
    rules:
      - alert: SixSamples
        expr: count_over_time(requests_total[5m]) >= 6
        labels: {severity: page}
"""


def simulation(expect: str) -> str:
    return f"""\
apiVersion: burnin/v1
kind: Simulation
metadata: {{name: windows}}
spec:
  rules: rules.yaml
  duration: 10m
  series:
    'requests_total{{job="api"}}': '0+1x20'
  expect:
{expect}
"""


FIRES_BY_8M = "    - alert: SixSamples\n      firing_by: 8m\n"
FIRES_BY_2M = "    - alert: SixSamples\n      firing_by: 2m\n"
NEVER_FIRES = "    - alert: SixSamples\n      fires: false\n"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    specs = pytester.mkdir("slo_specs")
    (specs / "rules.yaml").write_text(RULES)
    return pytester


def write(p: pytest.Pytester, expect: str) -> None:
    (p.path / "slo_specs" / "sim.yaml").write_text(simulation(expect))


def test_a_simulation_written_for_2x_says_it_passes_under_compat_2(
    project: pytest.Pytester,
) -> None:
    write(project, FIRES_BY_8M)
    result = project.runpytest("--burnin", "-m", "burnin_simulation")
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines(
        [
            "*Simulation windows: SixSamples did not fire within 10m"
            " (its condition never held) (passes under compat 2)",
            "*passes under compat 2: set burnin_promql_compat = 2 in the ini file"
            " if this file was written for promtool 2.42",
            "*ran under PromQL compat 3 (Prometheus 3 semantics, promtool 3);"
            " the other mode is burnin_promql_compat = 2 in the ini file",
        ]
    )
    # The switch the failure names works: the same simulation passes.
    project.makeini("[pytest]\nburnin_promql_compat = 2\n")
    result = project.runpytest("--burnin", "-m", "burnin_simulation", "-rA")
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*Simulation windows: SixSamples fired at 5m*"])


def test_the_other_way_round_names_compat_3(project: pytest.Pytester) -> None:
    write(project, NEVER_FIRES)
    project.makeini("[pytest]\nburnin_promql_compat = 2\n")
    result = project.runpytest("--burnin", "-m", "burnin_simulation")
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines(
        [
            "*Simulation windows: SixSamples fired at 5m, expected it not to fire"
            " (passes under compat 3)",
            "*passes under compat 3: set burnin_promql_compat = 3 in the ini file"
            " if this file was written for promtool 3",
        ]
    )


def test_a_simulation_failing_in_both_modes_claims_nothing_more(
    project: pytest.Pytester,
) -> None:
    write(project, FIRES_BY_2M)  # 5m under 2.x, never under 3: late in both
    result = project.runpytest("--burnin", "-m", "burnin_simulation")
    result.assert_outcomes(failed=1, deselected=1)
    assert "passes under compat" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*Simulation windows: SixSamples did not fire within 10m (its condition never held)",
            "*ran under PromQL compat 3 (Prometheus 3 semantics, promtool 3)*",
        ]
    )
    project.makeini("[pytest]\nburnin_promql_compat = 2\n")
    result = project.runpytest("--burnin", "-m", "burnin_simulation")
    result.assert_outcomes(failed=1, deselected=1)
    assert "passes under compat" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*Simulation windows: SixSamples fired at 5m, 3m after firing_by 2m"]
    )
