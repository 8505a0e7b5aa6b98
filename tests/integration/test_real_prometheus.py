"""The ``prometheus`` source against a real Prometheus: both engines agree on the example.

The shipped data (slo_specs/data/ingest.om) is backfilled with promtool into a
real Prometheus on 127.0.0.1; the example's three SLOs are then evaluated by
the plugin (pytester, JUnit ``measured`` properties) twice in one run: through
the ``file`` source (embedded engine) and through a ``prometheus`` source
pointed at the server, both at the data's end. Each measured value must agree
within 1e-9 relative, under our Prometheus 3 semantics and under compat 2.

Run against the system's Prometheus 2.42 and, in the differential stage, against
3.5.3 (the default mode's reference). Skipped, with the reason, where the
binaries are absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from junitparser import JUnitXml, Properties

from tests import binaries
from tests.differential import DIFFERENTIAL
from tests.integration.prom import PrometheusServer, backfill

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "slo_specs" / "data" / "ingest.om"
SLOS = ROOT / "slo_specs" / "slos.yaml"
DATA_END = "2026-11-24T23:55:07Z"  # the shipped data's last sample
DATA_END_S = 1795564507
SLO_NAMES = ("integrity", "ingestion-success", "privacy-violations")

# The system's 2.42 in every run; 3.5.3 (Debian sid's, tests/binaries.py) in the
# differential stage, where the same tests check the default mode against it.
VERSIONS = [
    pytest.param(("promtool", "prometheus"), id="2.42"),
    pytest.param(("promtool-3.5", "prometheus-3.5"), id="3.5.3", marks=DIFFERENTIAL),
]


@pytest.fixture(scope="module", params=VERSIONS)
def prometheus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrometheusServer]:
    promtool, prometheus = (binaries.require(tool).path for tool in request.param)
    work = tmp_path_factory.mktemp("prometheus")
    backfill(DATA, work / "data", promtool)
    server = PrometheusServer(work / "data", work, exe=prometheus)
    try:
        server.start()
        yield server
    finally:
        server.stop()  # by pid: terminate, wait, kill after a timeout


def _query(server: PrometheusServer, expr: str) -> list[Any]:
    answer = requests.get(
        f"{server.url}/api/v1/query", params={"query": expr, "time": str(DATA_END_S)}, timeout=10
    ).json()
    assert answer["status"] == "success", answer
    result: list[Any] = answer["data"]["result"]
    return result


def test_backfilled_data_is_served_whole(prometheus: PrometheusServer) -> None:
    """Neither dropped as too old by retention nor refused: all 30 days are there."""
    assert len(_query(prometheus, "ingest_runs_total")) == 2
    (first,) = _query(prometheus, "min(min_over_time(timestamp(ingest_runs_total)[31d:5m]))")
    assert first["value"][1] == "1792972807"  # 2026-10-26T00:00:07Z: the first sample
    (count,) = _query(prometheus, "count({__name__=~'ingest_.+'})")
    assert count["value"][1] == "7"
    assert "retention" not in prometheus.tail(200).lower()


def _server_major(server: PrometheusServer) -> int:
    info = requests.get(f"{server.url}/api/v1/status/buildinfo", timeout=10).json()
    return int(info["data"]["version"].split(".")[0])


def _spec_folder(p: pytest.Pytester, url: str, when: str) -> None:
    specs = p.mkdir("slo_specs")
    (specs / "data").mkdir()
    (specs / "data" / "ingest.om").symlink_to(DATA)
    sources = [
        {
            "apiVersion": "burnin/v1",
            "kind": "Source",
            "metadata": {"name": "file-data"},
            "spec": {"type": "file", "path": "data/ingest.om", "evaluation_time": when},
        },
        {
            "apiVersion": "burnin/v1",
            "kind": "Source",
            "metadata": {"name": "prom"},
            "spec": {"type": "prometheus", "url": url, "evaluation_time": when},
        },
    ]
    (specs / "sources.yaml").write_text(yaml.safe_dump_all(sources, sort_keys=False))
    slos = []
    for source in ("file-data", "prom"):
        for doc in yaml.safe_load_all(SLOS.read_text()):
            doc["metadata"]["name"] = f"{doc['metadata']['name']}-{source}"
            doc["spec"]["source"] = source
            slos.append(doc)
    (specs / "slos.yaml").write_text(yaml.safe_dump_all(slos, sort_keys=False))


def _measure_both(
    p: pytest.Pytester, server: PrometheusServer, xml: Path, compat: int, when: str
) -> dict[str, tuple[float, float, float]]:
    """Each SLO's measured value through the file source and through Prometheus, and
    their relative difference, read back from the JUnit report of one plugin run."""
    _spec_folder(p, server.url, when)
    p.makeini(f"[pytest]\nburnin_promql_compat = {compat}\n")
    result = p.runpytest("--burnin", "-p", "no:cacheprovider", f"--junitxml={xml}")
    result.assert_outcomes(passed=8)  # 6 SLOs and 2 sources
    props = {
        case.name: {p.name: p.value for ps in case.iterchildren(Properties) for p in ps}
        for suite in JUnitXml.fromfile(str(xml))
        for case in suite
    }
    out = {}
    for name in SLO_NAMES:
        local, remote = props[f"SLO:{name}-file-data"], props[f"SLO:{name}-prom"]
        assert local["evaluated_at"] == remote["evaluated_at"]
        assert remote["source"] == f"Prometheus API {server.url}"
        assert float(remote["coverage"]) >= 0.99
        ours, theirs = float(local["measured"]), float(remote["measured"])
        rel = abs(ours - theirs) / max(abs(ours), abs(theirs)) if ours != theirs else 0.0
        out[name] = (ours, theirs, rel)
    lines = [f"{n}: file {a!r} prometheus {b!r} rel {r:.2e}" for n, (a, b, r) in out.items()]
    print(f"\ncompat {compat} at {when}:", *lines, sep="\n  ")
    return out


def test_the_example_slos_agree_at_the_data_end(
    pytester: pytest.Pytester, prometheus: PrometheusServer, tmp_path: Path
) -> None:
    """With the compat that matches the server's major version: agreement to 1e-9."""
    compat = min(3, _server_major(prometheus))
    got = _measure_both(pytester, prometheus, tmp_path / "r.xml", compat, DATA_END)
    for name, (ours, theirs, rel) in got.items():
        assert rel <= 1e-9, f"{name}: {ours!r} vs {theirs!r}"


