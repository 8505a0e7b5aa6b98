"""The daily job over a PostgreSQL store: no cache or artifact, the password from a secret."""

from __future__ import annotations

import yaml

from pytest_burnin.burnin.schedule import Job, emit

URL = "postgresql://burnin@db.internal:5432/history"


def test_github_workflow_over_a_database() -> None:
    data = yaml.safe_load(emit("github", Job(store=URL)))
    job = data["jobs"]["burnin"]
    assert job["env"] == {"BURNIN_STORE_PASSWORD": "${{ secrets.BURNIN_STORE_PASSWORD }}"}
    assert "concurrency" not in data  # several services' jobs may write at once
    uses = [s.get("uses") for s in job["steps"]]
    assert not any(u and ("cache" in u or "artifact" in u) for u in uses)
    assert [s["run"] for s in job["steps"] if "run" in s] == [
        "pip install -e '.[postgres]'",
        f"burnin record --store {URL} slo_specs",
        "pytest --burnin --junitxml=.burnin/burnin.xml",
    ]


def test_cron_over_a_database_logs_to_the_default_folder() -> None:
    line = emit("cron", Job(store=URL, workdir="/srv/app"))
    assert "mkdir -p .burnin" in line and ">> .burnin/cron.log" in line
    assert f"record --store {URL} slo_specs" in line
