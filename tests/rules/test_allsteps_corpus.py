"""The peer promtool corpus, every rule evaluated (promtool's own mode): the fast path
(recording rules over all steps at once) gives every group the step path's result.

In the differential stage (minutes): ``BURNIN_DIFFERENTIAL=1 python -m pytest -m differential``.
"""

from __future__ import annotations

import pytest

from pytest_burnin.rules.promtool import RunOptions, run_group
from pytest_burnin.rules.testfile import TestFileError, find_test_files, load_test_file
from tests.conftest import PEER_SUITES
from tests.differential import DIFFERENTIAL

pytestmark = [
    *DIFFERENTIAL,
    pytest.mark.skipif(not PEER_SUITES.is_dir(), reason="../shared/peer-suites is absent"),
]

# Written for Prometheus 2.x: run in compat 2, as scripts/conformance_rules.py does.
FOLDERS = {
    "etcd-mixin": 2,
    "kubernetes-mixin-v0.13.0": 2,
    "kubernetes-mixin": 3,
    "prometheus-promtool-testdata-v2.42.0": 2,
    "prometheus-promtool-testdata": 3,
    "thanos-mixin": 2,
    "wikimedia-operations-alerts": 2,
}


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_fast_path_gives_the_step_paths_results(folder: str) -> None:
    compat = FOLDERS[folder]
    differ: list[str] = []
    fast_groups = 0
    for path in find_test_files(PEER_SUITES / folder):
        try:
            tf = load_test_file(path)
        except TestFileError:
            continue  # the conformance test reports these
        ignore = path.name == "rules_run_extrafields.yml"
        for g in tf.groups:
            fast, step = (
                run_group(
                    tf,
                    g,
                    RunOptions(
                        compat=compat,
                        ignore_unknown_fields=ignore,
                        evaluate_all_rules=True,
                        all_steps=on,
                    ),
                )
                for on in (True, False)
            )
            fast_groups += fast.all_steps_rules > 0
            if (str(fast), fast.status, fast.diffs) != (str(step), step.status, step.diffs):
                differ.append(f"{path}: group {g.index}:\n{fast}\n--- step path:\n{step}")
    assert not differ, "\n\n".join(differ[:5])
    if folder in ("kubernetes-mixin", "wikimedia-operations-alerts"):
        assert fast_groups > 0  # recording rules there: the fast path must be taken
