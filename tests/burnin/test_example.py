"""The shipped example: 30 days recorded through the daily job end GA-ready."""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from pytest_burnin.burnin.commands import add_parsers
from pytest_burnin.burnin.records import SloCheck, record_day
from pytest_burnin.burnin.spec import BurnInSpec
from pytest_burnin.burnin.verdict import BurnInState, evaluate_all, status
from pytest_burnin.sources.engine_source import EngineSource
from pytest_burnin.sources.file import FileSource
from pytest_burnin.sources.local import make_local_source
from pytest_burnin.spec.model import Entry, document_kind, load_spec_file
from pytest_burnin.store.ingest import ingest_text
from pytest_burnin.store.sqlite import Store

from .conftest import DATA, NOW, REPO

START = date(2026, 10, 26)
DAYS = [START + timedelta(days=i) for i in range(30)]


def slo_entries() -> list[Entry]:
    docs = load_spec_file(REPO / "slo_specs" / "slos.yaml")
    return [Entry(document_kind(d), d.data["metadata"]["name"], d) for d in docs]


def file_source(path: Path = DATA) -> EngineSource:
    files = FileSource([str(path)], base_dir=path.parent)
    return EngineSource("ingest-data", files.storage, files.describe())


def spec() -> BurnInSpec:
    names = tuple(e.name for e in slo_entries())
    return BurnInSpec("ga", START, 30, "14d", names, ("IntegrityRateHigh",))


def test_thirty_shipped_days_pass(store: Store) -> None:
    source = file_source()
    checks = [SloCheck(e, window="14d") for e in slo_entries()]
    for day in DAYS:
        assert record_day(store, day, checks, source, now=NOW).passed
    integrity = {
        r[0]: r[1]
        for r in store.query("SELECT day, value FROM daily_records WHERE check_name = 'integrity'")
    }
    # The 2026-11-12 incident lifts the 14-day share, and it stays under 1%.
    assert integrity["2026-11-12"] > integrity["2026-11-11"]
    assert max(integrity.values()) < 0.01
    state = BurnInState.load(store, spec(), now=NOW)
    ev = evaluate_all(state)
    assert all(e.passed for e in ev.values()), [e.headline for e in ev.values()]
    assert ev["objectives"].headline.startswith(
        "BurnIn ga: every day's 14d objective held (30 days); closest: integrity 0.481% on 2026-11-12"
    )
    assert status(state) == "GA-ready"


def test_local_source_gives_the_same_records_as_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with Store(path) as store:
        stats = ingest_text(store, DATA.read_text(encoding="utf-8"))
    assert (stats.series, stats.samples) == (7, 60_480)
    entries = slo_entries()
    local, files = make_local_source(path), file_source()
    t_ms = files.default_time()
    for e in entries:
        a = SloCheck(e, window="14d").evaluate(local, t_ms)
        b = SloCheck(e, window="14d").evaluate(files, t_ms)
        assert a.value == b.value and a.verdict == b.verdict == "pass"


def test_a_sustained_breach_fails_the_days_it_covers(tmp_path: Path) -> None:
    data = tmp_path / "breach.om"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "generate_example_data.py"),
            "--breach",
            "-o",
            str(data),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    source = file_source(data)
    checks = [SloCheck(e, window="14d") for e in slo_entries() if e.name == "integrity"]
    with Store(tmp_path / "h.sqlite") as store:
        for day in DAYS:
            record_day(store, day, checks, source, now=NOW)
        s = BurnInSpec("ga", START, 30, "14d", ("integrity",))
        obj = evaluate_all(BurnInState.load(store, s, now=NOW))["objectives"]
    assert not obj.passed
    assert "missed the 14d objective" in obj.headline and "2026-11-24" in obj.details[-1]


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="burnin")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_commands_end_to_end(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "h.sqlite")
    days = [a for d in DAYS[:29] for a in ("--day", d.isoformat())]
    assert run("record", "--store", store, str(project), *days) == 0
    out = capsys.readouterr().out
    assert "frozen: baseline of 1 file(s) recorded" in out
    assert "recorded 2026-11-12: integrity 0.00480558 pass" in out
    assert run("status", "--store", store, "--as-of", "2026-11-24", str(project)) == 1
    out = capsys.readouterr().out
    assert "FAIL  BurnIn ga: day 30 of 30, 1 day(s) missing: 2026-11-24" in out
    assert out.endswith("not GA-ready:\n  - day 30 of 30, 1 day(s) missing: 2026-11-24\n")
    assert run("record", "--store", store, str(project), "--day", "2026-11-24") == 0
    assert run("incident", "--store", store, "open", "scoring drift", "--severity", "sev2") == 0
    (project / "scoring" / "formula.py").write_text("WEIGHT = 0.8\n")
    assert (
        run("freeze", "--store", store, str(project), "--incident", "1", "--note", "reweight") == 0
    )
    assert run("incident", "--store", store, "resolve", "1", "--note", "done") == 0
    assert run("incident", "--store", store, "list") == 0
    capsys.readouterr()
    assert run("status", "--store", store, "--as-of", "2026-11-24", str(project)) == 0
    out = capsys.readouterr().out
    assert "PASS  BurnIn ga: 1 frozen file(s) unchanged, 1 change(s) under an open incident" in out
    assert out.rstrip().endswith("GA-ready")


