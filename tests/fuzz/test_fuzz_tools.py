"""The fuzzer's own parts: wire encoding, typed generation, shrinking, printed cases."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import requests

from pytest_burnin.promql.engine import Engine
from pytest_burnin.promql.storage import Storage, is_stale
from pytest_burnin.promql.typecheck import FUNCTIONS, expr_type
from tests import binaries
from tests.fuzz import remote_write
from tests.fuzz.cases import differs
from tests.fuzz.compare import Outcome, Query, ask_engine
from tests.fuzz.data import STALE, DataGenerator, Dataset, SeriesData
from tests.fuzz.gen import AGGREGATIONS, ExprGenerator, Node, leaf, node
from tests.fuzz.known import explain
from tests.fuzz.printed import render_case
from tests.fuzz.runner import Finding, Fuzzer, Target, load

ALL_FUNCTIONS = set(FUNCTIONS)
ALL_AGGREGATIONS = set(AGGREGATIONS)


def _snappy_decode(data: bytes) -> bytes:
    """Enough of snappy's block format to read literal chunks back."""
    length, shift, i = 0, 0, 0
    while True:
        b = data[i]
        i += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    out = bytearray()
    while i < len(data):
        tag = data[i]
        i += 1
        assert tag & 3 == 0, "only literal chunks are written"
        n = tag >> 2
        if n >= 60:
            width = n - 59
            n = int.from_bytes(data[i : i + width], "little")
            i += width
        out += data[i : i + n + 1]
        i += n + 1
    assert len(out) == length
    return bytes(out)


def test_varint_as_protobuf_writes_it() -> None:
    assert remote_write.varint(1) == b"\x01"
    assert remote_write.varint(300) == b"\xac\x02"
    assert remote_write.varint(-1) == b"\xff" * 9 + b"\x01"  # int64 two's complement


@pytest.mark.parametrize("size", [0, 1, 60, 61, 256, 257, 70_000])
def test_snappy_literal_stream_round_trips(size: int) -> None:
    data = bytes(random.Random(size).getrandbits(8) for _ in range(size))
    assert _snappy_decode(remote_write.snappy_literal(data)) == data


def test_remote_write_keeps_stale_markers_and_odd_labels(tmp_path: Path) -> None:
    """Through a real Prometheus 2.42: what was written is what a query reads."""
    from tests.integration.prom import PrometheusServer

    prom_bin = binaries.require("prometheus")
    labels = (("__name__", "w"), ("job", "x\ny"), ("zone", "ü€ b"))
    server = PrometheusServer(
        tmp_path / "data", tmp_path, prom_bin.path, ["--web.enable-remote-write-receiver"]
    )
    with server:
        remote_write.push(server.url, [(labels, [(0, 1.5), (60_000, STALE), (120_000, -3.0)])])
        answer = requests.get(
            f"{server.url}/api/v1/query", params={"query": "w[5m]", "time": "180"}, timeout=10
        ).json()
        gone = requests.get(
            f"{server.url}/api/v1/query", params={"query": "w", "time": "60"}, timeout=10
        ).json()
    (series,) = answer["data"]["result"]
    assert series["metric"] == {"__name__": "w", "job": "x\ny", "zone": "ü€ b"}
    assert series["values"] == [[0, "1.5"], [120, "-3"]]  # the marker is no sample
    assert gone["data"]["result"] == []  # ...but it ends the series at once


@pytest.mark.parametrize("seed", range(3))
def test_generated_expressions_parse_with_the_type_asked_for(seed: int) -> None:
    rng = random.Random(seed)
    gen = ExprGenerator(rng, ALL_FUNCTIONS, ALL_AGGREGATIONS)
    engine = Engine(Storage())
    for _ in range(300):
        wanted = rng.choice(("vector", "scalar", "matrix"))
        expr = gen.gen(wanted, 0)
        text = expr.text("c1_")
        parsed = engine.parse(text)  # a ParseError here fails the test, with the text
        assert expr_type(parsed).value == wanted, text


def test_generated_data_has_every_awkward_shape() -> None:
    gen = DataGenerator(random.Random(7))
    sets = [gen.dataset() for _ in range(200)]
    points = [p for d in sets for s in d.series for p in s.points]
    values = [p for p in points if isinstance(p, float)]
    labels = {v for d in sets for s in d.series for v in s.labels.values()}
    assert STALE in points and None in points
    assert any(v != v for v in values) and float("inf") in values and float("-inf") in values
    assert "x\ny" in labels and "ü€" in labels
    assert any(s.labels["__name__"] == "h_bucket" for d in sets for s in d.series)
    storage = load(sets[0], "c1_")
    assert all(is_stale(v) or isinstance(v, float) for s in storage for v in s.vs)


