"""The hooks documented in docs/extending.md work from a conftest.py."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO


def _doc_blocks(lang: str) -> list[str]:
    text = (REPO / "docs" / "extending.md").read_text()
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_source_from_conftest_as_documented(pytester: pytest.Pytester) -> None:
    conftest = next(b for b in _doc_blocks("python") if "pytest_burnin_make_source" in b)
    source = next(b for b in _doc_blocks("yaml") if "type: constant" in b)
    pytester.makeconftest(conftest)
    specs = pytester.mkdir("slo_specs")
    (specs / "sources.yaml").write_text(source)
    (specs / "slo.yaml").write_text(
        "apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: half}\nspec:\n"
        "  indicator: {threshold: {query: 'vector(1)'}}\n  objective: {at_least: 0.4}\n  window: 1h\n"
    )
    result = pytester.runpytest("--burnin", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["PASS  SLO half: measured 0.5 over 1h, objective >= 0.4"])


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
