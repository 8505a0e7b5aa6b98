"""What a reader sees first: failures, then pending items, in the terminal's words.

The Chromium tests render a failing and a passing report at 1280x800 (the
fold) and look for the failure row's colour in the screenshot's pixels.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pytest_burnin.report.build import report_input
from pytest_burnin.report.html import render_html
from pytest_burnin.report.snapshot import SNAPSHOT_FILE, ItemResult, RunSnapshot, save
from tests.conftest import slo_spec
from tests.report import chromium
from tests.report.pngread import read_png
from tests.report.sample import fill_store

NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)
FAILURE_ROW = (0xFF, 0xEB, 0xEE)  # .row-failed background
PENDING_ROW = (0xFF, 0xF8, 0xE1)  # .row-pending background
BLOCKED = (0xC6, 0x28, 0x28)  # the gate banner when blocked
GREEN = (0x2E, 0x7D, 0x32)  # the gate banner when green

needs_chromium = pytest.mark.skipif(
    chromium.chromium() is None, reason="chromium not installed (Debian package 'chromium')"
)


def _items(failing: bool) -> list[ItemResult]:
    """Sixty items as the example has them; the failure last in run and name order."""
    items = [
        ItemResult("Rule", f"Alert{i:02d}", "passed", f"Rule Alert{i:02d}: gate checks pass")
        for i in range(55)
    ]
    items.append(
        ItemResult(
            "Checklist",
            "ga/release-manager",
            "skipped",
            "Checklist ga/release-manager: pending sign-off by a release-manager",
            {"state": "pending"},
        )
    )
    items.append(ItemResult("Checklist", "ga/docs", "skipped", "skipped: not a release run"))
    outcome = "failed" if failing else "passed"
    items.append(
        ItemResult("Source", "ingest-data", "passed", "Source ingest-data: 7 series, 30.0 days")
    )
    items.append(
        ItemResult(
            "SLO", "zz-integrity", outcome, f"SLO zz-integrity: 1.2% bad over 14d ({outcome})"
        )
    )
    return items


def _page(root: Path, failing: bool) -> Path:
    store = fill_store(root / ".burnin" / "history.sqlite")
    save(RunSnapshot(1_795_900_000.0, _items(failing)), root / SNAPSHOT_FILE)
    page = root / "report.html"
    html = render_html(report_input(root, None, store=store, now=NOW))
    page.write_text(html, encoding="utf-8")
    return page


def _rows(html: str) -> list[tuple[str, str, str]]:
    """(row class, mark, name) of every item row, in page order."""
    return re.findall(
        r'<tr class="row-(\w+)"[^>]*><td class="mark">(\w+)(?: <span[^>]*>\w+</span>)?</td>'
        r"<td>\w+</td><td>([^<]*)</td>",
        html,
    )


def test_failures_then_pending_then_the_rest(tmp_path: Path) -> None:
    html = _page(tmp_path, failing=True).read_text()
    rows = _rows(html)
    assert len(rows) == 59
    assert rows[0] == ("failed", "FAIL", "zz-integrity")
    assert rows[1] == ("pending", "SKIP", "ga/release-manager")
    assert '<td class="mark">SKIP <span class="badge">pending</span></td>' in html
    assert rows[2] == ("skipped", "SKIP", "ga/docs")
    assert {mark for _, mark, _ in rows[3:]} == {"PASS"}
    assert html.index('id="first-failure"') < html.index("zz-integrity")
    assert html.count('id="first-failure"') == 1
    # The gate is the first thing on the page, before any table or chart.
    assert html.index('id="gate"') < html.index("<table")
    assert "1 failed, 2 skipped (1 of them pending), 56 passed" in html
    for word in ("red", "green</b>"):
        assert f">{word}<" not in html


def test_passing_report_says_green(tmp_path: Path) -> None:
    html = _page(tmp_path, failing=False).read_text()
    assert '<p id="gate" class="gate green">gate: green (59 items, 0 not passing)</p>' in html
    assert 'id="first-failure"' not in html
    assert _rows(html)[0][:2] == ("pending", "SKIP")


def test_html_gate_line_is_the_terminals(spec_dir: pytest.Pytester) -> None:
    """The same words, counts and line in the terminal summary and the HTML report."""
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(
        slo_spec("errors", "{below: 0.05}") + "---\n" + slo_spec("strict", "{below: 0.001}")
    )
    result = spec_dir.runpytest("--burnin", "--burnin-html=report.html")
    terminal = [ln for ln in result.outlines if ln.startswith("gate: ")]
    assert len(terminal) == 1 and terminal[0].startswith("gate: BLOCKED (")
    gate_line = terminal[0].split(";")[0]
    html = (spec_dir.path / "report.html").read_text()
    assert f'<p id="gate" class="gate blocked">{gate_line}</p>' in html
    first = re.search(
        r'<tr class="row-failed" id="first-failure"><td class="mark">(\w+)</td>', html
    )
    assert first is not None and first.group(1) == "FAIL"
    assert any(ln.startswith("FAIL ") and "strict" in ln for ln in result.outlines)


def test_a_spec_error_blocks_the_html_gate_as_it_does_the_terminals(
    spec_dir: pytest.Pytester,
) -> None:
    """A file that cannot be read runs no item, yet it blocks the gate: never a green page."""
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(slo_spec("errors", "{below: 0.05}"))
    (specs / "broken.yaml").write_text("apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: x\n")
    result = spec_dir.runpytest("--burnin", "--burnin-html=report.html")
    (terminal,) = [ln for ln in result.outlines if ln.startswith("gate: ")]
    assert terminal.startswith("gate: BLOCKED (") and " 1 not passing)" in terminal
    html = (spec_dir.path / "report.html").read_text()
    assert f'<p id="gate" class="gate blocked">{terminal.split(";")[0]}</p>' in html
    row = re.search(
        r'<tr class="row-error" id="first-failure"><td class="mark">SPEC ERROR</td>'
        r'<td>spec</td><td colspan="2">([^<]*)</td>',
        html,
    )
    assert row is not None and "broken.yaml:" in row.group(1)
    assert "1 spec error(s)" in html


@needs_chromium
def test_first_failure_is_above_the_fold_in_chromium(tmp_path: Path) -> None:
    page = _page(tmp_path, failing=True)
    png = tmp_path / "fold.png"
    chromium.screenshot(page, png, size="1280,800", profile_dir=tmp_path / "profile")
    image = read_png(png)
    assert (image.width, image.height) == (1280, 800)
    gate = image.first_row_with(BLOCKED, at_least=200)
    failure = image.first_row_with(FAILURE_ROW, at_least=400)
    pending = image.first_row_with(PENDING_ROW, at_least=400)
    assert gate is not None, "the BLOCKED gate banner is not in the first 800 px"
    assert failure is not None, "the first failure is not in the first 800 px"
    assert pending is not None, "no pending item in the first 800 px"
    assert gate < failure < pending


@needs_chromium
def test_passing_report_in_chromium_is_green_with_no_failure_row(tmp_path: Path) -> None:
    page = _page(tmp_path, failing=False)
    png = tmp_path / "fold.png"
    chromium.screenshot(page, png, size="1280,800", profile_dir=tmp_path / "profile")
    image = read_png(png)
    gate = image.first_row_with(GREEN, at_least=200)
    assert gate is not None and gate < 200, "the green gate banner is not at the top"
    assert image.count(FAILURE_ROW) == 0
    assert image.first_row_with(PENDING_ROW, at_least=400) is not None
