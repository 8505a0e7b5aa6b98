"""A simulation's regexes and sizes are checked before it runs: located errors, no hang."""

from __future__ import annotations

import time

import pytest

from tests.plugin.test_simulations import sim_dir, simulation, write

__all__ = ["sim_dir"]  # the fixture, used by name below


def test_regex_go_refuses_is_a_located_error(sim_dir: pytest.Pytester) -> None:
    write(
        sim_dir,
        simulation(
            "    - alert: HighErrors\n      labels_regex: {team: '(?!b).*'}\n"
            "      annotations_regex: {summary: 'errors at .*'}\n"
        ),
    )
    result = sim_dir.runpytest("--burnin")
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "*sim.yaml:10:*labels_regex.team: error parsing regexp: "
            "invalid or unsupported Perl syntax: `(?!`*"
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*PASSED*")


def test_a_hundred_years_at_one_second_is_refused_with_the_numbers(
    sim_dir: pytest.Pytester,
) -> None:
    write(
        sim_dir,
        simulation(
            "    - alert: HighErrors\n",
            extra="  duration: 100y\n  interval: 1s\n  evaluation_interval: 1s\n",
        ),
    )
    started = time.perf_counter()
    result = sim_dir.runpytest("--burnin")
    assert time.perf_counter() - started < 60
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "*sim.yaml:*a simulation of 100y at evaluation_interval 1s is 3,153,600,001 rule "
            "evaluations, over the limit of 100,000: shorten duration or lengthen "
            "evaluation_interval*"
        ]
    )


def test_huge_series_expansion_is_refused(sim_dir: pytest.Pytester) -> None:
    write(sim_dir, simulation("    - alert: HighErrors\n", series="errors: 0+1x2000000000"))
    started = time.perf_counter()
    result = sim_dir.runpytest("--burnin")
    assert time.perf_counter() - started < 60
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        ["*sim.yaml:7:5: series 'errors': 1:*series expands to more than 20,000,000 values*"]
    )
