from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.report.exposition import ExportData
from pytest_burnin.report.history import load_history
from tests.report.sample import fill_store, snapshot


@pytest.fixture
def export_data(tmp_path: Path) -> ExportData:
    return ExportData(load_history(fill_store(tmp_path / "history.sqlite")), snapshot())
