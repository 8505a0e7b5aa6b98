"""Progress at fleet scale (issue 15, item 4): above 240 items a dot stands for several
passing burn-in items and file names are left out, so an all-green run stays short;
failures keep their letter; -v and burnin_compact_progress=false show every item."""

from __future__ import annotations

import math
import re

import pytest

from tests.plugin.test_summary import SERVICES, fleet

SIX = (*SERVICES, "payments", "ledger")
PROGRESS = re.compile(r"^([.FEsx]+)\s*\[\s*\d+%\]$")


def progress_letters(lines: list[str]) -> str:
    return "".join(m.group(1) for line in lines if (m := PROGRESS.match(line)))


def test_an_all_green_run_of_three_hundred_items_prints_a_few_dot_lines(
    pytester: pytest.Pytester,
) -> None:
    items = fleet(pytester, SIX)
    assert items > 240
    result = pytester.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(passed=items)
    letters = progress_letters(result.outlines)
    every = math.ceil(items / 240)
    assert letters == "." * math.ceil(items / every), result.stdout.str()
    assert sum(bool(PROGRESS.match(line)) for line in result.outlines) <= 4
    # No line per spec file (the six services hold eighteen of them).
    assert not any(line.startswith("slo_specs/") for line in result.outlines)
    assert len(result.outlines) < 40, result.stdout.str()


def test_under_xdist_the_controller_compacts_the_dots_too(pytester: pytest.Pytester) -> None:
    items = fleet(pytester, SIX)
    result = pytester.runpytest("--burnin", "-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=items)
    assert progress_letters(result.outlines) == "." * math.ceil(items / math.ceil(items / 240))
    assert len(result.outlines) < 40, result.stdout.str()


def test_a_failure_keeps_its_letter_among_the_compacted_dots(pytester: pytest.Pytester) -> None:
    items = fleet(pytester, SIX, failing="checkout")
    result = pytester.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(passed=items - 1, failed=1)
    letters = progress_letters(result.outlines)
    assert letters.count("F") == 1
    assert letters.count(".") == math.ceil((items - 1) / math.ceil(items / 240))
    result.stdout.fnmatch_lines(["*FAIL  promtool test checkout r3 errors open a ticket*"])


def test_the_setting_false_restores_a_dot_per_item_and_file_names(
    pytester: pytest.Pytester,
) -> None:
    items = fleet(pytester, SIX)
    result = pytester.runpytest(
        "--burnin", "-p", "no:randomly", "-o", "burnin_compact_progress=false"
    )
    result.assert_outcomes(passed=items)
    dots = sum(line.count(".") for line in result.outlines if line.startswith("slo_specs/"))
    assert dots >= items - 1  # one per item, each line named by its file
    assert any(line.startswith("slo_specs/billing/alerts.yaml .") for line in result.outlines)


def test_verbose_still_lists_every_item(pytester: pytest.Pytester) -> None:
    items = fleet(pytester, SIX)
    result = pytester.runpytest("--burnin", "-v", "-p", "no:randomly")
    result.assert_outcomes(passed=items)
    assert sum(" PASSED" in line for line in result.outlines) == items


def test_a_bad_setting_is_named_with_its_ini_file(pytester: pytest.Pytester) -> None:
    fleet(pytester, SERVICES[:1])
    pytester.makeini("[pytest]\nburnin_compact_progress = sometimes\n")
    result = pytester.runpytest("--burnin")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*burnin_compact_progress*sometimes*"])
