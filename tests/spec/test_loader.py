"""The spec loader: positions, duplicate keys, alias bombs, encodings, limits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_burnin.errors import SpecError
from pytest_burnin.spec.loader import MAX_SPEC_BYTES, load_documents
from pytest_burnin.spec.model import document_kind, load_spec_file

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{chr(ord('b') + i)}: &{chr(ord('b') + i)} [{', '.join(['*' + chr(ord('a') + i)] * 9)}]"
            for i in range(8)
        ),
    ]
)


def load(tmp_path: Path, text: str | bytes) -> list[object]:
    p = tmp_path / "s.yaml"
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text)
    return [d.data for d in load_documents(p)]


def error(tmp_path: Path, text: str | bytes) -> SpecError:
    with pytest.raises(SpecError) as info:
        p = tmp_path / "s.yaml"
        p.write_bytes(text if isinstance(text, bytes) else text.encode())
        for doc in load_spec_file(p):
            document_kind(doc)
    return info.value


def test_positions_are_kept_for_every_node(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("a: 1\nspec:\n  objective: {below: 0.01}\n  list:\n    - x\n    - y\n")
    (doc,) = load_documents(p)
    assert doc.where(("spec", "objective", "below")) == (
        3,
        15,
    )  # the key: where an editor should jump
    assert doc.where(("spec", "list", 1)) == (6, 7)
    assert doc.where(("spec", "missing", "deeper")) == (2, 1)  # nearest ancestor


def test_scalars_resolve_like_safe_load(tmp_path: Path) -> None:
    assert load(tmp_path, "a: 1\nb: 1.5\nc: true\nd: null\ne: '1'\nf: 2026-11-28\n") == [
        {"a": 1, "b": 1.5, "c": True, "d": None, "e": "1", "f": "2026-11-28"}
    ]


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    err = error(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert err.location.endswith("s.yaml:3:1")
    assert "duplicate key 'a' (first defined on line 1)" in str(err)
    assert "> 3 | a: 3" in str(err)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    start = time.perf_counter()
    err = error(tmp_path, BOMB)
    assert time.perf_counter() - start < 2.0
    assert "alias bomb" in str(err)


def test_tab_indentation_is_named(tmp_path: Path) -> None:
    err = error(tmp_path, "spec:\n\tname: x\n")
    assert err.line == 2
    assert "tab character used for indentation" in str(err)
    assert "replace the tabs with spaces" in str(err)


def test_non_utf8_bytes_name_the_line(tmp_path: Path) -> None:
    err = error(tmp_path, b"a: 1\nb: caf\xe9\n")
    assert (err.line, err.col) == (2, 7)
    assert "not valid UTF-8" in str(err)


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    err = error(tmp_path, "# only a comment\n")
    assert "spec file is empty" in str(err)


def test_oversized_file_is_refused_without_reading(tmp_path: Path) -> None:
    big = b"a: '" + b"x" * (10 * 1024 * 1024) + b"'\n"
    err = error(tmp_path, big)
    assert "10.5 MB, over the" in str(err)
    assert len(big) > MAX_SPEC_BYTES


def test_python_tags_are_refused(tmp_path: Path) -> None:
    err = error(tmp_path, "a: !!python/object/apply:os.system ['echo hi']\n")
    assert "is not allowed in specs" in str(err)


def test_document_without_kind(tmp_path: Path) -> None:
    err = error(tmp_path, "apiVersion: burnin/v1\nmetadata: {name: x}\n")
    assert "document has no kind" in str(err)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200))
def test_any_text_gives_data_or_a_spec_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    p = tmp_path_factory.mktemp("h") / "s.yaml"
    p.write_text(text, encoding="utf-8")
    try:
        for doc in load_spec_file(p):
            document_kind(doc)
    except SpecError as exc:
        assert str(exc).startswith(str(p))
