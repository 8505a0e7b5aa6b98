"""Default paths, relative to the project's rootdir, in one place.

Every module that needs one of these imports it from here, so a project that
moves its state folder changes one ini setting, not eleven literals.
"""

from __future__ import annotations

STATE_DIR = ".burnin"
DEFAULT_STORE = f"{STATE_DIR}/history.sqlite"
DEFAULT_SPOOL = f"{STATE_DIR}/spool"
SNAPSHOT_FILE = f"{STATE_DIR}/last_run.json"
WEEKLY_DIR = f"{STATE_DIR}/reports"
DEFAULT_SPECS = "slo_specs"
SPEC_SUFFIXES = (".yaml", ".yml")

# YAML beside the specs that is not a spec (globs relative to a spec folder):
# configuration, data, evidence, sign-off records.
DEFAULT_EXCLUDE = ("config/*", "data/*", "evidence/*", "signoffs.yaml", "ga.yaml")
