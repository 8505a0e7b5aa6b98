from __future__ import annotations

from pathlib import Path

import pytest
import requests  # noqa: F401 - keep one requests and one yaml module across
import yaml  # noqa: F401 - pytester's in-process runs (they re-import the rest)

# pytester's in-process runs drop every module first imported during a test.
# Tests that also call the core directly would then mix classes from two
# imports of the same module (a syntax tree from one, an evaluator from the
# other); importing the core once here keeps a single copy for the session.
import pytest_burnin.burnin.records
import pytest_burnin.promql.engine
import pytest_burnin.promql.functions
import pytest_burnin.promql.parser
import pytest_burnin.promql.typecheck
import pytest_burnin.rules.promtool
import pytest_burnin.sources.file  # noqa: F401
from tests.pgcluster import pg_cluster, pg_url  # noqa: F401 - a PostgreSQL of the session's own

REPO = Path(__file__).resolve().parents[1]
PEER_SUITES = REPO.parent / "shared" / "peer-suites"

# A tiny OpenMetrics file: 2 hours of 1-minute samples, 1% of records bad.
SMALL_DATA = "".join(
    [
        "# TYPE checked counter\n",
        *(f'checked_total{{job="x"}} {i * 100} {1_700_000_000 + i * 60}\n' for i in range(121)),
        "# TYPE failed counter\n",
        *(f'failed_total{{job="x"}} {i * 2} {1_700_000_000 + i * 60}\n' for i in range(121)),
        "# EOF\n",
    ]
)

SOURCE_SPEC = """\
apiVersion: burnin/v1
kind: Source
metadata: {name: small}
spec: {type: file, path: data.om}
"""


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytester whose inner runs leave out pytest-benchmark when it is installed.

    pytest-benchmark turns itself off under xdist with a warning, which this
    suite's ``filterwarnings = error`` makes fatal; our tests never use it.
    """
    # The generated burn-rate alert tests (SLOAlerts items) are left out too:
    # they add items to every run that has an SLO, and have tests of their own
    # (tests/slo/test_docs.py loads them with -p pytest_burnin.plugin.slo_glue).
    monkeypatch.setenv(
        "PYTEST_ADDOPTS", "-p no:benchmark -p no:randomly -p no:pytest_burnin.plugin.slo_glue"
    )
    return pytester


@pytest.fixture
def spec_dir(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester project with a slo_specs/ folder holding a Source over SMALL_DATA."""
    specs = pytester.mkdir("slo_specs")
    (specs / "data.om").write_text(SMALL_DATA)
    (specs / "source.yaml").write_text(SOURCE_SPEC)
    return pytester


def slo_spec(name: str, objective: str, window: str = "1h", bad: str = "failed_total") -> str:
    return f"""\
apiVersion: burnin/v1
kind: SLO
metadata: {{name: {name}, owner: team-a, runbook: docs/rb.md}}
spec:
  indicator:
    ratio:
      bad: sum(increase({bad}[{{{{window}}}}]))
      total: sum(increase(checked_total[{{{{window}}}}]))
  objective: {objective}
  window: {window}
"""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every ``differential`` test is collected, and skipped with its reason unless the
    differential stage is on (``BURNIN_DIFFERENTIAL=1``): one rule for all of them."""
    from tests.differential import SKIP_REASON, enabled

    if enabled():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.get_closest_marker("differential") is not None:
            item.add_marker(skip)
