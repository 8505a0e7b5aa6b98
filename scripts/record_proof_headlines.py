"""Record every alert proof's verdict and headline for the example, tests/slo/examples
and the Sloth corpus (../shared/slo-formats, when present), as JSON on stdout.

``tests/slo/proof_headlines.json`` was written by this script before the proofs
were made incremental and shared (issue 15); ``tests/slo/test_proof_headlines.py``
checks that the current proofs still give exactly those verdicts and headlines.
Usage: ``python scripts/record_proof_headlines.py > tests/slo/proof_headlines.json``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_burnin.slo.behaviour import run_check  # noqa: E402
from tests.slo.proof_corpus import proof_cases  # noqa: E402


def main() -> None:
    out: dict[str, list[object]] = {}
    for key, rules, check in proof_cases():
        t0 = time.perf_counter()
        result = run_check(rules, check)
        took = time.perf_counter() - t0
        out[key] = [result.passed, result.headline, result.skipped is not None]
        print(f"{took:6.2f}s {key}", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
