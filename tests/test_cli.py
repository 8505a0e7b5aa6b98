"""The ``burnin`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_burnin.cli import main
from tests.conftest import REPO


def test_validate_the_shipped_specs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["validate", "slo_specs"]) == 0
    out = capsys.readouterr().out
    assert "ok  slo_specs/slos.yaml:3  SLO:integrity" in out
    assert "0 with errors" in out


def test_validate_reports_errors_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: x}\nspec: {window: 1h}\n")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4:1: spec: 'indicator' is a required property" in err
    assert "1 file(s), 1 with errors" in err


def test_exported_schemas_are_the_committed_ones(tmp_path: Path) -> None:
    assert main(["schemas", "-o", str(tmp_path)]) == 0
    for exported in tmp_path.glob("*.json"):
        committed = REPO / "schemas" / exported.name
        assert json.loads(exported.read_text()) == json.loads(committed.read_text()), (
            f"{committed} is out of date: run `burnin schemas`"
        )
