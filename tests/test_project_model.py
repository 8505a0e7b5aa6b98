"""One project model: the ``burnin`` commands and ``pytest --burnin`` see the same project.

A project with non-default ini settings (its own spec folder, PromQL compat 2,
its own history store and spool) and a ``type: local`` Source with its own
store and lookback: every command reads the same files, settings, store and
lookback as the pytest run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_burnin.cli import main

T_END = 1_762_041_600  # 2025-11-02T00:00:00Z: the day recorded is 2025-11-01
DAY = "2025-11-01"

PYPROJECT = """\
[tool.pytest.ini_options]
burnin_specs = ["specs"]
burnin_promql_compat = "2"
burnin_store = "state/history.sqlite"
burnin_spool = "state/outbox"
"""

SPECS = {
    "specs/source.yaml": """\
apiVersion: burnin/v1
kind: Source
metadata: {name: metrics}
spec: {type: local, store: state/metrics.sqlite, lookback_delta: 15m}
""",
    "specs/slo.yaml": """\
apiVersion: burnin/v1
kind: SLO
metadata: {name: temperature, owner: team-a}
spec:
  indicator: {threshold: {query: "max(temperature)"}}
  objective: {at_most: 80}
  window: 1h
  source: metrics
""",
    "specs/burnin.yaml": """\
apiVersion: burnin/v1
kind: BurnIn
metadata: {name: soak}
spec: {start: "2025-11-01", length: 1d, slos: [temperature]}
""",
    # Outside burnin_specs: the commands must not read it, pytest --burnin neither.
    "slo_specs/other.yaml": """\
apiVersion: burnin/v1
kind: SLO
metadata: {name: elsewhere}
spec: {window: 1h}
""",
}


def _data() -> str:
    # The heartbeat runs to the end; the temperature stops 10 minutes earlier,
    # so only a 15-minute lookback (the Source's, not the default 5m) sees it.
    lines = ["# TYPE heartbeat gauge"]
    lines += [f"heartbeat 1 {T_END - 3600 + 60 * i}" for i in range(61)]
    lines += ["# TYPE temperature gauge"]
    lines += [f"temperature 42 {T_END - 3600 + 60 * i}" for i in range(51)]
    return "\n".join([*lines, "# EOF", ""])


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    (pytester.path / "pyproject.toml").write_text(PYPROJECT)
    for name, text in SPECS.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (pytester.path / "data.om").write_text(_data())
    monkeypatch.chdir(pytester.path)
    return pytester.path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


SETTINGS_LINE = (
    "burnin: specs specs; store state/history.sqlite; spool state/outbox; "
    "PromQL compat 2 (Prometheus 2.x semantics, promtool 2.42)"
)


def test_commands_and_pytest_see_the_same_project(
    project: Path, pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "ingest", "--store", "state/metrics.sqlite", "data.om")
    assert code == 0, err
    assert (project / "state" / "metrics.sqlite").is_file()

    code, out, err = _run(capsys, "validate")
    assert code == 0, err
    assert out.splitlines()[0] == SETTINGS_LINE
    assert "ok  specs/slo.yaml:1  SLO:temperature" in out
    assert "elsewhere" not in out  # slo_specs/ is not this project's spec folder

    code, out, err = _run(capsys, "record", "--day", DAY)
    assert code == 0, err
    assert out.splitlines()[0] == SETTINGS_LINE
    recorded = re.search(rf"recorded {DAY}: temperature (\S+) (\w+)", out)
    assert recorded is not None, out
    assert recorded.groups() == ("42", "pass")  # the 15m lookback of the Source saw the sample
    assert (project / "state" / "history.sqlite").is_file()  # burnin_store, not .burnin/
    assert not (project / ".burnin").exists()

    code, out, err = _run(capsys, "status", "--as-of", DAY)
    assert out.splitlines()[0] == SETTINGS_LINE
    assert code == 0, out + err  # it read the day record wrote, from the same store
    assert f"closest: temperature 42 on {DAY}, objective <= 80" in out
    assert out.rstrip().endswith("GA-ready")

    code, out, err = _run(capsys, "rules")  # its output is the rule file: nothing else on stdout
    assert code == 0, err
    assert "temperature" in out and "elsewhere" not in out
    assert "- name: slo:temperature" in out, out

    result = pytester.runpytest("--burnin", "-rA")
    result.stdout.fnmatch_lines([SETTINGS_LINE])
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 3, result.stdout.str()
    assert "errors" not in outcomes and "failed" not in outcomes, result.stdout.str()
    result.stdout.fnmatch_lines(["*SLO temperature*42*"])
    assert "elsewhere" not in result.stdout.str()


def test_a_bad_ini_value_is_a_clear_error_for_both(
    project: Path, pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT.replace('"2"', '"4"'))
    code, _, err = _run(capsys, "validate")
    assert code == 1
    assert "burnin_promql_compat must be 2 or 3, got '4'" in err
    assert "pyproject.toml" in err
    result = pytester.runpytest("--burnin")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*burnin_promql_compat must be 2 or 3, got '4'*"])


def test_the_ini_is_found_from_a_subfolder_as_pytest_finds_it(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "specs")
    code, out, err = _run(capsys, "validate")
    assert code == 0, err
    assert out.splitlines()[0] == SETTINGS_LINE
    assert "SLO:temperature" in out
