"""An SLO failure points at the line of what failed, not at the document's first line."""

from __future__ import annotations

import pytest

from tests.conftest import slo_spec

from .test_openslo_sloth import MONTH_DATA, OPENSLO, SLOTH
from .test_windows_budgeting import GLUE, write


def _line_of(text: str, needle: str, start: int = 0) -> int:
    """1-based line of the first ``needle`` at or after line ``start``."""
    lines = text.splitlines()
    return next(i + 1 for i in range(start, len(lines)) if needle in lines[i])


def test_a_missed_objective_points_at_the_objective(spec_dir: pytest.Pytester) -> None:
    text = slo_spec("ok", "{below: 0.05}") + "---\n" + slo_spec("missed", "{below: 0.005}")
    write(spec_dir, text)
    objective = _line_of(text, "objective:", _line_of(text, "name: missed"))
    result = spec_dir.runpytest("--burnin", *GLUE, "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    # Under the failure, in the burn-in summary's FAIL line, and nowhere at line 12.
    result.stdout.fnmatch_lines(
        [
            "SLO missed: 2% bad over 1h misses objective < 0.5%*",
            "  source: file data.om",
            "*",
            f"slo_specs/slos.yaml:{objective}",
        ]
    )
    result.stdout.fnmatch_lines(
        ["FAIL  SLO missed: *", f"      at slo_specs/slos.yaml:{objective}"]
    )
    assert objective != _line_of(text, "name: missed")


def test_a_missed_objective_under_xdist_points_at_the_objective(spec_dir: pytest.Pytester) -> None:
    text = slo_spec("missed", "{below: 0.005}")
    write(spec_dir, text)
    result = spec_dir.runpytest("--burnin", *GLUE, "-n", "2")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["FAIL  SLO missed: *", f"      at slo_specs/slos.yaml:{_line_of(text, 'objective:')}"]
    )


def test_a_strict_warning_points_at_the_warning_band(
    spec_dir: pytest.Pytester,
) -> None:
    text = slo_spec("warned", "{below: 0.05}") + "  warning: {below: 0.01}\n"
    write(spec_dir, text)
    result = spec_dir.runpytest("--burnin", *GLUE, "--burnin-strict")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "FAIL  SLO warned: *warning band*",
            f"      at slo_specs/slos.yaml:{_line_of(text, 'warning:')}",
        ]
    )


def test_a_sloth_slo_points_at_its_objective(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "data.om").write_text(MONTH_DATA)
    write(spec_dir, SLOTH, "sloth.yaml")
    result = spec_dir.runpytest("--burnin", *GLUE, "-m", "burnin_slo")
    result.assert_outcomes(passed=1, failed=1, deselected=1)
    line = _line_of(SLOTH, "objective: 99")
    result.stdout.fnmatch_lines(
        ["FAIL  SLO ingest/ingest-raw: *", f"      at slo_specs/sloth.yaml:{line}"]
    )


def test_an_openslo_slo_points_at_its_objective(spec_dir: pytest.Pytester) -> None:
    text = OPENSLO.replace("target: 0.97}", "target: 0.999}")
    write(spec_dir, text, "o.yaml")
    result = spec_dir.runpytest("--burnin", *GLUE, "-k", "occurrences")
    result.assert_outcomes(failed=1, deselected=3)
    line = _line_of(text, "objectives: [{displayName: good")
    result.stdout.fnmatch_lines(
        ["FAIL  SLO ratio-occurrences: *", f"      at slo_specs/o.yaml:{line}"]
    )
