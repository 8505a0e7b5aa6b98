"""OpenSLO and Sloth documents translated to the native spec that ``normalized_slo`` returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.errors import SpecError
from pytest_burnin.slo.model import normalized_slo
from pytest_burnin.slo.openslo import OpenSLOKind
from pytest_burnin.slo.sloth import SlothKind
from pytest_burnin.slo.translate import counter_query, threshold_share
from pytest_burnin.spec.loader import load_documents
from pytest_burnin.spec.model import Entry, document_kind

from .test_openslo_sloth import OPENSLO, SLOTH


def entries(tmp_path: Path, text: str, kind: OpenSLOKind | SlothKind) -> dict[str, Entry]:
    path = tmp_path / "in.yaml"
    path.write_text(text)
    out: dict[str, Entry] = {}
    for doc in load_documents(path):
        for e in kind.expand(doc):
            out[e.name] = e
    return out


def test_document_kind_detects_openslo_and_sloth(tmp_path: Path) -> None:
    (tmp_path / "o.yaml").write_text(OPENSLO)
    (tmp_path / "s.yaml").write_text(SLOTH)
    assert {document_kind(d) for d in load_documents(tmp_path / "o.yaml")} == {"OpenSLO"}
    assert [document_kind(d) for d in load_documents(tmp_path / "s.yaml")] == ["Sloth"]


def test_openslo_translations(tmp_path: Path) -> None:
    got = {n: normalized_slo(e) for n, e in entries(tmp_path, OPENSLO, OpenSLOKind()).items()}
    assert got["ratio-occurrences"] == {
        "budgeting": "occurrences",
        "indicator": {
            "ratio": {
                "bad": "sum(increase(failed_total[{{window}}]))",
                "total": "sum(increase(checked_total[{{window}}]))",
            }
        },
        "objective": {"at_most": 0.03},
        "window": "1h",
        # The fast-burn AlertPolicy: one page tier over its single lookback window.
        "alerting": {
            "page": [{"long": "1h", "short": "1h", "factor": 2.0, "for": "5m"}],
            "ticket": [],
        },
    }
    ts = got["ratio-timeslices"]
    assert ts["budgeting"] == "timeslices"
    assert (ts["timeslice_window"], ts["timeslice_target"]) == ("5m", {"at_most": 0.03})
    assert ts["objective"] == {"at_least": 0.9}
    assert got["failure-rate"]["indicator"] == {
        "threshold": {
            "query": "avg_over_time(((sum(rate(failed_total[5m]))) <= bool 1.0)[{{window}}:1m])"
        }
    }
    assert got["failure-rate"]["objective"] == {"at_least": 0.99}


def test_entry_spec_is_the_native_spec_for_code_that_reads_it(tmp_path: Path) -> None:
    for kind, text in ((OpenSLOKind(), OPENSLO), (SlothKind(), SLOTH)):
        for e in entries(tmp_path, text, kind).values():
            assert e.spec == normalized_slo(e)
            assert e.kind == "SLO"


def test_sloth_translations(tmp_path: Path) -> None:
    got = entries(tmp_path, SLOTH, SlothKind())
    events = normalized_slo(got["ingest/ingest-events"])
    assert events["indicator"]["ratio"] == {
        "bad": "sum(rate(failed_total[{{window}}]))",
        "total": "sum(rate(checked_total[{{window}}]))",
    }
    assert (events["objective"], events["window"]) == ({"at_most": 0.03}, "30d")
    assert got["ingest/ingest-events"].metadata == {
        "name": "ingest/ingest-events",
        "owner": "data-platform",
    }
    raw = normalized_slo(got["ingest/ingest-raw"])
    assert raw["objective"] == {"at_most": 0.01}
    assert "threshold" in raw["indicator"]


def test_queries_without_a_window_are_summed_over_it() -> None:
    assert counter_query("x_total", True) == "sum(increase(x_total[{{window}}]))"
    assert counter_query("sum(x_total)", True) == "sum(increase((sum(x_total))[{{window}}:1m]))"
    assert counter_query("sum(rate(x[5m]))", False) == (
        "sum(sum_over_time((sum(rate(x[5m])))[{{window}}:1m]))"
    )
    assert counter_query("sum(increase(x[{{window}}]))", True) == "sum(increase(x[{{window}}]))"
    assert threshold_share("q", None, 1) == "avg_over_time((q)[{{window}}:1m])"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "duration: 1h, isRolling: true}]\n  budgetingMethod: Occurrences\n  objectives: [{d",
            "duration: 1M, isRolling: true}]\n  budgetingMethod: Occurrences\n  objectives: [{d",
            "rolling duration '1M'",
        ),
        ("counter: true", "counter: true\n    rawType: success", "ratioMetric.rawType"),
        (
            "    total: {metricSource: {metricSourceRef: prom, type: Prometheus,"
            " spec: {query: checked_total}}}\n",
            "",
            "spec.ratioMetric has no 'total', which is required",
        ),
        (
            "indicatorRef: failures\n  timeWindow: [{duration: 1h, isRolling: true}]\n  budgetingMethod: O",
            "indicatorRef: nope\n  timeWindow: [{duration: 1h, isRolling: true}]\n  budgetingMethod: O",
            "indicatorRef 'nope'",
        ),
    ],
)
def test_openslo_refusals_name_the_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in OPENSLO
    with pytest.raises(SpecError, match=field.replace(".", r"\.").replace("[", r"\[")) as info:
        entries(tmp_path, OPENSLO.replace(old, new, 1), OpenSLOKind())
    assert "in.yaml:" in str(info.value)
