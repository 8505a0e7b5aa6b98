"""Routing agrees with ``amtool config routes`` on the recorded corpus (../shared/alertmanager-configs)."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_burnin.alertmanager.config import load_config
from pytest_burnin.alertmanager.route import Route, receivers
from pytest_burnin.alertmanager.tree import routes_tree

from .conftest import AMTOOL, AMTOOL_033, CORPUS, routes_files

FILES = routes_files()
needs_corpus = pytest.mark.skipif(not FILES, reason=f"corpus {CORPUS} is absent")


def _cases(routes_file: Path) -> tuple[Path, list[dict[str, Any]]]:
    doc = yaml.safe_load(routes_file.read_text(encoding="utf-8"))
    return routes_file.parent / doc["config"], doc["cases"]


def _ids(files: list[Path]) -> list[str]:
    return [str(f.relative_to(CORPUS)) for f in files]


@needs_corpus
def test_corpus_is_big_enough() -> None:
    total = sum(len(_cases(f)[1]) for f in FILES)
    assert len(FILES) >= 25 and total >= 500, (len(FILES), total)


@needs_corpus
@pytest.mark.parametrize("routes_file", FILES, ids=_ids(FILES))
def test_receivers_equal_amtool_0_25(routes_file: Path) -> None:
    config_path, cases = _cases(routes_file)
    root = Route.build(load_config(config_path).route)
    wrong = []
    for case in cases:
        labels = {str(k): str(v) for k, v in (case["labels"] or {}).items()}
        ours = receivers(root, labels)
        if ours != case["receivers"]:
            wrong.append(f"{labels}: ours {ours}, amtool {case['receivers']}")
    assert not wrong, "\n".join(wrong)


TREES = sorted(CORPUS.rglob("*.tree.txt")) if CORPUS.is_dir() else []


@needs_corpus
@pytest.mark.parametrize("tree_file", TREES, ids=_ids(TREES))
def test_tree_equals_amtool_config_routes(tree_file: Path) -> None:
    config_path = tree_file.with_name(tree_file.name.removesuffix(".tree.txt"))
    root = Route.build(load_config(config_path).route)
    assert routes_tree(root) == tree_file.read_text(encoding="utf-8")


def _amtool(binary: str, config: Path, labels: dict[str, str]) -> list[str]:
    args = [binary, "config", "routes", "test", f"--config.file={config}"]
    args += [f'{k}="{v}"' for k, v in labels.items() if v != ""]
    out = subprocess.run(args, capture_output=True, text=True, timeout=30, check=True)
    return out.stdout.strip().split(",")


def _live(binary: str, per_file: int, version: str) -> None:
    rng = random.Random(13)
    wrong = []
    for routes_file in FILES:
        config_path, cases = _cases(routes_file)
        root = Route.build(load_config(config_path).route)
        tree = subprocess.run([binary, "config", "routes", f"--config.file={config_path}"],
                              capture_output=True, text=True, timeout=30, check=True).stdout  # fmt: skip
        if tree != routes_tree(root, version):
            wrong.append(f"{config_path.name}: tree differs")
        for case in rng.sample(cases, min(per_file, len(cases))):
            labels = {str(k): str(v) for k, v in (case["labels"] or {}).items()}
            theirs = _amtool(binary, config_path, labels)
            if receivers(root, labels) != theirs:
                wrong.append(
                    f"{config_path.name} {labels}: ours {receivers(root, labels)}, amtool {theirs}"
                )
    assert not wrong, "\n".join(wrong)


@pytest.mark.differential
@needs_corpus
@pytest.mark.skipif(AMTOOL is None, reason="amtool is not installed")
def test_receivers_equal_live_amtool_on_a_sample() -> None:
    assert AMTOOL is not None
    _live(AMTOOL, per_file=3, version="0.25")


@pytest.mark.differential
@needs_corpus
@pytest.mark.skipif(AMTOOL_033 is None, reason="BURNIN_AMTOOL_033 is not set (amtool 0.33.1)")
def test_receivers_equal_live_amtool_0_33_on_a_sample() -> None:
    assert AMTOOL_033 is not None
    _live(AMTOOL_033, per_file=5, version="0.33")


def _generated(binary: str, per_file: int) -> tuple[int, list[str]]:
    """Label sets generated from each corpus tree (not the recorded ones), asked of amtool live."""
    from .labelsets import label_sets

    rng = random.Random(29)
    wrong, asked = [], 0
    for routes_file in FILES:
        config_path, _ = _cases(routes_file)
        root = Route.build(load_config(config_path).route)
        sets = label_sets(root)
        for labels in rng.sample(sets, min(per_file, len(sets))):
            asked += 1
            theirs = _amtool(binary, config_path, labels)
            if receivers(root, labels) != theirs:
                wrong.append(
                    f"{config_path.name} {labels}: ours {receivers(root, labels)}, amtool {theirs}"
                )
    return asked, wrong


@pytest.mark.differential
@needs_corpus
@pytest.mark.parametrize("version", ["0.25", "0.33"])
def test_generated_label_sets_equal_live_amtool(version: str) -> None:
    binary = AMTOOL if version == "0.25" else AMTOOL_033
    if binary is None:
        pytest.skip(f"no amtool {version} (amtool on PATH; BURNIN_AMTOOL_033 for 0.33.1)")
    asked, wrong = _generated(binary, per_file=40)
    assert asked >= 500, asked
    assert not wrong, "\n".join(wrong)
