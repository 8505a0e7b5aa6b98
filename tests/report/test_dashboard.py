"""The Grafana dashboard: valid structure, every query parses, the shipped file is current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_burnin.burnin.loading import load_project
from pytest_burnin.cli import main
from pytest_burnin.promql.parser import parse
from pytest_burnin.report.dashboard import dashboard, dashboard_json, exprs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def board() -> dict[str, Any]:
    slos = list(load_project([ROOT / "slo_specs"]).named("SLO").values())
    return dashboard(slos)


def test_structure(board: dict[str, Any]) -> None:
    assert 36 <= board["schemaVersion"] <= 41
    assert board["uid"] and board["title"]
    (var,) = board["templating"]["list"]
    assert (var["name"], var["type"], var["query"]) == ("datasource", "datasource", "prometheus")
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    for panel in board["panels"]:
        pos = panel["gridPos"]
        assert set(pos) == {"x", "y", "w", "h"}
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24 and pos["h"] > 0
        if panel["type"] != "row":
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
            assert panel["targets"], panel["title"]
            assert [t["refId"] for t in panel["targets"]] == [
                chr(65 + i) for i in range(len(panel["targets"]))
            ]


def test_panels_do_not_overlap(board: dict[str, Any]) -> None:
    cells: set[tuple[int, int]] = set()
    for panel in board["panels"]:
        p = panel["gridPos"]
        area = {
            (x, y) for x in range(p["x"], p["x"] + p["w"]) for y in range(p["y"], p["y"] + p["h"])
        }
        assert not area & cells, panel["title"]
        cells |= area


def test_every_expression_parses(board: dict[str, Any]) -> None:
    found = exprs(board)
    assert len(found) >= 15
    for expr in found:
        parse(expr)


def test_panel_kinds_cover_the_issue(board: dict[str, Any]) -> None:
    titles = " | ".join(p["title"] for p in board["panels"])
    for what in (
        "indicator",
        "error budget remaining",
        "burn rates",
        "Burn-in progress",
        "Alert timeline",
    ):
        assert what in titles


def test_shipped_dashboard_is_current() -> None:
    slos = list(load_project([ROOT / "slo_specs"]).named("SLO").values())
    shipped = (ROOT / "dashboards" / "slo.json").read_text()
    assert shipped == dashboard_json(slos), "run: burnin dashboard -o dashboards/slo.json"
    json.loads(shipped)


def test_command_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "d" / "slo.json"
    assert (
        main(["dashboard", "-o", str(out), "--specs", str(ROOT / "slo_specs"), "--title", "Ingest"])
        == 0
    )
    assert json.loads(out.read_text())["title"] == "Ingest"
    assert main(["dashboard", "-o", str(out), "--specs", str(tmp_path / "none")]) == 2
