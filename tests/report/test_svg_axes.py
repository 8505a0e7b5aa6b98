"""Chart axes a reader can say aloud: round ticks, budgets on 0-100%, legends, dated calendar."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from pytest_burnin.report import svg


def _ticks(chart: str) -> list[str]:
    return re.findall(r'class="ax tick"[^>]*>([^<]+)<', chart)


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0.00401, 0.00999, [0.004, 0.006, 0.008, 0.01]),
        (0.0, 0.599, [0.0, 0.2, 0.4, 0.6]),
        (0.99, 0.9991, [0.99, 0.992, 0.994, 0.996, 0.998, 1.0]),
        (-0.2, 1.0, [-0.5, 0.0, 0.5, 1.0]),
        (0.0, 0.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (120.0, 480.0, [100.0, 200.0, 300.0, 400.0, 500.0]),
    ],
)
def test_nice_ticks_are_round_and_cover_the_data(
    lo: float, hi: float, expected: list[float]
) -> None:
    assert svg.nice_ticks(lo, hi) == expected


def test_whole_number_ticks_for_counts() -> None:
    assert svg.nice_ticks(0.0, 0.0, whole=True) == [0.0, 1.0]
    assert svg.nice_ticks(0.0, 3.0, whole=True) == [0.0, 1.0, 2.0, 3.0]
    assert svg.nice_ticks(0.0, 40.0, whole=True) == [0.0, 10.0, 20.0, 30.0, 40.0]


def test_nice_ticks_refuse_infinite_bounds() -> None:
    with pytest.raises(ValueError, match="cannot place ticks"):
        svg.nice_ticks(0.0, float("inf"))


def test_indicator_chart_ticks_are_rounded_percentages() -> None:
    points = [(1_700_000_000.0 + 3600 * i, 0.00401 + 0.00001 * i) for i in range(24)]
    chart = svg.line_chart(
        [("measured share", points)],
        title="integrity",
        hlines=[("objective", 0.01)],
        percent=True,
    )
    assert _ticks(chart) == ["0%", "0.2%", "0.4%", "0.6%", "0.8%", "1%"]
    # The legend names the line and the objective, with the objective's value.
    assert re.findall(r'class="legend">.*?class="ax">([^<]+)<', chart) == [
        "measured share",
        "objective (1%)",
    ]


def test_budget_chart_runs_from_zero_to_a_hundred_percent() -> None:
    points = [(1_700_000_000.0 + 3600 * i, 0.526 + 0.003 * (i % 3)) for i in range(24)]
    chart = svg.line_chart(
        [("error budget remaining", points)],
        title="budget",
        hlines=[("exhausted", 0.0)],
        percent=True,
        y_range=(0.0, 1.0),
    )
    assert _ticks(chart) == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_overspent_budget_widens_the_axis_below_zero() -> None:
    points = [(1_700_000_000.0, 0.5), (1_700_003_600.0, -0.3)]
    chart = svg.line_chart([("b", points)], title="b", percent=True, y_range=(0.0, 1.0))
    assert _ticks(chart) == ["-50%", "0%", "50%", "100%"]


def test_calendar_shows_dates_months_and_a_legend() -> None:
    first = date(2026, 11, 23)
    verdicts = {first + timedelta(days=i): "pass" for i in range(14)}
    verdicts[date(2026, 11, 25)] = "fail"
    cal = svg.calendar(verdicts, title="daily verdict")
    assert "daily verdict, 2026-11-23 .. 2026-12-06" in cal
    assert re.findall(r'class="ax month">([^<]+)<', cal) == ["Nov 2026", "Dec 2026"]
    days = re.findall(r'class="dom"[^>]*>(\d+)<', cal)
    assert days[:3] == ["23", "24", "25"] and days[-1] == "6" and len(days) == 14
    assert "2026-11-25: FAIL" in cal and "2026-11-26: PASS" in cal
    legend = re.findall(r'<text x="\d+" y="\d+" class="ax">(PASS|FAIL|ERROR|no record)<', cal)
    assert legend == ["PASS", "FAIL", "ERROR", "no record"]


def _ts(text: str) -> float:
    from datetime import datetime, timezone

    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def test_time_axis_has_round_dated_ticks() -> None:
    month = svg.time_ticks(_ts("2026-10-26T06:03"), _ts("2026-11-24T23:55"))
    assert [label for _, label in month] == ["2026-11-02", "11-09", "11-16", "11-23"]  # Mondays
    fortnight = svg.time_ticks(_ts("2026-11-16T12:00"), _ts("2026-11-29T12:00"))
    assert len(fortnight) == 7 and fortnight[0][1].startswith("2026-11-")
    hours = svg.time_ticks(_ts("2026-11-16T12:30"), _ts("2026-11-16T15:10"))
    assert [label for _, label in hours] == ["2026-11-16 13:00", "11-16 14:00", "11-16 15:00"]
    points = [(_ts("2026-11-16T12:30"), 0.5), (_ts("2026-11-16T15:10"), 0.6)]
    chart = svg.line_chart([("x", points)], title="t")
    assert re.findall(r'class="ax time"[^>]*>([^<]+)<', chart) == [label for _, label in hours]
