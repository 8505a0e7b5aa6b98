"""The hooks work from a conftest.py (the documented examples: test_extending.py)."""

from __future__ import annotations

import pytest


def test_unknown_source_type_is_an_error(pytester: pytest.Pytester) -> None:
    specs = pytester.mkdir("slo_specs")
    (specs / "sources.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Source\nmetadata: {name: x}\nspec: {type: carrier-pigeon}\n"
    )
    result = pytester.runpytest("--burnin")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no plugin provides source type 'carrier-pigeon'*"])


def test_evaluated_hook_can_add_properties(
    pytester: pytest.Pytester, tmp_path: pytest.TempPathFactory
) -> None:
    from tests.conftest import SMALL_DATA, SOURCE_SPEC

    pytester.makeconftest(
        "def pytest_burnin_evaluated(entry, evaluation):\n"
        "    evaluation.properties.append(('seen_by', 'conftest:' + entry.name))\n"
    )
    specs = pytester.mkdir("slo_specs")
    (specs / "data.om").write_text(SMALL_DATA)
    (specs / "source.yaml").write_text(SOURCE_SPEC)
    result = pytester.runpytest("--burnin", "--junitxml=r.xml")
    result.assert_outcomes(passed=1)
    assert 'name="seen_by" value="conftest:small"' in (pytester.path / "r.xml").read_text()
