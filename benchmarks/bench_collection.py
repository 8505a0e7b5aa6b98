"""Collection time of 1,000 spec entries (target < 1 s on a 2-core machine).

Writes 10 spec files of 100 SLO entries each, then runs ``pytest --burnin
--collect-only`` in-process and times the collection phase alone (from
``pytest_collection`` to ``pytest_collection_finish``), median of several
rounds: once for the SLO entries alone (the alert proofs switched off with
``-p no:pytest_burnin.plugin.slo_glue``), once as users get it, each SLO with
the items that prove its generated alerts page in time (4 per SLO here).
Run: ``python benchmarks/bench_collection.py [--entries N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import pytest

SLO = """\
apiVersion: burnin/v1
kind: SLO
metadata: {{name: slo-{i}, owner: team-{t}, oncall: "#oncall-{t}"}}
spec:
  indicator:
    ratio:
      bad: sum(increase(errors_total{{service="s{i}"}}[{{{{window}}}}]))
      total: sum(increase(requests_total{{service="s{i}"}}[{{{{window}}}}]))
  objective: {{below: 0.01}}
  window: 14d
"""


class Timer:
    def __init__(self) -> None:
        self.start = 0.0
        self.elapsed = 0.0
        self.items = 0

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self) -> None:
        self.start = time.perf_counter()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.elapsed = time.perf_counter() - self.start
        self.items = len(session.items)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        specs = root / "slo_specs"
        specs.mkdir()
        (root / "pytest.ini").write_text("[pytest]\n")
        per_file = 100
        for f in range(max(1, args.entries // per_file)):
            docs = [SLO.format(i=f * per_file + i, t=i % 7) for i in range(per_file)]
            (specs / f"slos_{f:02d}.yaml").write_text("---\n".join(docs))
        cwd = os.getcwd()
        os.chdir(root)
        try:
            for label, extra in (
                ("SLO entries alone", ["-p", "no:pytest_burnin.plugin.slo_glue"]),
                ("with their alert proofs", []),
            ):
                times: list[float] = []
                items = 0
                for _ in range(args.rounds):
                    timer = Timer()
                    argv = ["--burnin", "--collect-only", "-q", "-p", "no:cacheprovider", *extra]
                    pytest.main(argv, plugins=[timer])
                    times.append(timer.elapsed)
                    items = timer.items
                if not extra:
                    assert items > args.entries, items  # every SLO brings its proofs
                else:
                    assert items == args.entries, items
                print(
                    f"collection of {args.entries} SLO entries in {args.entries // per_file} "
                    f"files, {label}: {items} items"
                )
                print(
                    f"  median {statistics.median(times):.3f} s, best {min(times):.3f} s "
                    f"over {args.rounds} rounds (target < 1 s for the entries alone)"
                )
        finally:
            os.chdir(cwd)


if __name__ == "__main__":
    main()
