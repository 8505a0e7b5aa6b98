"""Calendar windows and timeslice budgeting, end to end through pytest (pytester)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pytest_burnin.slo.windows import WindowError, period_start, resolve_window

# Our glue (until plugin.py registers it), without the rule generator's
# behaviour items (their own tests cover them): item counts stay ours.
GLUE = ("-p", "no:pytest_burnin.plugin.slo_glue")


def write(p: pytest.Pytester, text: str, name: str = "slos.yaml") -> None:
    (p.path / "slo_specs" / name).write_text(text)


def native(name: str, body: str) -> str:
    return (
        f"apiVersion: burnin/v1\nkind: SLO\nmetadata: {{name: {name}}}\nspec:\n"
        "  indicator:\n    ratio:\n"
        "      bad: sum(increase(failed_total[{{window}}]))\n"
        "      total: sum(increase(checked_total[{{window}}]))\n" + body
    )


# SMALL_DATA (tests/conftest.py) runs 2023-11-14T22:13:20Z .. 2023-11-15T00:13:20Z, 2% bad.


def test_calendar_day_window_passes_from_the_period_start(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, native("cal", "  objective: {below: 0.05}\n  window: {calendar: day}\n"))
    result = spec_dir.runpytest("--burnin", "-rA", *GLUE)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["PASS  SLO cal: 2% bad over calendar day, objective < 5% (budget left 60%)"]
    )


def test_calendar_day_window_fails_by_how_much(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, native("cal", "  objective: {below: 0.01}\n  window: {calendar: day}\n"))
    result = spec_dir.runpytest("--burnin", *GLUE, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["FAIL  SLO cal: 2% bad over calendar day misses objective < 1% (budget overspent by 100%)"]
    )


def test_calendar_coverage_counts_from_the_period_start(spec_dir: pytest.Pytester) -> None:
    # In New York the day began at 05:00Z on the 14th: 2 hours of data cover ~10% of it.
    write(
        spec_dir,
        native(
            "cal",
            "  objective: {below: 0.05}\n  window: {calendar: day, time_zone: America/New_York}\n",
        ),
    )
    result = spec_dir.runpytest("--burnin", *GLUE)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*data covers 10% of the calendar day window*"])


def test_timeslices_pass_when_enough_slices_are_good(spec_dir: pytest.Pytester) -> None:
    write(
        spec_dir,
        native(
            "ts",
            "  objective: {at_least: 0.9}\n  window: 1h\n  budgeting: timeslices\n"
            "  timeslice_window: 5m\n  timeslice_target: {below: 0.05}\n",
        ),
    )
    result = spec_dir.runpytest("--burnin", "-rA", *GLUE)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["PASS  SLO ts: 100% of 5m slices good (12/12 < 5%) over 1h, objective >= 90%*"]
    )


def test_timeslices_fail_when_slices_miss_their_target(spec_dir: pytest.Pytester) -> None:
    write(
        spec_dir,
        native(
            "ts",
            "  objective: {at_least: 0.9}\n  window: 1h\n  budgeting: timeslices\n"
            "  timeslice_window: 10m\n  timeslice_target: {below: 0.01}\n",
        ),
    )
    result = spec_dir.runpytest("--burnin", *GLUE, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["FAIL  SLO ts: 0% of 10m slices good (0/6 < 1%) over 1h misses objective >= 90%*"]
    )


def test_timeslices_without_a_target_is_a_spec_error(spec_dir: pytest.Pytester) -> None:
    write(
        spec_dir,
        native(
            "ts",
            "  objective: {at_least: 0.9}\n  window: 1h\n  budgeting: timeslices\n"
            "  timeslice_window: 5m\n",
        ),
    )
    result = spec_dir.runpytest("--burnin", *GLUE)
    result.stdout.fnmatch_lines(["*slos.yaml:*budgeting: timeslices needs timeslice_target*"])
    assert result.ret != 0


def test_ratio_timeslices_average_the_slices(spec_dir: pytest.Pytester) -> None:
    write(
        spec_dir,
        native(
            "rts",
            "  objective: {below: 0.03}\n  window: 1h\n  budgeting: ratio_timeslices\n"
            "  timeslice_window: 15m\n",
        ),
    )
    result = spec_dir.runpytest("--burnin", "-rA", *GLUE)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["PASS  SLO rts: mean of 4 15m slices 2% over 1h, objective < 3%*"])


def _utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("spec", "now", "start"),
    [
        ({"calendar": "month"}, _utc(2026, 11, 28, 23, 0), _utc(2026, 11, 1)),
        ({"calendar": "week"}, _utc(2026, 11, 28, 23, 0), _utc(2026, 11, 23)),  # a Monday
        ({"calendar": "day"}, _utc(2026, 11, 28, 23, 0), _utc(2026, 11, 28)),
        (
            {"calendar": "month", "start": "2026-01-15T12:00:00"},
            _utc(2026, 11, 3),
            _utc(2026, 10, 15, 12),
        ),
        (
            {"calendar": "day", "time_zone": "Europe/Paris"},
            _utc(2026, 11, 28, 23, 30),
            _utc(2026, 11, 28, 23),
        ),
        ({"calendar": "month"}, _utc(2026, 1, 1, 0, 0, 1), _utc(2026, 1, 1)),
    ],
)
def test_period_start(spec: dict[str, str], now: datetime, start: datetime) -> None:
    assert period_start(spec, now) == start


def test_calendar_window_is_written_as_its_length() -> None:
    t_ms = int(_utc(2026, 11, 2).timestamp() * 1000)
    w = resolve_window({"calendar": "month"}, t_ms)
    assert (w.text, w.promql, w.length_ms) == ("calendar month", "86400s", 86_400_000)
    with pytest.raises(WindowError, match="unsupported calendar period 'year'"):
        resolve_window({"calendar": "year"}, t_ms)
    with pytest.raises(WindowError, match="unknown time zone"):
        resolve_window({"calendar": "day", "time_zone": "Mars/Olympus"}, t_ms)