def test_command_errors_are_one_line_exit_2(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "h.sqlite")
    assert run("record", "--store", store, str(project), "--day", "2099-01-01") == 2
    assert (
        "burnin record: cannot record 2099-01-01: the day has not begun" in capsys.readouterr().err
    )
    assert run("record", "--store", store, str(project), "--day", "11/24/2026") == 2
    assert "--day '11/24/2026' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
    assert run("incident", "--store", store, "resolve", "7") == 2
    assert capsys.readouterr().err == "burnin incident: no incident #7\n"
    assert run("freeze", "--store", store, str(project), "--incident", "7", "--note", "x") == 2
    (project / "burnin.yaml").write_text(
        "apiVersion: burnin/v1\nkind: BurnIn\nmetadata: {name: ga}\nspec: {start: tomorrow, slos: [integrity]}\n"
    )
    assert run("status", "--store", store, str(project)) == 2
    err = capsys.readouterr().err
    assert "burnin.yaml:4:8: spec.start: 'tomorrow' is not valid" in err


def test_burnin_kind_handler(project: Path, tmp_path: Path) -> None:
    from pytest_burnin.burnin.kind import BurnInKind
    from pytest_burnin.context import RunContext
    from pytest_burnin.errors import EvaluationError
    from pytest_burnin.project import project_at

    docs = load_spec_file(project / "burnin.yaml")
    entry = Entry("BurnIn", "ga", docs[0])
    kind = BurnInKind(now=NOW)
    kind.check(entry)
    assert ("burnin.start", "2026-10-26") in kind.static_properties(entry)
    ctx = RunContext(project_at(tmp_path))
    with pytest.raises(EvaluationError, match="no history store at"):
        kind.evaluate(entry, ctx)
    days = [a for d in DAYS for a in ("--day", d.isoformat())]
    store = str(tmp_path / ".burnin" / "history.sqlite")
    assert run("record", "--store", store, str(project), *days) == 0
    ev = kind.evaluate(entry, ctx)
    assert ev.passed and ev.headline == "BurnIn ga: exit criteria met after 30 of 30 days: GA-ready"
    assert ev.details[0] == "PASS BurnIn ga: day 30 of 30, no missing day"
    props = dict(ev.properties)
    assert props["burnin.objectives"] == "true" and props["missing_days"] == ""
    early = BurnInKind(now=NOW, as_of=date(2026, 11, 5))
    assert early.evaluate(entry, ctx).headline == (
        "BurnIn ga: exit criteria not met: 19 more day(s) to run (day 11 of 30)"
    )
    on_track = BurnInKind(now=NOW, as_of=date(2026, 11, 5), in_progress_passes=True)
    ev = on_track.evaluate(entry, ctx)
    assert ev.passed and ev.headline == "BurnIn ga: on track, day 11 of 30, all criteria met so far"
    (project / "scoring" / "formula.py").write_text("WEIGHT = 0.9\n")
    ev = kind.evaluate(entry, ctx)
    assert not ev.passed
    assert ev.headline == (
        "BurnIn ga: exit criteria not met: 1 frozen file(s) changed outside an open incident:"
        " scoring/formula.py"
    )


def test_a_day_the_data_does_not_reach_is_an_error_not_a_pass(store: Store) -> None:
    checks = [SloCheck(e, window="14d") for e in slo_entries()]
    result = record_day(store, date(2026, 11, 27), checks, file_source(), now=NOW)
    assert [o.verdict for o in result.outcomes] == ["error"] * 3
    assert result.outcomes[0].error is not None
    assert result.outcomes[0].error.startswith("no data for 2026-11-27 in file ")
    assert result.outcomes[0].error.endswith("(data 2026-10-26T00:00:07Z .. 2026-11-24T23:55:07Z)")
    before = record_day(store, date(2026, 10, 25), checks, file_source(), now=NOW)
    assert before.outcomes[0].verdict == "error"
