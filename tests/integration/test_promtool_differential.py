"""Differential: the real promtool 2.42 and the embedded engine (compat 2) give the
same verdict for every test group of the 2.x corpora in ../shared/peer-suites;
so do promtool 3.5.3 and the engine's default mode for every file of the corpus
(the differential stage, tests/differential.py).

One promtool process per file; where promtool fails a file, each of its groups
is run alone through promtool to know which ones fail (promtool's output does
not always name the group).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests import binaries, differential
from tests.conftest import PEER_SUITES

CORPORA_2X = (
    "prometheus-promtool-testdata-v2.42.0",
    "kubernetes-mixin-v0.13.0",
    "etcd-mixin",
    "thanos-mixin",
    "wikimedia-operations-alerts",
)


def _test_files() -> list[Path]:
    from pytest_burnin.rules.testfile import find_test_files

    return [f for corpus in CORPORA_2X for f in find_test_files(PEER_SUITES / corpus)]


FILES = _test_files() if PEER_SUITES.is_dir() else []


def find_all_test_files() -> list[Path]:
    from pytest_burnin.rules.testfile import find_test_files

    return find_test_files(PEER_SUITES) if PEER_SUITES.is_dir() else []


# Where promtool 2.42 is wrong and the file's authors (and later promtool) are
# right, the engine follows the authors: the difference must be exactly this.
KNOWN_2_42_BUGS = {
    "wikimedia-operations-alerts/team-search-platform/cirrus_streaming_updater_cloudelastic_test.yaml": (
        "promtool 2.42 evaluates rule expressions through String(), which sorts label "
        "matchers, so absent() keeps a label it should drop (fixed in 2.45)"
    ),
}

pytestmark = [
    pytest.mark.skipif(not PEER_SUITES.is_dir(), reason="../shared/peer-suites is absent"),
]
PROMTOOL_2 = pytest.mark.skipif(
    binaries.missing("promtool") is not None, reason=str(binaries.missing("promtool"))
)


def _verdicts(
    test_file: Path, compat: int, promtool: str
) -> tuple[dict[int, Any], dict[int, bool]]:
    """Our result per group, and promtool's pass/fail per group (each group alone
    through promtool only where the whole file fails)."""
    from pytest_burnin.rules.promtool import RunOptions, run_file
    from pytest_burnin.rules.promtool_binary import run_group_with_promtool

    ours = {r.index: r for r in run_file(test_file, RunOptions(compat=compat))}
    whole = subprocess.run(
        [promtool, "test", "rules", test_file.name],
        cwd=test_file.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if whole.returncode == 0:
        theirs = dict.fromkeys(ours, True)
    else:
        theirs = {i: run_group_with_promtool(test_file, i, promtool).passed for i in ours}
    return ours, theirs


def _differences(ours: dict[int, Any], theirs: dict[int, bool], promtool: str) -> list[str]:
    return [
        f"group {i} ({ours[i].title}): {promtool} {'passes' if theirs[i] else 'fails'}, "
        f"we {ours[i].status}: {ours[i].summary()}"
        for i in sorted(ours)
        if theirs[i] != ours[i].passed
    ]


@pytest.mark.parametrize("test_file", FILES, ids=[str(f.relative_to(PEER_SUITES)) for f in FILES])
@PROMTOOL_2
def test_same_verdict_per_group_as_promtool(test_file: Path) -> None:
    ours, theirs = _verdicts(test_file, 2, binaries.find("promtool").path)
    known = KNOWN_2_42_BUGS.get(test_file.relative_to(PEER_SUITES).as_posix())
    if known is not None:
        assert not all(theirs.values()), f"promtool no longer fails this file ({known})"
        assert all(r.passed for r in ours.values()), (
            "the engine should pass it, as its authors expect"
        )
        return
    differ = _differences(ours, theirs, "promtool")
    assert not differ, "\n".join(differ)


# Every promtool test file of the peer corpus, 2.x and current, against promtool
# 3.5.3 in the default mode (the differential stage: minutes).
ALL_FILES = find_all_test_files()

# Files whose verdict differs from promtool 3.5.3's for a documented reason
# (docs/promql.md, "Agreement with promtool 3.5.3"); the test checks that the
# difference is still there, so a fix shows up as a failure to update this table.
KNOWN_3_5_DIFFERENCES: dict[str, str] = {
    "prometheus-promtool-testdata/start-time-test.yml": (
        "uses the start_timestamp field, newer than promtool 3.5.3 (which fails the groups "
        "that use it); the engine reads the samples and passes them"
    ),
}


@pytest.mark.parametrize(
    "test_file", ALL_FILES, ids=[str(f.relative_to(PEER_SUITES)) for f in ALL_FILES]
)
@pytest.mark.differential
@pytest.mark.skipif(not differential.enabled(), reason=differential.SKIP_REASON)
def test_same_verdict_per_group_as_promtool_3_5(test_file: Path) -> None:
    promtool = binaries.require("promtool-3.5").path
    ours, theirs = _verdicts(test_file, 3, promtool)
    differ = _differences(ours, theirs, "promtool 3.5.3")
    known = KNOWN_3_5_DIFFERENCES.get(test_file.relative_to(PEER_SUITES).as_posix())
    if known is not None:
        assert differ, (
            f"now agrees with promtool 3.5.3: drop it from KNOWN_3_5_DIFFERENCES ({known})"
        )
        pytest.skip(f"known difference: {known}")
    assert not differ, "\n".join(differ)
