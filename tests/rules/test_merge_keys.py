"""YAML merge keys (``<<``) as Prometheus' YAML reads them: rule files use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.errors import SpecError
from pytest_burnin.spec.loader import load_documents


def _load(text: str) -> object:
    return load_documents(Path("rules.yaml"), text)[0].data


def test_keys_written_beside_a_merge_win_and_earlier_merges_win_over_later() -> None:
    assert _load("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n") == {
        "base": {"x": 1, "y": 2},
        "c": {"x": 1, "y": 3},
    }
    both = _load("b1: &b1 {x: 1}\nb2: &b2 {x: 2, z: 3}\nc: {<<: [*b1, *b2]}\n")
    assert isinstance(both, dict) and both["c"] == {"x": 1, "z": 3}


def test_a_merge_of_something_other_than_a_mapping_is_located() -> None:
    with pytest.raises(SpecError, match=r"rules.yaml:1:9: a merge key \(<<\) takes a mapping"):
        _load("a: {<<: 5}\n")


def test_a_key_written_twice_is_still_an_error_next_to_a_merge() -> None:
    with pytest.raises(SpecError, match="duplicate key 'y'"):
        _load("base: &b {x: 1}\nc:\n  <<: *b\n  y: 3\n  y: 4\n")
