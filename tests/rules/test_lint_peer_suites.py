"""Rule lint with default settings over public rule files, unchanged (../shared/peer-suites).

The defaults must accept what real teams ship unless a rule is actually
broken: every alerting rule of kubernetes-mixin, etcd, thanos and wikimedia's
operations-alerts passes, except those listed in ``BROKEN`` with the reason.
Skips where ../shared is absent.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pytest_burnin.context import RunContext
from pytest_burnin.project import Project
from pytest_burnin.registry import builtin_kinds
from pytest_burnin.settings import Settings

PEER = Path(__file__).resolve().parents[2].parent / "shared" / "peer-suites"

# folder -> alerting rules in its rule files (a lint that silently saw nothing fails here).
SUITES = {
    "kubernetes-mixin": 65,
    "kubernetes-mixin-v0.13.0": 57,
    "etcd-mixin": 15,
    "thanos-mixin": 48,
    "wikimedia-operations-alerts": 669,
}

# (folder, rule file, alert) -> why the rule is actually broken. None found so far:
# every rule these projects ship can evaluate and render its notifications.
BROKEN: dict[tuple[str, str, str], str] = {}

pytestmark = pytest.mark.skipif(not PEER.is_dir(), reason=f"{PEER} is absent")


@pytest.mark.parametrize("folder", sorted(SUITES))
def test_default_lint_accepts_public_rule_files(folder: str) -> None:
    root = PEER / folder
    settings = Settings(rootdir=root, spec_paths=(root,), exclude=())
    project = Project(settings, builtin_kinds())
    ctx = RunContext(project)
    rules = project.entries("Rule")
    # Every file is read as it is, YAML merge keys (<<) included (26 wikimedia files).
    assert [str(err) for _, err in project.file_errors()] == []
    failed: dict[tuple[str, str, str], str] = {}
    warned: Counter[str] = Counter()
    for entry in rules:
        evaluation = project.handler("PrometheusRules").evaluate(entry, ctx)
        key = (folder, entry.path.relative_to(root).as_posix(), entry.name)
        if not evaluation.passed:
            failed[key] = evaluation.headline
        if evaluation.warning:
            warned[evaluation.warning.split("[")[-1]] += 1
    assert len(rules) == SUITES[folder]
    expected = {k: v for k, v in BROKEN.items() if k[0] == folder}
    assert sorted(failed) == sorted(expected), failed
    # Only the warning-level defaults speak: a paging alert without `for:` (a
    # choice some teams make for up == 0), never a stricter gate check.
    assert set(warned) <= {"for-duration]"}, warned
