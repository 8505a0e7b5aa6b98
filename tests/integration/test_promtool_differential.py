"""Differential: the real promtool 2.42 and the embedded engine (compat 2) give the
same verdict for every test group of the 2.x corpora in ../shared/peer-suites.

One promtool process per file; where promtool fails a file, each of its groups
is run alone through promtool to know which ones fail (promtool's output does
not always name the group).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

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
    pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed"),
]


@pytest.mark.parametrize("test_file", FILES, ids=[str(f.relative_to(PEER_SUITES)) for f in FILES])
def test_same_verdict_per_group_as_promtool(test_file: Path) -> None:
    from pytest_burnin.rules.promtool import RunOptions, run_file
    from pytest_burnin.rules.promtool_binary import run_group_with_promtool

    ours = {r.index: r for r in run_file(test_file, RunOptions(compat=2))}
    whole = subprocess.run(
        ["promtool", "test", "rules", test_file.name],
        cwd=test_file.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if whole.returncode == 0:
        theirs = dict.fromkeys(ours, True)
    else:
        theirs = {i: run_group_with_promtool(test_file, i).passed for i in ours}
    known = KNOWN_2_42_BUGS.get(test_file.relative_to(PEER_SUITES).as_posix())
    if known is not None:
        assert not all(theirs.values()), f"promtool no longer fails this file ({known})"
        assert all(r.passed for r in ours.values()), (
            "the engine should pass it, as its authors expect"
        )
        return
    differ = [
        f"group {i} ({ours[i].title}): promtool {'passes' if theirs[i] else 'fails'}, "
        f"we {ours[i].status}: {ours[i].summary()}"
        for i in sorted(ours)
        if theirs[i] != ours[i].passed
    ]
    assert not differ, "\n".join(differ)
