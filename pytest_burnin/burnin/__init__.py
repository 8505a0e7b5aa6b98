"""Burn-in policy: the daily record job, window verdicts, incidents and the config freeze.

Pure core (no pytest import). ``records`` is the daily job; ``incidents`` and
``freeze`` keep what the exit criteria look at; ``verdict`` turns it all into
``Evaluation`` values for ``kind: BurnIn``; ``schedule`` writes the job's
CI/systemd/cron definitions; ``commands`` are the CLI bodies. The history
store they write is ``pytest_burnin/store/``.
"""
