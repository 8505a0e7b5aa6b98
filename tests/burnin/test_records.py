"""The daily job: one record per (day, check), remediation, run rows."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pytest_burnin.burnin.records import (
    CheckOutcome,
    FunctionCheck,
    RemediationResult,
    RunInfo,
    day_bounds_ms,
    record_day,
    record_remediation,
    remediation_stats,
)
from pytest_burnin.burnin.remediate import CommandRemediation
from pytest_burnin.burnin.rewrites import HistoryRewrite, Rewrite
from pytest_burnin.errors import BurninError, EvaluationError
from pytest_burnin.slo.evaluate import Objective
from pytest_burnin.store.sqlite import Store

from .conftest import NOW, START, const


def rows(store: Store) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in store.query(
            "SELECT day, check_name, value, verdict FROM daily_records ORDER BY day, check_name"
        )
    ]


def test_rerun_of_a_day_replaces_never_duplicates(store: Store) -> None:
    record_day(store, START, [const("a", 0.001), const("b", 0.002)], now=NOW)
    record_day(store, START, [const("a", 0.001), const("b", 0.002)], now=NOW)  # a retry
    assert len(rows(store)) == 2
    # A different result for a judged day rewrites history: only when asked for.
    again = [const("a", 0.005), const("b", 0.02)]
    with pytest.raises(HistoryRewrite, match="2026-11-01 is already recorded"):
        record_day(store, START, again, now=NOW)
    record_day(store, START, again, now=NOW, rewrite=Rewrite("vendor resent the data"))
    assert rows(store) == [
        ("2026-11-01", "a", 0.005, "pass"),
        ("2026-11-01", "b", 0.02, "fail"),
    ]
    # Every attempt is a run; the records point at the last one.
    assert store.query("SELECT count(*) FROM runs")[0][0] == 3
    assert {r[0] for r in store.query("SELECT run_id FROM daily_records")} == {3}
    audit = store.query(
        "SELECT check_name, old_value, old_verdict, new_value, new_verdict, reason"
        " FROM record_rewrites ORDER BY check_name"
    )
    assert [tuple(r) for r in audit] == [
        ("a", 0.001, "pass", 0.005, "pass", "vendor resent the data"),
        ("b", 0.002, "pass", 0.02, "fail", "vendor resent the data"),
    ]


def test_future_day_is_refused(store: Store) -> None:
    with pytest.raises(BurninError, match="has not begun"):
        record_day(store, NOW.date() + timedelta(days=1), [const("a", 0)], now=NOW)
    assert rows(store) == []


def test_today_is_measured_at_now_and_a_past_day_at_its_end(store: Store) -> None:
    seen: list[int] = []

    def measure(t_ms: int) -> float:
        seen.append(t_ms)
        return 0.0

    check = FunctionCheck("t", measure, Objective("at_most", 0))
    record_day(store, NOW.date(), [check], now=NOW)
    record_day(store, START, [check], now=NOW)
    assert seen == [int(NOW.timestamp() * 1000), day_bounds_ms(START)[1]]


def test_check_that_cannot_evaluate_is_an_error_record(store: Store) -> None:
    def broken(t_ms: int) -> float:
        raise EvaluationError("no data")

    result = record_day(store, START, [FunctionCheck("x", broken)], now=NOW)
    assert result.outcomes[0].verdict == "error" and result.outcomes[0].error == "no data"
    assert not result.passed
    assert rows(store) == [("2026-11-01", "x", None, "error")]


def test_duplicate_check_names_refused(store: Store) -> None:
    with pytest.raises(BurninError, match="unique"):
        record_day(store, START, [const("a", 0), const("a", 1)], now=NOW)


def test_remediation_runs_for_failing_checks_only_and_is_stored(store: Store) -> None:
    called: list[str] = []

    def remediate(day: date, o: CheckOutcome) -> RemediationResult:
        called.append(o.name)
        return RemediationResult("auto", f"fix {o.name}", 0, "fixed")

    result = record_day(
        store,
        START,
        [const("ok", 0.001), const("bad", 0.5)],
        remediate=remediate,
        now=NOW,
        run=RunInfo(("burnin", "record"), "abc123", "host1"),
    )
    assert called == ["bad"]
    assert result.remediations == [("bad", RemediationResult("auto", "fix bad", 0, "fixed"))]
    got = store.query(
        "SELECT day, check_name, mode, command, exit_code, output FROM remediation_actions"
    )
    assert [tuple(r) for r in got] == [("2026-11-01", "bad", "auto", "fix bad", 0, "fixed")]
    run = store.query("SELECT git_commit, host, argv, status FROM runs")[0]
    assert tuple(run) == ("abc123", "host1", "burnin record", "fail")


def test_a_raising_remediation_hook_does_not_lose_the_day(store: Store) -> None:
    def remediate(day: date, o: CheckOutcome) -> RemediationResult:
        raise RuntimeError("hook broke")

    record_day(store, START, [const("bad", 0.5)], remediate=remediate, now=NOW)
    assert rows(store) == [("2026-11-01", "bad", 0.5, "fail")]
    out = store.query("SELECT exit_code, output FROM remediation_actions")[0]
    assert out[0] is None and "hook broke" in out[1]


def test_auto_run_share(store: Store) -> None:
    rem = CommandRemediation([sys.executable, "-c", "print('ok {check} {day}')"])
    record_day(store, START, [const("bad", 0.5)], remediate=rem, now=NOW)
    record_remediation(store, START, "bad", mode="manual", command="by hand")
    record_remediation(store, START, "bad", mode="manual", command="by hand")
    record_remediation(store, START + timedelta(days=40), "bad", mode="auto")
    stats = remediation_stats(store, START, START + timedelta(days=29))
    assert (stats.auto, stats.manual) == (1, 2)
    assert stats.auto_run_share == pytest.approx(1 / 3)


def test_command_remediation_no_shell_captures_output_and_times_out() -> None:
    outcome = CheckOutcome("integrity", 0.02, Objective("below", 0.01), "fail")
    day = START
    ok = CommandRemediation(
        [sys.executable, "-c", "import sys; print(sys.argv[1:])", "{check}", "$(id);{day}"]
    )
    r = ok(day, outcome)
    assert r is not None and r.exit_code == 0 and r.mode == "auto"
    assert r.output.strip() == "['integrity', '$(id);2026-11-01']"
    slow = CommandRemediation(
        [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(30)"],
        timeout_s=1.0,
    )
    t = slow(day, outcome)
    assert t is not None and t.exit_code is None and "timed out after 1 s" in t.output
    missing = CommandRemediation(["/nonexistent/fixer"])
    m = missing(day, outcome)
    assert m is not None and m.exit_code is None and "cannot run" in m.output
    only = CommandRemediation([sys.executable, "-c", ""], only=frozenset({"other"}))
    assert only(day, outcome) is None


def test_times_are_utc_text(store: Store) -> None:
    record_day(store, START, [const("a", 0)], now=datetime(2026, 11, 2, 0, 30, tzinfo=timezone.utc))
    assert store.query("SELECT recorded_at FROM daily_records")[0][0] == "2026-11-02T00:30:00.000Z"


def test_remediation_from_spec(tmp_path: Path) -> None:
    from pytest_burnin.burnin.remediate import from_spec
    from pytest_burnin.burnin.spec import BurnInSpec

    base = {"start": "2026-10-26", "slos": ["integrity"]}
    assert from_spec(BurnInSpec.from_mapping("ga", base, tmp_path)) is None
    spec = BurnInSpec.from_mapping(
        "ga",
        {
            **base,
            "remediation": {
                "command": [sys.executable, "-c", "import os; print(os.getcwd())"],
                "timeout": "1m",
                "mode": "manual",
            },
        },
        tmp_path,
    )
    rem = from_spec(spec)
    assert rem is not None and rem.timeout_s == 60 and rem.mode == "manual"
    result = rem(START, CheckOutcome("integrity", 0.02, Objective("below", 0.01), "fail"))
    assert result is not None and result.output.strip() == str(tmp_path)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_a_non_finite_day_is_an_error_not_a_verdict(store: Store, value: float) -> None:
    result = record_day(store, START, [const("a", value)], now=NOW)
    (outcome,) = result.outcomes
    assert outcome.verdict == "error" and outcome.value is None
    assert outcome.error == f"check 'a' gave {value}, not a finite number"
    assert rows(store) == [("2026-11-01", "a", None, "error")]
