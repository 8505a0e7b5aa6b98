"""The exposition-text parser and writer (pytest_burnin.openmetrics)."""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_burnin.openmetrics import (
    LoadStats,
    Metadata,
    OpenMetricsError,
    dump_openmetrics,
    format_timestamp_s,
    format_value,
    load_file,
    load_text,
)
from pytest_burnin.promql.labels import labels_from
from pytest_burnin.promql.storage import Storage


def samples(storage: Storage) -> dict[tuple[tuple[str, str], ...], list[tuple[int, float]]]:
    return {s.labels: list(zip(s.ts, s.vs, strict=True)) for s in storage}


def L(name: str, **labels: str) -> tuple[tuple[str, str], ...]:
    return labels_from({"__name__": name, **labels})


def load(text: str, **kw: Any) -> tuple[Storage, LoadStats]:
    s = Storage()
    stats = load_text(text, s, **kw)
    return s, stats


def error(text: str, **kw: Any) -> OpenMetricsError:
    with pytest.raises(OpenMetricsError) as info:
        load_text(text, Storage(), source="f.om", **kw)
    return info.value


# --- formats and timestamps ------------------------------------------------------------


def test_openmetrics_timestamps_are_seconds() -> None:
    text = (
        "# TYPE jobs counter\n"
        "# HELP jobs Jobs done.\n"
        'jobs_total{svc="a"} 1 1700000000\n'
        'jobs_total{svc="a"} 2 1700000000.5\n'
        'jobs_total{svc="a"} 3 1.7000000011e9\n'
        "# EOF\n"
    )
    s = Storage()
    st_ = load_text(text, s)
    assert samples(s) == {
        L("jobs_total", svc="a"): [
            (1_700_000_000_000, 1.0),
            (1_700_000_000_500, 2.0),
            (1_700_000_001_100, 3.0),
        ]
    }
    assert st_.openmetrics
    assert (st_.samples, st_.series) == (3, 1)
    assert (st_.min_ts, st_.max_ts) == (1_700_000_000_000, 1_700_000_001_100)
    assert st_.metadata == {"jobs": Metadata("counter", "Jobs done.")}


def test_prometheus_text_timestamps_are_milliseconds() -> None:
    text = (
        "# HELP up Whether the target is up.\n"
        "# TYPE up gauge\n"
        "# a free comment is fine in this format\n"
        "\n"
        'up{job="a"} 1 1700000000123\n'
        "up 0 1700000000456\n"
    )
    s = Storage()
    st_ = load_text(text, s)
    assert not st_.openmetrics
    assert samples(s) == {
        L("up", job="a"): [(1_700_000_000_123, 1.0)],
        L("up"): [(1_700_000_000_456, 0.0)],
    }
    assert st_.metadata["up"] == Metadata("gauge", "Whether the target is up.")


def test_help_escapes_differ_between_formats() -> None:
    _, om = load('# HELP a back\\\\slash \\"q\\" new\\nline\n# EOF\n')
    _, text = load('# HELP a back\\\\slash \\"q\\" new\\nline\n')
    assert om.metadata["a"].help == 'back\\slash "q" new\nline'
    assert text.metadata["a"].help == 'back\\slash \\"q\\" new\nline'  # 0.0.4 has no \"


def test_content_type_decides_the_format() -> None:
    s = Storage()
    st_ = load_text("up 1 1700000000\n# EOF\n", s, content_type="text/plain; version=0.0.4")
    assert not st_.openmetrics  # '# EOF' is a plain comment here, the timestamp is ms
    assert samples(s) == {L("up"): [(1_700_000_000, 1.0)]}
    e = error("up 1 1\n", content_type="application/openmetrics-text; version=1.0.0")
    assert (e.line, e.msg) == (2, "OpenMetrics text must end with '# EOF'")


def test_samples_without_timestamp_take_the_default() -> None:
    s, _ = load('a 1\nb{x="y"} 2 1700000000000\n', default_timestamp_ms=5)
    assert samples(s) == {L("a"): [(5, 1.0)], L("b", x="y"): [(1_700_000_000_000, 2.0)]}
    s, _ = load("a 1\n# EOF\n", default_timestamp_ms=7)
    assert samples(s) == {L("a"): [(7, 1.0)]}


