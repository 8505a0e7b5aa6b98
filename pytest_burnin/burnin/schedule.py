"""Definitions that run the daily burn-in job: a GitHub Actions workflow, systemd units, cron.

Every form runs ``burnin record`` (the day's records) and then
``pytest --burnin`` (the gate), once a day shortly after midnight UTC, when the
previous day has ended. Pure text rendering: one function per form, ``emit``
picks one, tests compare the exact text.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from ..errors import BurninError
from ..paths import DEFAULT_STORE
from ..store.location import is_postgres

KINDS = ("github", "systemd", "cron")


@dataclass(frozen=True)
class Job:
    specs: str = "slo_specs"
    store: str = DEFAULT_STORE
    at: str = "00:30"  # HH:MM, UTC (cron: the cron daemon's time zone)
    name: str = "burnin"
    workdir: str = "."
    burnin: str = "burnin"  # the command (a venv's bin/burnin for systemd and cron)
    pytest: str = "pytest"
    python_version: str = "3.12"
    install: str = "pip install -e ."  # GitHub only: how the job gets pytest-burnin

    def hour_minute(self) -> tuple[int, int]:
        m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", self.at)
        if not m:
            raise BurninError(f"schedule time {self.at!r} must be HH:MM (24-hour, UTC)")
        return int(m.group(1)), int(m.group(2))

    def record_cmd(self) -> str:
        q = shlex.quote
        return f"{q(self.burnin)} record --store {q(self.store)} {q(self.specs)}"

    def gate_cmd(self) -> str:
        q = shlex.quote
        return f"{q(self.pytest)} --burnin --junitxml={q(self.store_dir() + '/burnin.xml')}"

    def store_dir(self) -> str:
        if is_postgres(self.store):  # a database: the job's own outputs go to the default folder
            return DEFAULT_STORE.rsplit("/", 1)[0]
        return self.store.rsplit("/", 1)[0] if "/" in self.store else "."


def github(job: Job) -> str:
    hour, minute = job.hour_minute()
    if is_postgres(job.store):
        return github_postgres(job)
    # The store travels between runs in the Actions cache (a new key per run,
    # restored by prefix: caches are immutable) and, because a cache unused for
    # 7 days is evicted, also as an artifact kept 90 days. One run at a time:
    # two runs racing would each save their own copy and one would be lost.
    store_dir = job.store_dir()
    return f"""\
# Daily burn-in job: records yesterday, then gates on the burn-in verdicts.
name: {job.name}
on:
  schedule:
    - cron: "{minute} {hour} * * *"
  workflow_dispatch: {{}}
concurrency:
  group: {job.name}-history
  cancel-in-progress: false
permissions:
  contents: read
jobs:
  burnin:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{job.python_version}"
      - run: {job.install}
      - name: Restore the history store
        uses: actions/cache/restore@v4
        with:
          path: {store_dir}
          key: {job.name}-history-${{{{ github.run_id }}}}
          restore-keys: {job.name}-history-
      - name: Record the day
        run: {job.record_cmd()}
      - name: Save the history store
        if: always()
        uses: actions/cache/save@v4
        with:
          path: {store_dir}
          key: {job.name}-history-${{{{ github.run_id }}}}
      - name: Keep the history store as an artifact
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: {job.name}-history
          path: {job.store}
          retention-days: 90
      - name: Burn-in gate
        run: {job.gate_cmd()}
"""


def github_postgres(job: Job) -> str:
    """The daily job over a PostgreSQL store: nothing to carry between runners.

    The database outlives every runner and takes concurrent jobs (several
    services' daily jobs may write at once), so there is no cache or artifact
    step and no concurrency group; the password comes from a repository
    secret into BURNIN_STORE_PASSWORD, never from the URL.
    """
    hour, minute = job.hour_minute()
    # The driver is the `postgres` extra; a custom install line is the user's to adjust.
    install = "pip install -e '.[postgres]'" if job.install == Job.install else job.install
    return f"""\
# Daily burn-in job: records yesterday into the shared PostgreSQL store, then gates.
name: {job.name}
on:
  schedule:
    - cron: "{minute} {hour} * * *"
  workflow_dispatch: {{}}
permissions:
  contents: read
jobs:
  burnin:
    runs-on: ubuntu-latest
    env:
      # A repository secret; the URL names user, host, port and database only.
      BURNIN_STORE_PASSWORD: ${{{{ secrets.BURNIN_STORE_PASSWORD }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{job.python_version}"
      - run: {install}
      - name: Record the day
        run: {job.record_cmd()}
      - name: Burn-in gate
        run: {job.gate_cmd()}
"""


def systemd(job: Job) -> str:
    hour, minute = job.hour_minute()
    unit = f"{job.name}.service"
    # Persistent=true runs a missed day's job at the next boot, so a machine
    # that was off at 00:30 still records that day.
    return f"""\
# --- {unit} ---
[Unit]
Description=pytest-burnin daily burn-in record and gate
Wants=network-online.target
After=network-online.target

[Service]
# Give absolute paths (a virtualenv's bin/burnin and bin/pytest): systemd does
# not see your shell's PATH.
Type=oneshot
WorkingDirectory={job.workdir}
ExecStart={job.record_cmd()}
ExecStart={job.gate_cmd()}
TimeoutStartSec=1h

# --- {job.name}.timer ---
[Unit]
Description=Run {unit} daily at {hour:02d}:{minute:02d} UTC

[Timer]
OnCalendar=*-*-* {hour:02d}:{minute:02d}:00 UTC
Persistent=true
Unit={unit}

[Install]
WantedBy=timers.target
"""


def cron(job: Job) -> str:
    hour, minute = job.hour_minute()
    q = shlex.quote
    log = q(job.store_dir() + "/cron.log")
    return (
        # mkdir first: the log's folder must exist before the shell opens the log.
        f"{minute} {hour} * * * cd {q(job.workdir)} && mkdir -p {q(job.store_dir())}"
        f" && {job.record_cmd()} >> {log} 2>&1"
        f" && {job.gate_cmd()} >> {log} 2>&1\n"
    )


def emit(kind: str, job: Job | None = None) -> str:
    """The job definition for ``kind`` (``github``, ``systemd`` or ``cron``)."""
    job = job or Job()
    forms = {"github": github, "systemd": systemd, "cron": cron}
    if kind not in forms:
        raise BurninError(f"unknown schedule kind {kind!r}; use one of {', '.join(KINDS)}")
    return forms[kind](job)
