from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from pytest_burnin.burnin.records import FunctionCheck
from pytest_burnin.slo.evaluate import Objective
from pytest_burnin.store.sqlite import Store

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "slo_specs" / "data" / "ingest.om"
START = date(2026, 11, 1)
NOW = datetime(2026, 11, 28, 21, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "history.sqlite") as s:
        yield s


def const(name: str, value: float, below: float = 0.01) -> FunctionCheck:
    """A check that always measures ``value`` against ``< below``."""
    return FunctionCheck(name, lambda t_ms: value, Objective("below", below))


def burnin_yaml(start: str = "2026-10-26", extra: str = "") -> str:
    return f"""\
apiVersion: burnin/v1
kind: BurnIn
metadata: {{name: ga, owner: data-platform}}
spec:
  start: "{start}"
  length: 30d
  window: 14d
  slos: [integrity, ingestion-success, privacy-violations]
  alerts: [IntegrityRateHigh]
{extra}"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A spec folder: the shipped SLOs, a Source over the shipped data, a BurnIn over them."""
    specs = tmp_path / "slo_specs"
    specs.mkdir()
    (specs / "slos.yaml").write_text((REPO / "slo_specs" / "slos.yaml").read_text())
    (specs / "sources.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Source\nmetadata: {name: ingest-data}\n"
        f"spec: {{type: file, path: {DATA}}}\n"
    )
    (specs / "scoring").mkdir()
    (specs / "scoring" / "formula.py").write_text("WEIGHT = 0.7\n")
    (specs / "burnin.yaml").write_text(burnin_yaml(extra="  frozen: [scoring/*.py]\n"))
    return specs