def test_missing_timestamp_without_default_is_an_error() -> None:
    e = error("a 1 5\na 2\n")
    assert (e.line, e.col) == (2, 4)
    assert "no timestamp" in e.msg


def test_special_values() -> None:
    s, _ = load("a NaN 1\nb +Inf 1\nc -Inf 1\nd 1.5e3 1\ne -0.25 1\n# EOF\n")
    got = {dict(k)["__name__"]: v[0][1] for k, v in samples(s).items()}
    assert math.isnan(got["a"])
    assert got["b"] == math.inf
    assert got["c"] == -math.inf
    assert (got["d"], got["e"]) == (1500.0, -0.25)


def test_crlf_line_endings() -> None:
    s, _ = load("a 1 1\r\n# EOF\r\n")
    assert samples(s) == {L("a"): [(1000, 1.0)]}


# --- labels ----------------------------------------------------------------------------


def test_label_value_escapes_and_awkward_characters() -> None:
    text = (
        'a{v="back\\\\slash"} 1 1\n'
        'a{v="quote\\"d"} 1 1\n'
        'a{v="new\\nline"} 1 1\n'
        'a{v="brace } and , comma"} 1 1\n'
        'a{v="brace } and , comma"} 2 2\n'  # the second time takes the fast path
        'a{v="odd \\q escape"} 1 1\n'
        'a{v="ünïcødé"} 1 1\n'
        "# EOF\n"
    )
    s, _ = load(text)
    values = sorted(dict(k)["v"] for k in samples(s))
    assert values == sorted(
        [
            "back\\slash",
            'quote"d',
            "new\nline",
            "brace } and , comma",
            "odd \\q escape",
            "ünïcødé",
        ]
    )
    assert samples(s)[L("a", v="brace } and , comma")] == [(1000, 1.0), (2000, 2.0)]


def test_empty_label_values_are_dropped_and_order_does_not_matter() -> None:
    s, st_ = load('a{x="1",y=""} 1 1\na{y="",x="1"} 2 2\n# EOF\n')
    assert samples(s) == {L("a", x="1"): [(1000, 1.0), (2000, 2.0)]}
    assert st_.series == 1


def test_text_format_tolerates_spaces_and_a_trailing_comma() -> None:
    s, _ = load('a{ x = "1" , y="2", } 1 1\na{} 2 2\n')
    assert samples(s) == {L("a", x="1", y="2"): [(1, 1.0)], L("a"): [(2, 2.0)]}


# --- exemplars, histograms, summaries --------------------------------------------------


def test_exemplars_are_ignored() -> None:
    text = (
        "# TYPE rpc counter\n"
        'rpc_total{code="200"} 10 1 # {trace_id="abc def"} 1.0 0.5\n'
        'rpc_total{code="200"} 11 2 # {trace_id="x"} 2\n'
        "# EOF\n"
    )
    s, _ = load(text)
    assert samples(s) == {L("rpc_total", code="200"): [(1000, 10.0), (2000, 11.0)]}


def test_exemplars_are_an_error_in_the_text_format() -> None:
    e = error('rpc_total 10 1 # {trace_id="x"} 1\n')
    assert (e.line, e.col) == (1, 16)
    assert "exemplars are only allowed in OpenMetrics" in e.msg


def test_histogram_and_summary_lines_become_plain_series() -> None:
    text = (
        "# TYPE lat histogram\n"
        "# UNIT lat_seconds seconds\n"
        'lat_bucket{le="0.1"} 3 10\n'
        'lat_bucket{le="+Inf"} 5 10\n'
        "lat_sum 0.7 10\n"
        "lat_count 5 10\n"
        "lat_created 9 10\n"
        "# TYPE q summary\n"
        'q{quantile="0.99"} 0.2 10\n'
        "q_sum 1 10\n"
        "q_count 4 10\n"
        "# EOF\n"
    )
    s, st_ = load(text)
    assert set(samples(s)) == {
        L("lat_bucket", le="0.1"),
        L("lat_bucket", le="+Inf"),
        L("lat_sum"),
        L("lat_count"),
        L("lat_created"),  # kept, as Prometheus 2.x ingests it
        L("q", quantile="0.99"),
        L("q_sum"),
        L("q_count"),
    }
    assert st_.metadata["lat"].type == "histogram"
    assert st_.metadata["lat_seconds"].unit == "seconds"


