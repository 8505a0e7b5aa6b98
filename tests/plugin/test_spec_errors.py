"""A bad spec is a one-screen collection error naming file:line; the others still run."""

from __future__ import annotations

import pytest

from tests.spec.test_loader import BOMB

GOOD_SLO_HEAD = "apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: x}\n"

BAD_SPECS = {
    "wrong-type": (
        GOOD_SLO_HEAD
        + "spec:\n  indicator: {threshold: {query: up}}\n  objective: {below: 0.01}\n  window: 14\n",
        "bad.yaml:7:3: spec.window: expected string, got int 14",
    ),
    "missing-required": (
        GOOD_SLO_HEAD + "spec:\n  indicator: {threshold: {query: up}}\n  window: 14d\n",
        "bad.yaml:4:1: spec: 'objective' is a required property",
    ),
    "unknown-key": (
        GOOD_SLO_HEAD
        + "spec:\n  indicator: {threshold: {query: up}}\n  objectve: {below: 1}\n  objective: {below: 1}\n  window: 14d\n",
        "bad.yaml:6:3: unknown key 'objectve' in spec",
    ),
    "tab-indentation": (
        GOOD_SLO_HEAD + "spec:\n\twindow: 14d\n",
        "bad.yaml:5:1: invalid YAML: tab character used for indentation*",
    ),
    "duplicate-key": (
        GOOD_SLO_HEAD + "metadata: {name: y}\n",
        "bad.yaml:4:1: duplicate key 'metadata' (first defined on line 3)",
    ),
    "alias-bomb": (
        BOMB,
        "bad.yaml:*: document expands to more than 200,000 values (YAML alias bomb?)",
    ),
    "not-utf8": (
        b"apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: caf\xe9}\n",
        "bad.yaml:3:21: file is not valid UTF-8*",
    ),
    "empty-file": ("", "bad.yaml:1: spec file is empty: no YAML document found"),
    "ten-megabytes": (
        b"a: '" + b"x" * (10 * 1024 * 1024) + b"'\n",
        "bad.yaml:1: spec file is 10.5 MB, over the *",
    ),
    "no-kind": (
        "apiVersion: burnin/v1\nmetadata: {name: x}\n",
        "bad.yaml:1:1: document has no kind",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_spec_is_a_clear_collection_error(spec_dir: pytest.Pytester, case: str) -> None:
    content, expected = BAD_SPECS[case]
    bad = spec_dir.path / "slo_specs" / "bad.yaml"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content)
    result = spec_dir.runpytest("--burnin", "-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)  # the good Source still ran
    result.stdout.fnmatch_lines([f"*{expected}*"])
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "INTERNALERROR" not in out
    section = out[out.index("ERROR collecting") : out.index("burn-in summary")]
    assert len(section.splitlines()) < 25, section  # one screen
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_unknown_kind_suggests_the_closest(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "bad.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Slo\nmetadata: {name: x}\n"
    )
    result = spec_dir.runpytest("--burnin")
    result.stdout.fnmatch_lines(["*bad.yaml:2:1: unknown kind 'Slo'", "*hint: did you mean 'SLO'?"])


def test_invalid_promql_in_an_slo_names_the_line(spec_dir: pytest.Pytester) -> None:
    (spec_dir.path / "slo_specs" / "bad.yaml").write_text(
        GOOD_SLO_HEAD + "spec:\n  indicator:\n    threshold: {query: 'sum(rate(x[5m])'}\n"
        "  objective: {below: 1}\n  window: 1h\n"
    )
    result = spec_dir.runpytest("--burnin")
    result.stdout.fnmatch_lines(
        ["*bad.yaml:6:17: invalid PromQL in indicator.threshold.query: 1:*parse error*"]
    )


def test_duplicate_entry_names_are_refused(spec_dir: pytest.Pytester) -> None:
    doc = "apiVersion: burnin/v1\nkind: Source\nmetadata: {name: small}\nspec: {type: file, path: data.om}\n"
    (spec_dir.path / "slo_specs" / "source.yaml").write_text(doc + "---\n" + doc)
    result = spec_dir.runpytest("--burnin")
    result.stdout.fnmatch_lines(
        ["*source.yaml:6:1: duplicate entry 'Source:small' (first defined on line 1)"]
    )
