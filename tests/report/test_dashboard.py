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


def _selectors(expr: str) -> list[tuple[str, dict[str, str], int]]:
    """(metric name, equality matchers, range in ms or 0) of every selector in ``expr``."""
    from pytest_burnin.promql import ast

    found: list[tuple[str, dict[str, str], int]] = []

    def walk(node: object, rng: int = 0) -> None:
        if isinstance(node, ast.MatrixSelector):
            walk(node.vector, int(node.range) if isinstance(node.range, int) else 0)
        elif isinstance(node, ast.VectorSelector):
            eq = {m.name: m.value for m in node.matchers if m.type.name == "EQ"}
            found.append((node.name or eq.get("__name__", ""), eq, rng))
        elif isinstance(node, ast.Expr):
            for value in vars(node).values():
                for child in value if isinstance(value, list) else [value]:
                    walk(child)

    walk(parse(expr))
    return found


def _records(rule_text: str) -> list[tuple[str, dict[str, str]]]:
    import yaml

    groups = yaml.safe_load(rule_text)["groups"]
    return [(r["record"], r.get("labels", {})) for g in groups for r in g["rules"] if "record" in r]


def _reads_only_records(board: dict[str, Any], rule_text: str) -> list[str]:
    """The recording-rule selectors of the board; fails on any raw counter over a long range."""
    records = _records(rule_text)
    read = []
    for panel in board["panels"]:
        if "No recording rule to read" in panel.get("description", ""):
            continue
        for target in panel.get("targets", []):
            for name, eq, rng in _selectors(target["expr"]):
                if name.startswith("burnin_") or name == "ALERTS":
                    assert rng <= 86_400_000, target["expr"]  # the exporter's own counters
                    continue
                matches = [r for r, labels in records if r == name and eq.items() <= labels.items()]
                assert matches, f"{panel['title']}: {target['expr']} reads no recorded series"
                read.append(name)
    return read


def test_slo_panels_read_the_recording_rules_burnin_rules_writes(board: dict[str, Any]) -> None:
    from pytest_burnin.slo.rules_gen import generate

    slos = list(load_project([ROOT / "slo_specs"]).named("SLO").values())
    read = _reads_only_records(board, generate(slos))
    assert {"slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate1h"} <= set(read)
    # The indicator over the whole window is the mean of the 5m record, not increase(x[14d]).
    (integrity,) = [p for p in board["panels"] if p["title"].startswith("integrity: indicator")]
    assert integrity["targets"][0]["expr"] == (
        'avg_over_time(slo:sli_error:ratio_rate5m{owner="data-platform", '
        'service="activity-ingest", slo="integrity"}[14d])'
    )
    (success,) = [p for p in board["panels"] if p["title"].startswith("ingestion-success: ind")]
    assert success["targets"][0]["expr"].startswith("1 - avg_over_time(slo:sli_error:ratio_rate5m")
    # A threshold SLO has no error ratio to record: its panel says so and runs its own query.
    (privacy,) = [p for p in board["panels"] if p["title"].startswith("privacy-violations: ind")]
    assert (
        "No recording rule to read (a threshold indicator has no error ratio)"
        in privacy["description"]
    )


SLOTH = """\
version: prometheus/v1
service: ingest
labels: {owner: data-platform}
slos:
  - name: ingest-events
    objective: 99.5
    sli:
      events:
        error_query: sum(rate(failed_total[{{.window}}]))
        total_query: sum(rate(checked_total[{{.window}}]))
    alerting:
      name: IngestHighErrorRate
      page_alert: {labels: {severity: page}}
"""


def test_sloth_slo_panels_read_sloths_records(tmp_path: Path) -> None:
    """Sloth's family: ratio_rate30d for the period, selected by sloth_id/service/slo."""
    from pytest_burnin.slo.rules_gen import generate

    (tmp_path / "sloth.yaml").write_text(SLOTH)
    slos = list(load_project([tmp_path]).named("SLO").values())
    board = dashboard(slos)
    read = _reads_only_records(board, generate(slos))
    assert "slo:sli_error:ratio_rate30d" in read and "slo:sli_error:ratio_rate5m" in read
    indicator = next(p for p in board["panels"] if ": indicator" in p["title"])
    assert indicator["targets"][0]["expr"].startswith("slo:sli_error:ratio_rate30d{")
    assert 'sloth_slo="ingest-events"' in indicator["targets"][0]["expr"]
    assert "sloth_window" not in indicator["targets"][0]["expr"]
