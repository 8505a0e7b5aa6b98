"""libyaml's parser under our constructors gives the same values and marks as PyYAML's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_burnin.rules import yamlmarks

REPO = Path(__file__).resolve().parents[2]
PEERS = REPO.parent / "shared" / "peer-suites"
FILES = sorted(REPO.glob("slo_specs/**/*.yaml")) + (
    sorted(PEERS.rglob("*.y*ml"))[:400] if PEERS.is_dir() else []
)
pytestmark = pytest.mark.skipif(len(yamlmarks._LOADERS) < 2, reason="PyYAML without libyaml")


def _marks(x: Any) -> Any:
    if isinstance(x, yamlmarks.MarkedDict):
        return [x.mark, x.key_marks, x.value_marks, x.raw, {k: _marks(v) for k, v in x.items()}]
    if isinstance(x, yamlmarks.MarkedList):
        return [x.mark, x.item_marks, x.raw_items, [_marks(v) for v in x]]
    return x


def test_same_values_and_marks_on_every_file() -> None:
    compared = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            slow = yaml.load(text, Loader=yamlmarks.MarkedLoader)
        except (yaml.YAMLError, yamlmarks.YamlError):
            continue  # multi-document or broken on purpose: load() reports these itself
        fast = yaml.load(text, Loader=yamlmarks._LOADERS[0])
        assert fast == slow, path
        assert _marks(fast) == _marks(slow), path
        compared += 1
    assert compared >= 10


@pytest.mark.parametrize(
    "text",
    ["a: b: c\n", "groups:\n- name: x\n  rules: [\n", "x: 'open\n", "\tx: 1\n", "a: 1\na: 2\n"],
)
def test_errors_keep_their_words_and_places(text: str) -> None:
    with pytest.raises(yamlmarks.YamlError) as got:
        yamlmarks.load(text)
    try:
        yaml.load(text, Loader=yamlmarks.MarkedLoader)
    except yamlmarks.YamlError as exc:
        want = (exc.msg, exc.line, exc.col)
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark
        assert m is not None
        want = (f"yaml: {exc.problem}", m.line + 1, m.column + 1)
    assert (got.value.msg, got.value.line, got.value.col) == want
