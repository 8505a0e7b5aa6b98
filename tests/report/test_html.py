"""The HTML report over the example: self-contained, charts present, renders in Chromium."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pytest_burnin.report.build import project_context, report_input
from pytest_burnin.report.html import render_html
from pytest_burnin.report.snapshot import SNAPSHOT_FILE, save
from tests.report import chromium
from tests.report.sample import fill_store, snapshot

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report for the shipped example specs and data, with a sample history."""
    root = tmp_path_factory.mktemp("example")
    store = fill_store(root / ".burnin" / "history.sqlite")
    save(snapshot(), root / SNAPSHOT_FILE)
    ctx = project_context([ROOT / "slo_specs"], store)
    page = root / "report.html"
    page.write_text(render_html(report_input(root, ctx, store=store, now=NOW)), encoding="utf-8")
    return page


def test_report_is_self_contained(example_report: Path) -> None:
    html = example_report.read_text()
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", html)
    # The only URL is the SVG namespace, which is a name, not a fetch.
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {"http://www.w3.org/2000/svg"}


def test_report_has_every_section(example_report: Path) -> None:
    html = example_report.read_text()
    for slo in ("integrity", "ingestion-success", "privacy-violations"):
        assert f"{slo}: indicator vs objective" in html
    assert "integrity: error budget remaining" in html
    assert html.count('class="day"') == 14  # one calendar cell per recorded day
    assert "2026-11-25: FAIL" in html
    assert (
        "incident resolved" in html
        and "IntegrityRateHigh: delivered via ingest-oncall after 70s" in html
    )
    assert '<p id="gate" class="gate blocked">gate: BLOCKED (2 items, 1 not passing)</p>' in html


def test_report_size_is_small(example_report: Path) -> None:
    assert example_report.stat().st_size < 200_000


@pytest.mark.skipif(
    chromium.chromium() is None, reason="chromium not installed (Debian package 'chromium')"
)
def test_report_renders_in_chromium(example_report: Path, tmp_path: Path) -> None:
    dom, log = chromium.dump_dom(example_report)
    check = re.search(r'<div id="render-check"[^>]*>', dom)
    assert check is not None, dom[-2000:]
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', check.group(0)))
    assert attrs.get("data-done") == "1"
    assert attrs["data-errors"] == ""
    assert not re.search(r"Uncaught|CONSOLE\(\d+\).*[Ee]rror", log), log
    sizes = [tuple(map(int, s.split("x"))) for s in attrs["data-chart-sizes"].split()]
    assert len(sizes) == 6  # 2 + 2 + 1 SLO charts and the calendar
    assert all(w > 0 and h > 0 for w, h in sizes)
    png = tmp_path / "report.png"
    chromium.screenshot(example_report, png)
    assert png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_checklist_rows_show_state_and_signer() -> None:
    from pytest_burnin.report.build import checklist_rows
    from pytest_burnin.report.snapshot import ItemResult, RunSnapshot

    snap = RunSnapshot(
        0.0,
        [
            ItemResult(
                "Checklist",
                "ga/backups",
                "passed",
                "",
                {"title": "Backups verified.", "state": "passed"},
            ),
            ItemResult(
                "Checklist",
                "ga/release-manager",
                "passed",
                "",
                {
                    "state": "passed",
                    "signer": "Ana",
                    "role": "release-manager",
                    "signed_at": "2026-11-27",
                },
            ),
            ItemResult("SLO", "x", "passed", ""),
        ],
    )
    assert checklist_rows(snap) == [
        ("ga/backups: Backups verified.", "passed", ""),
        ("ga/release-manager", "passed", "Ana (release-manager, 2026-11-27)"),
    ]