class _OracleFuzzer(Fuzzer):
    """A fuzzer whose 'Prometheus' disagrees exactly when the expression has topk and
    the data has a series named m1: the shrinker must find both and keep nothing else."""

    def still_differs(
        self, data: Dataset, expr: Node, q: Query, kinds: tuple[str, str]
    ) -> Finding | None:
        has_m1 = any(s.labels["__name__"] == "m1" and any(s.points) for s in data.series)
        if "topk" in expr.text() and has_m1:
            return Finding(data, expr, q, Outcome("vector"), Outcome("error", text="x"))
        return None


def test_shrinking_keeps_only_what_the_mismatch_needs() -> None:
    fuzzer = _OracleFuzzer(Target("fake", "http://127.0.0.1:9", 3), seed=1)
    inner = node("vector", "topk(1, ", leaf("vector", "§m1"), ")")
    big = node("vector", "sum by (job) (", node("vector", "abs(", inner, ")"), ")")
    data = Dataset(
        60_000,
        [
            SeriesData({"__name__": "m0", "job": "a"}, [1.0, 2.0, 3.0]),
            SeriesData({"__name__": "m1", "job": "b"}, [1.0, None, 2.0]),
            SeriesData({"__name__": "m2"}, [5.0, 6.0, 7.0]),
        ],
    )
    found = Finding(data, big, Query(120_000), Outcome("vector"), Outcome("error", text="x"))
    small = fuzzer.shrink(found)
    assert small.expr.text() in ("topk(1, m0)", "topk(1, m1)")  # § gone: no case prefix
    assert [s.labels["__name__"] for s in small.data.series] == ["m1"]
    assert sum(p is not None for p in small.data.series[0].points) == 1


@pytest.mark.parametrize("seed", range(2))
def test_printed_cases_replay_to_the_answer_they_print(seed: int) -> None:
    """A case printed with the engine's own answer as the expectation replays clean:
    the .test text (labels with newlines and UTF-8, gaps, stale, NaN) reads back."""
    rng = random.Random(seed)
    data_gen = DataGenerator(rng)
    gen = ExprGenerator(rng, ALL_FUNCTIONS - {"holt_winters"}, ALL_AGGREGATIONS)
    target = Target("the engine itself", "", 3)
    checked = 0
    for _ in range(60):
        data = data_gen.dataset()
        engine = Engine(load(data, ""), compat=3)
        for q in (Query(data.end_ms), Query(0, data.end_ms + 60_000, 30_000)):
            expr = gen.gen("vector", 0)
            ours = ask_engine(engine, expr.text(""), q)
            if ours.kind not in ("vector", "matrix", "scalar"):
                continue
            text = render_case(Finding(data, expr, q, ours, ours), target)
            assert differs(text, 3) is None, text
            checked += 1
    assert checked > 50


def test_known_causes_are_narrow() -> None:
    empty = Dataset(60_000)
    nan_k = Finding(
        empty,
        leaf("vector", "topk(scalar(m0), m0)"),
        Query(0),
        Outcome("vector"),
        Outcome("error", text="Parameter value is NaN"),
    )
    found = explain(nan_k, 3)
    assert found is not None and "k NaN" in found.name
    # 2.42 refuses a NaN k too: in compat 2 the same answers are a finding.
    assert explain(nan_k, 2) is None
    # A fixed cause of issue 16 is no longer explained away.
    dup = Finding(
        empty,
        leaf("vector", "a + on() b"),
        Query(0),
        Outcome("vector"),
        Outcome("error", text="... matching labels must be unique on one side"),
    )
    assert explain(dup, 3) is None
    plain = Finding(
        empty,
        leaf("vector", "rate(m0[5m])"),
        Query(0),
        Outcome("vector", (((("a", "b"),), ((0, 1.0),)),)),
        Outcome("vector"),
    )
    assert explain(plain, 3) is None
    assert explain(plain, 2) is None


def test_a_last_bit_amplified_by_a_variance_is_known_only_when_tiny() -> None:
    empty = Dataset(60_000)

    def finding(expr: str, theirs: float, ours: float) -> Finding:
        def out(v: float) -> Outcome:
            return Outcome("matrix", (((), ((449_000, v),)),))

        return Finding(empty, leaf("matrix", expr), Query(449_000), out(theirs), out(ours))

    # The CI seed's case: stdvar of tanh values near 1.
    seen = finding("stdvar by () (tanh(m2))", 1.9252289696742787e-22, 1.9252443743404946e-22)
    found = explain(seen, 2)
    assert found is not None and "cancellation" in found.name
    # Not without a Go math function, nor for a difference that is not tiny.
    assert explain(finding("stdvar by () (m2)", 1.9252289696742787e-22, 1.9e-22), 2) is None
    assert explain(finding("stdvar by () (tanh(m2))", 0.5, 0.25), 2) is None