# --- errors, each with its place ---------------------------------------------------------

ERRORS = [
    # (text, line, col, message part)
    ("a 1 1\n9bad 1 1\n# EOF\n", 2, 1, "bad metric name '9bad'"),
    ('{x="1"} 1 1\n# EOF\n', 1, 1, "needs a metric name"),
    ('a{1x="1"} 1 1\n# EOF\n', 1, 3, "expected a label name"),
    ('a{x"1"} 1 1\n# EOF\n', 1, 4, "expected '=' after label name 'x'"),
    ("a{x=1} 1 1\n# EOF\n", 1, 5, "expected '\"' to open"),
    ('a{x="1} 1 1\n# EOF\n', 1, 5, "unterminated value of label 'x'"),
    ('a{x="1" y="2"} 1 1\n# EOF\n', 1, 8, "expected ',' or '}'"),
    ('a{x="1",x="2"} 1 1\n# EOF\n', 1, 3, "label 'x' appears twice"),
    ('a{__name__="b"} 1 1\n# EOF\n', 1, 3, "'__name__' is reserved"),
    ("a one 1\n# EOF\n", 1, 3, "bad value 'one'"),
    ("a 1_000 1\n# EOF\n", 1, 3, "bad value '1_000'"),
    ("a 1 soon\n# EOF\n", 1, 5, "bad timestamp 'soon' (seconds)"),
    ("a 1 1 2\n# EOF\n", 1, 7, "unexpected text '2'"),
    ('a{x="1"}\n# EOF\n', 1, 9, "expected a value"),
    ('a{x="1"}1 1\n# EOF\n', 1, 9, "expected a space"),
    (" a 1 1\n# EOF\n", 1, 1, "must not start with whitespace"),
    ("a 1 1\n\n# EOF\n", 2, 1, "blank lines are not allowed"),
    ("# hello\na 1 1\n# EOF\n", 1, 1, "allows only # TYPE"),
    ("# TYPE a countr\n# EOF\n", 1, 10, "unknown metric type 'countr'"),
    ("# TYPE a counter\n# TYPE a gauge\n# EOF\n", 2, 1, "second # TYPE for 'a'"),
    ("# TYPE\n# EOF\n", 1, 7, "# TYPE needs a metric name"),
    ("# HELP 1a x\n# EOF\n", 1, 8, "bad metric name '1a'"),
    ("# UNIT a_bytes seconds\n# EOF\n", 1, 1, "must end with its unit '_seconds'"),
    ("a 1 1\n# EOF\nb 1 1\n", 3, 1, "content after '# EOF' (line 2)"),
]


@pytest.mark.parametrize(("text", "line", "col", "part"), ERRORS)
def test_errors_name_line_and_column(text: str, line: int, col: int, part: str) -> None:
    e = error(text)
    assert (e.line, e.col) == (line, col), e.msg
    assert part in e.msg
    assert e.path == "f.om"


def test_text_format_timestamps_must_be_integer_milliseconds() -> None:
    e = error("a 1 1.5\n")
    assert (e.line, e.col, e.msg) == (1, 5, "bad timestamp '1.5' (integer milliseconds)")


def test_error_text_shows_place_and_line() -> None:
    e = error('# TYPE a gauge\na{x="1"} oops 1\n# EOF\n')
    assert str(e) == (f"f.om:2:10: bad value 'oops'\n    a{{x=\"1\"}} oops 1\n    {' ' * 9}^")
    assert isinstance(e, ValueError)
    again = pickle.loads(pickle.dumps(e))
    assert (str(again), again.line, again.col) == (str(e), 2, 10)


def test_load_file_reports_undecodable_bytes(tmp_path: Path) -> None:
    p = tmp_path / "bad.om"
    p.write_bytes(b'a 1 1\nb{x="\xff"} 1 1\n# EOF\n')
    with pytest.raises(OpenMetricsError) as info:
        load_file(p, Storage())
    assert (info.value.path, info.value.line, info.value.col) == (str(p), 2, 6)
    assert "not UTF-8" in info.value.msg


