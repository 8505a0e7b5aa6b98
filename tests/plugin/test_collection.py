"""How spec files become pytest items: selection, markers, names, opting out."""

from __future__ import annotations

import pytest

from tests.conftest import slo_spec


def test_burnin_collects_the_spec_folder(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("integrity", "{below: 0.05}"))
    result = spec_dir.runpytest("--burnin", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "slo_specs/slos.yaml::SLO:integrity",
            "slo_specs/source.yaml::Source:small",
        ]
    )
    assert result.ret == 0


def test_without_burnin_specs_are_not_collected(spec_dir: pytest.Pytester) -> None:
    spec_dir.makepyfile(test_plain="def test_ok():\n    pass\n")
    result = spec_dir.runpytest("-q")
    result.assert_outcomes(passed=1)


def test_a_named_spec_file_is_collected_without_burnin(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("integrity", "{below: 0.05}"))
    result = spec_dir.runpytest("slo_specs/slos.yaml", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*slos.yaml::SLO:integrity PASSED*"])


def test_select_by_keyword_and_by_kind_marker(spec_dir: pytest.Pytester) -> None:
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(
        slo_spec("integrity", "{below: 0.05}") + "---\n" + slo_spec("other", "{below: 0.05}")
    )
    result = spec_dir.runpytest("--burnin", "-k", "integrity", "-q")
    result.assert_outcomes(passed=1, deselected=2)
    result = spec_dir.runpytest("--burnin", "-m", "burnin_source", "-q")
    result.assert_outcomes(passed=1, deselected=2)


def test_no_burnin_plugin_turns_it_off(spec_dir: pytest.Pytester) -> None:
    result = spec_dir.runpytest("-p", "no:burnin", "--collect-only", "-q", "slo_specs/source.yaml")
    assert "Source:small" not in result.stdout.str()


def test_item_points_at_the_entry_line(spec_dir: pytest.Pytester) -> None:
    specs = spec_dir.path / "slo_specs"
    (specs / "slos.yaml").write_text(
        "# comment\n" + slo_spec("a", "{below: 0.001}") + "---\n" + slo_spec("b", "{below: 0.001}")
    )
    result = spec_dir.runpytest("--burnin", "-rf")
    result.assert_outcomes(passed=1, failed=2)
    # Each document's own lines: a missed objective points at its objective (issue 14).
    result.stdout.fnmatch_lines(["slo_specs/slos.yaml:10", "slo_specs/slos.yaml:21"])


def test_ini_option_names_other_spec_folders(pytester: pytest.Pytester) -> None:
    from tests.conftest import SMALL_DATA, SOURCE_SPEC

    folder = pytester.mkdir("gates")
    (folder / "data.om").write_text(SMALL_DATA)
    (folder / "source.yaml").write_text(SOURCE_SPEC)
    pytester.makeini("[pytest]\nburnin_specs = gates\n")
    result = pytester.runpytest("--burnin", "-q")
    result.assert_outcomes(passed=1)


def test_bad_compat_option_is_a_usage_error(spec_dir: pytest.Pytester) -> None:
    spec_dir.makeini("[pytest]\nburnin_promql_compat = 4\n")
    result = spec_dir.runpytest("--burnin")
    result.stderr.fnmatch_lines(["*burnin_promql_compat must be 2 or 3, got '4'*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