def test_compat_3_agrees_on_the_minute_grid(
    pytester: pytest.Pytester, prometheus: PrometheusServer, tmp_path: Path
) -> None:
    """Samples sit 7s past the grid, so no window evaluated on the minute grid has a
    sample on its left edge: open and closed windows select the same samples."""
    got = _measure_both(pytester, prometheus, tmp_path / "r.xml", 3, "2026-11-24T23:55:00Z")
    for name, (ours, theirs, rel) in got.items():
        assert rel <= 1e-9, f"{name}: {ours!r} vs {theirs!r}"


def test_window_semantics_differ_only_on_a_left_edge_sample(
    pytester: pytest.Pytester, prometheus: PrometheusServer, tmp_path: Path
) -> None:
    """At the data's end (a sample instant) the 14d window starts exactly on a sample.
    Prometheus 2 (closed on the left) includes it, Prometheus 3 semantics (open) do
    not: the extrapolated increase differs slightly. The 30d windows start before the
    data and agree. Documents why the agreement test uses compat 2 with Prometheus 2."""
    if _server_major(prometheus) >= 3:
        pytest.skip("the server has Prometheus 3 window semantics")
    got = _measure_both(pytester, prometheus, tmp_path / "r.xml", 3, DATA_END)
    assert got["ingestion-success"][2] <= 1e-9
    assert got["privacy-violations"][2] <= 1e-9
    assert 1e-9 < got["integrity"][2] < 1e-4