def test_load_file_reads_a_file(tmp_path: Path) -> None:
    p = tmp_path / "ok.prom"
    p.write_text("a 1 1000\n", encoding="utf-8")
    s = Storage()
    st_ = load_file(p, s)
    assert (st_.source, st_.samples) == (str(p), 1)
    assert samples(s) == {L("a"): [(1000, 1.0)]}


# --- the writer ------------------------------------------------------------------------


def test_dump_writes_families_with_metadata() -> None:
    s = Storage()
    s.extend(L("jobs_total", svc="b"), [(1000, 1.0), (2500, 2.0)])
    s.extend(L("jobs_total", svc="a"), [(1000, 0.5)])
    s.extend(L("other"), [(-1500, math.inf)])
    text = dump_openmetrics(s, {"jobs": Metadata("counter", 'Jobs "done".\\', "")})
    assert text == (
        "# TYPE jobs counter\n"
        '# HELP jobs Jobs \\"done\\".\\\\\n'
        'jobs_total{svc="a"} 0.5 1\n'
        'jobs_total{svc="b"} 1 1\n'
        'jobs_total{svc="b"} 2 2.500\n'
        "# TYPE other unknown\n"
        "other +Inf -1.500\n"
        "# EOF\n"
    )
    back = Storage()
    st_ = load_text(text, back)
    assert samples(back) == samples(s)
    assert st_.metadata["jobs"].help == 'Jobs "done".\\'


def test_format_helpers() -> None:
    assert [format_value(v) for v in (1.0, -3.0, 0.1, 1e20, math.nan, -math.inf)] == [
        "1",
        "-3",
        "0.1",
        "1e+20",
        "NaN",
        "-Inf",
    ]
    assert [format_timestamp_s(t) for t in (0, 1000, 1001, -1, -2500)] == [
        "0",
        "1",
        "1.001",
        "-0.001",
        "-2.500",
    ]


label_names = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,8}", fullmatch=True).filter(
    lambda n: n != "__name__"
)
metric_names = st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,12}", fullmatch=True)
label_values = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
sample_lists = st.dictionaries(
    st.integers(-(10**12), 4 * 10**12),
    st.floats(allow_nan=False) | st.just(math.nan),
    min_size=1,
    max_size=5,
)
series_sets = st.lists(
    st.tuples(metric_names, st.dictionaries(label_names, label_values, max_size=3), sample_lists),
    min_size=1,
    max_size=6,
)


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@settings(max_examples=200, deadline=None)
@given(series_sets)
def test_dump_then_load_round_trips(
    data: list[tuple[str, dict[str, str], dict[int, float]]],
) -> None:
    s = Storage()
    for name, labels, points in data:
        s.extend(labels_from({**labels, "__name__": name}), sorted(points.items()))
    back = Storage()
    stats = load_text(dump_openmetrics(s), back)
    want, got = samples(s), samples(back)
    assert set(got) == set(want)
    for key, pts in want.items():
        assert [t for t, _ in got[key]] == [t for t, _ in pts]
        assert all(same(a, b) for (_, a), (_, b) in zip(got[key], pts, strict=True))
    assert stats.samples == sum(len(p) for p in want.values())


line_soup = st.lists(
    st.text(st.sampled_from('ab_{}="\\ ,#\t\r019.e+-xTYPEHLUNcounter'), max_size=30)
    | st.sampled_from(["# EOF", "# TYPE a counter", 'a{b="c"} 1 2', "a 1", "a NaN 1.5"]),
    max_size=6,
).map("\n".join)


@settings(max_examples=500, deadline=None)
@given(line_soup, st.sampled_from([None, 0]))
def test_any_text_loads_or_raises_a_located_error(text: str, default: int | None) -> None:
    try:
        load_text(text, Storage(), default_timestamp_ms=default)
    except OpenMetricsError as e:
        assert 1 <= e.line <= text.count("\n") + 2
        assert e.col >= 1
