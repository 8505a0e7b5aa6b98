"""The weekly ops report: Markdown and HTML from the store, and posting it through a Channel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_burnin.cli import main
from pytest_burnin.report import weekly
from pytest_burnin.report.history import load_history
from pytest_burnin.report.snapshot import SNAPSHOT_FILE, save
from tests.report.sample import fill_store, snapshot


@pytest.fixture
def summary(tmp_path: Path) -> weekly.Weekly:
    history = load_history(fill_store(tmp_path / "h.sqlite"))
    return weekly.summarise(history, snapshot(), weekly.parse_week("2026-W48"))


def test_parse_week() -> None:
    assert str(weekly.parse_week("2026-W48")) == "2026-11-23"
    assert weekly.week_of(weekly.parse_week("2026-W01")) == "2026-W01"
    with pytest.raises(ValueError, match="not an ISO week"):
        weekly.parse_week("2026-48")


def test_summary_counts_the_week(summary: weekly.Weekly) -> None:
    assert [i.title for i in summary.opened] == ["integrity spike", "vendor API slow"]
    assert [i.title for i in summary.resolved] == ["integrity spike"]
    assert summary.mttr_s == 9000
    assert summary.alerts == [
        ("IngestionFailures", 1, 0, None, None),
        ("IntegrityRateHigh", 1, 1, 70, 70),
    ]
    assert summary.remediation == {"auto": 3, "manual": 1}
    assert len(summary.trend["integrity"]) == 14  # two weeks of data inside the 4-week trend
    assert summary.objectives == {"integrity": 0.01}


def test_markdown(summary: weekly.Weekly) -> None:
    md = weekly.markdown(summary)
    assert md.startswith("# Weekly ops report 2026-W48 (2026-11-23 .. 2026-11-29)\n")
    for line in (
        "| MTTR (resolved this week) | 2h 30m |  |",
        "| IntegrityRateHigh | 1 | 1 | 70s | 70s |",
        "| 3 | 1 | 75% |",
        "| integrity | PASS | SLO integrity: 0.47% bad |",
        "| integrity | 14 | 0.66% | ▁▁▁▁▁▂▂▂▂█▃▃▃▃ |",
    ):
        assert line in md


def test_html_has_the_trend_chart(summary: weekly.Weekly) -> None:
    page = weekly.html(summary)
    assert page.count("<svg") == 2  # the trend and the alerts bars
    assert "<polyline" in page and "Alerts fired" in page
    assert "<title>objective: 1%</title>" in page
    assert "integrity: daily value, last 4 weeks" in page


def test_each_check_gets_its_own_axis_and_legend(tmp_path: Path) -> None:
    """A failure share near 0.5%, a success share near 99.5% and a count of 0: three charts."""
    import re
    from datetime import date, timedelta

    from pytest_burnin.store.sqlite import Store

    path = tmp_path / "h.sqlite"
    with Store(path) as store:
        rows = []
        for i in range(7):
            day = (date(2026, 11, 23) + timedelta(days=i)).isoformat()
            rows += [
                (day, "integrity", 0.0047, "< 0.01", "pass", f"{day}T01:00:00Z"),
                (
                    day,
                    "ingestion-success",
                    0.995 + i / 10_000,
                    "> 0.99",
                    "pass",
                    f"{day}T01:00:00Z",
                ),
                (day, "privacy-violations", 0.0, "<= 0", "pass", f"{day}T01:00:00Z"),
            ]
        store.executemany(
            "INSERT INTO daily_records (day, check_name, value, objective, verdict, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    w = weekly.summarise(load_history(path), None, weekly.parse_week("2026-W48"))
    charts = weekly.trend_charts(w)
    assert len(charts) == 3
    ticks = {
        re.search(r"<title>([\w-]+):", c).group(1): re.findall(r'class="ax tick"[^>]*>([^<]+)<', c)  # type: ignore[union-attr]
        for c in charts
    }
    assert ticks["integrity"] == ["0%", "0.2%", "0.4%", "0.6%", "0.8%", "1%"]
    assert ticks["ingestion-success"][0] == "99%" and ticks["ingestion-success"][-1] == "99.6%"
    assert ticks["privacy-violations"] == ["0", "1"]  # a count: no 0.2 violations
    for c in charts:
        legend = re.findall(r'class="legend">.*?class="ax">([^<]+)<', c)
        assert len(legend) == 2 and legend[0].endswith("(daily value)")
        assert legend[1].startswith("objective (")
    md = weekly.markdown(w)
    assert "| ingestion-success | 7 | 99.6% |" in md and "| privacy-violations | 7 | 0 |" in md


def test_command_writes_both_and_posts_to_a_file_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    fill_store(tmp_path / ".burnin" / "history.sqlite")
    save(snapshot(), tmp_path / SNAPSHOT_FILE)
    specs = tmp_path / "slo_specs"
    specs.mkdir()
    (specs / "channels.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Channel\nmetadata: {name: ops-log}\n"
        f"spec: {{type: file, path: {tmp_path / 'posted.jsonl'}}}\n"
    )
    code = main(
        ["report", "--weekly", "--week", "2026-W48", "--output-dir", "out", "--post", "ops-log"]
    )
    assert code == 0
    assert (
        (tmp_path / "out" / "weekly-2026-W48.md")
        .read_text()
        .startswith("# Weekly ops report 2026-W48")
    )
    assert "<svg" in (tmp_path / "out" / "weekly-2026-W48.html").read_text()
    posted = (tmp_path / "posted.jsonl").read_text()
    assert "Weekly ops report 2026-W48" in posted
    json.loads(posted.splitlines()[0])
    assert main(["report", "--weekly", "--week", "2026-W48", "--post", "nope"]) == 2


def test_command_html_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fill_store(tmp_path / ".burnin" / "history.sqlite")
    assert main(["report", "--html", "r.html", "--specs", str(tmp_path / "none")]) == 0
    assert 'class="day"' in (tmp_path / "r.html").read_text()
