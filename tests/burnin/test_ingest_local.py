"""Raw samples in the store and the ``local`` source over them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_burnin.errors import EvaluationError
from pytest_burnin.openmetrics import OpenMetricsError
from pytest_burnin.promql.storage import STALE_NAN, is_stale
from pytest_burnin.promql.values import Vector
from pytest_burnin.sources.local import make_local_source
from pytest_burnin.store.ingest import ingest_text, labels_of, labels_text, load_storage
from pytest_burnin.store.sqlite import Store

TEXT = """\
# TYPE checked counter
checked_total{job="x",path="a\\"b"} 10 1700000000
checked_total{job="x",path="a\\"b"} 20 1700000060
checked_total{job="x",path="a\\"b"} NaN 1700000120
checked_total{job="x",path="a\\"b"} +Inf 1700000180
# TYPE up gauge
up 1 1700000000
# EOF
"""


def test_labels_text_round_trips() -> None:
    labels = (("__name__", "m"), ("a", 'x"y\n'), ("b", "é"))
    assert labels_of(labels_text(labels)) == labels
    assert labels_text(labels) == '[["__name__","m"],["a","x\\"y\\n"],["b","é"]]'


def test_ingest_round_trip_and_reingest_is_idempotent(store: Store) -> None:
    stats = ingest_text(store, TEXT)
    assert (stats.series, stats.samples) == (2, 5)
    ingest_text(store, TEXT)
    assert store.query("SELECT count(*) FROM samples")[0][0] == 5
    assert store.query("SELECT count(*) FROM series")[0][0] == 2
    storage = load_storage(store)
    (checked,) = [s for s in storage if ("__name__", "checked_total") in s.labels]
    assert checked.ts == [1_700_000_000_000 + i * 60_000 for i in range(4)]
    assert (
        checked.vs[:2] == [10.0, 20.0] and math.isnan(checked.vs[2]) and checked.vs[3] == math.inf
    )
    assert ("path", 'a"b') in checked.labels
    assert load_storage(
        store, start_ms=1_700_000_060_000, end_ms=1_700_000_120_000
    ).time_bounds() == (
        1_700_000_060_000,
        1_700_000_120_000,
    )


def test_staleness_marker_survives(store: Store) -> None:
    from pytest_burnin.promql.storage import Storage
    from pytest_burnin.store.ingest import ingest_storage

    s = Storage()
    s.append((("__name__", "m"),), 1000, 1.0)
    s.append((("__name__", "m"),), 2000, STALE_NAN)
    ingest_storage(store, s)
    (back,) = list(load_storage(store))
    assert is_stale(back.vs[1]) and not is_stale(float("nan"))


def test_bad_text_stores_nothing(store: Store) -> None:
    with pytest.raises(OpenMetricsError):
        ingest_text(store, "ok_total 1 1700000000\nbad{ 1 1700000000\n# EOF\n")
    assert store.query("SELECT count(*) FROM samples")[0][0] == 0


def test_local_source_answers_queries(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with Store(path) as store:
        ingest_text(store, TEXT)
    source = make_local_source(path)
    assert source.describe() == f"local store {path}"
    assert source.time_bounds() == (1_700_000_000_000, 1_700_000_180_000)
    value = source.query('checked_total{job="x"}', 1_700_000_060_000)
    assert isinstance(value, Vector) and value[0].v == 20.0


def test_local_source_without_store_or_samples_is_an_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="no history store"):
        make_local_source(tmp_path / "absent.sqlite").time_bounds()
    Store(tmp_path / "empty.sqlite").close()
    with pytest.raises(EvaluationError, match="has no samples"):
        make_local_source(tmp_path / "empty.sqlite").time_bounds()


@given(st.lists(st.tuples(st.text(min_size=1), st.text(min_size=1)), max_size=5))
def test_labels_text_round_trips_any_labels(pairs: list[tuple[str, str]]) -> None:
    labels = tuple(sorted(dict(pairs).items()))
    assert labels_of(labels_text(labels)) == labels
