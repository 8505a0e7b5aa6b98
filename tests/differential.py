"""The ``differential`` stage: tests that compare us with real Prometheus binaries at length.

They take minutes (the whole peer corpus through promtool 3.5.3, the fuzzer's
two-minute budget per Prometheus version), so the README's test command skips
them, with this reason shown in its summary (``-ra``), rather than hiding
them: they are always collected. ``.ci/run`` runs them as a stage of their
own: ``BURNIN_DIFFERENTIAL=1 python -m pytest -n 2 -q -m differential``.
"""

from __future__ import annotations

import os

import pytest

ENV_VAR = "BURNIN_DIFFERENTIAL"


def enabled() -> bool:
    return os.environ.get(ENV_VAR, "") not in ("", "0")


SKIP_REASON = (
    f"differential stage (minutes): set {ENV_VAR}=1 to run it, "
    f"e.g. {ENV_VAR}=1 python -m pytest -m differential"
)

# Module or test marks: `pytestmark = DIFFERENTIAL` or `@pytest.mark.parametrize(..., marks=...)`.
DIFFERENTIAL = [pytest.mark.differential, pytest.mark.skipif(not enabled(), reason=SKIP_REASON)]
