"""The ``file`` metric source (pytest_burnin.sources.file)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pytest_burnin.openmetrics import OpenMetricsError
from pytest_burnin.promql.labels import labels_from
from pytest_burnin.sources.file import FileSource, FileSourceError, clear_cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def names(src: FileSource) -> set[str]:
    return {dict(s.labels)["__name__"] for s in src.storage()}


def test_path_is_relative_to_the_spec_folder(tmp_path: Path) -> None:
    write(tmp_path / "data" / "a.om", "a_total 1 100\na_total 2 200\n# EOF\n")
    src = FileSource.from_spec({"type": "file", "path": "data/a.om"}, base_dir=tmp_path)
    assert src.describe() == "file data/a.om"  # not loaded yet: no counts
    assert src.time_bounds() == (100_000, 200_000)
    assert names(src) == {"a_total"}
    assert src.describe() == (
        "file data/a.om (1 series, 2 samples, 1970-01-01T00:01:40Z .. 1970-01-01T00:03:20Z)"
    )


def test_globs_and_lists_merge_files(tmp_path: Path) -> None:
    write(tmp_path / "d" / "one.om", "a 1 1\n# EOF\n")
    write(tmp_path / "d" / "two.om", "b 1 2\n# EOF\n")
    write(tmp_path / "x.prom", "c 1 3000\n")
    src = FileSource.from_spec({"type": "file", "path": ["d/*.om", "x.prom"]}, base_dir=tmp_path)
    assert names(src) == {"a", "b", "c"}
    assert src.time_bounds() == (1000, 3000)
    assert [st.source for st in src.load_stats()] == [
        str((tmp_path / p).resolve()) for p in ("d/one.om", "d/two.om", "x.prom")
    ]


def test_same_series_in_two_files_merge(tmp_path: Path) -> None:
    write(tmp_path / "1.om", 'a{x="1"} 1 1\n# EOF\n')
    write(tmp_path / "2.om", 'a{x="1"} 2 2\n# EOF\n')
    src = FileSource(["*.om"], base_dir=tmp_path)
    (series,) = list(src.storage())
    assert series.labels == labels_from({"__name__": "a", "x": "1"})
    assert (series.ts, series.vs) == ([1000, 2000], [1.0, 2.0])


def test_sources_sharing_a_file_parse_it_once(tmp_path: Path) -> None:
    f = write(tmp_path / "a.om", "a 1 1\n# EOF\n")
    first = FileSource(["a.om"], base_dir=tmp_path)
    second = FileSource([str(f)], base_dir=Path("/elsewhere"))  # absolute path, same file
    assert first.storage() is second.storage()
    write(f, "a 1 1\nb 1 2\n# EOF\n")  # another size: the cache must not serve the old one
    third = FileSource(["a.om"], base_dir=tmp_path)
    assert third.storage() is not first.storage()
    assert names(third) == {"a", "b"}
    assert names(first) == {"a"}  # a source keeps what it loaded


def test_missing_files_are_errors(tmp_path: Path) -> None:
    with pytest.raises(FileSourceError, match=r"no such file .*nope\.om"):
        FileSource(["nope.om"], base_dir=tmp_path).storage()
    with pytest.raises(FileSourceError, match=r"no file matches .*\*\.om"):
        FileSource(["*.om"], base_dir=tmp_path).time_bounds()


def test_parse_errors_keep_their_place(tmp_path: Path) -> None:
    write(tmp_path / "bad.om", "a 1 1\na x 1\n# EOF\n")
    with pytest.raises(OpenMetricsError) as info:
        FileSource(["bad.om"], base_dir=tmp_path).storage()
    assert (info.value.line, info.value.col) == (2, 3)
    assert info.value.path == str((tmp_path / "bad.om").resolve())


def test_a_file_without_samples_has_no_time_bounds(tmp_path: Path) -> None:
    write(tmp_path / "empty.om", "# TYPE a counter\n# EOF\n")
    src = FileSource(["empty.om"], base_dir=tmp_path)
    assert len(src.storage()) == 0
    with pytest.raises(FileSourceError, match="holds no samples"):
        src.time_bounds()


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-11-24T00:00:00Z",
        datetime(2026, 11, 24, tzinfo=timezone.utc),
        datetime(2026, 11, 24),  # naive: read as UTC
        1795478400,
    ],
)
def test_timestamp_for_samples_written_without_one(tmp_path: Path, stamp: object) -> None:
    write(tmp_path / "snap.prom", "up 1\n")
    src = FileSource.from_spec(
        {"type": "file", "path": "snap.prom", "timestamp": stamp}, base_dir=tmp_path
    )
    assert src.time_bounds() == (1_795_478_400_000, 1_795_478_400_000)


def test_samples_without_timestamp_need_one(tmp_path: Path) -> None:
    write(tmp_path / "snap.prom", "up 1\n")
    with pytest.raises(OpenMetricsError, match="no timestamp"):
        FileSource(["snap.prom"], base_dir=tmp_path).storage()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"type": "prometheus", "path": "a"}, "expected 'file'"),
        ({"type": "file"}, "'path' must be a string or a list"),
        ({"type": "file", "path": []}, "'path' must be a string or a list"),
        ({"type": "file", "path": [1]}, "'path' must be a string or a list"),
        ({"type": "file", "path": "a", "url": "x"}, "unknown key"),
        ({"type": "file", "path": "a", "timestamp": "yesterday"}, "bad timestamp"),
        ({"type": "file", "path": "a", "timestamp": True}, "bad timestamp"),
    ],
)
def test_bad_specs(spec: dict[str, object], message: str, tmp_path: Path) -> None:
    with pytest.raises(FileSourceError, match=message):
        FileSource.from_spec(spec, base_dir=tmp_path)
