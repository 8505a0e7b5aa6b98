"""Burn-in: the local history store, the daily record job and the window verdicts.

Pure core (no pytest import). ``store`` owns the SQLite file; ``records`` is the
daily job; ``incidents`` and ``freeze`` keep what the exit criteria look at;
``verdict`` turns it all into ``Evaluation`` values for ``kind: BurnIn``;
``ingest`` and ``local_source`` make the store a metric source; ``schedule``
writes the job's CI/systemd/cron definitions; ``commands`` are the CLI bodies.
"""

from __future__ import annotations

DEFAULT_STORE = ".burnin/history.sqlite"
