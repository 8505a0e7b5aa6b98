"""Every worked example of docs/extending.md, run exactly as written there."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import REPO
from tests.plugin.test_simulations import RULES, simulation


def _blocks(lang: str, marker: str) -> str:
    text = (REPO / "docs" / "extending.md").read_text()
    found = [b for b in re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S) if marker in b]
    assert len(found) == 1, f"docs/extending.md has {len(found)} {lang} blocks with {marker!r}"
    return found[0]


def _project(pytester: pytest.Pytester, conftest_marker: str, spec_marker: str) -> None:
    pytester.makeconftest(_blocks("python", conftest_marker))
    spec = _blocks("yaml", spec_marker)
    target = spec.splitlines()[0].removeprefix("# ")
    (pytester.path / target).parent.mkdir(parents=True, exist_ok=True)
    (pytester.path / target).write_text(spec)


def test_a_kind_from_conftest(pytester: pytest.Pytester) -> None:
    _project(pytester, "class CertificateExpiry", "kind: CertificateExpiry")
    result = pytester.runpytest("--burnin", "-v", "--junitxml=r.xml")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["PASS  CertificateExpiry ingest-api: * days left (need 30)"])
    assert 'name="expires" value="2999-01-31"' in (pytester.path / "r.xml").read_text()

    specs = pytester.path / "slo_specs" / "certificates.yaml"
    specs.write_text(specs.read_text().replace("2999-01-31", "2000-01-31"))
    result = pytester.runpytest("--burnin")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["FAIL  CertificateExpiry ingest-api: -* days left (need 30)"])

    specs.write_text(specs.read_text().replace('expires: "2000-01-31", ', ""))
    result = pytester.runpytest("--burnin")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["slo_specs/certificates.yaml:5:1: expires is required"])


def test_a_source_type_from_conftest(pytester: pytest.Pytester) -> None:
    _project(pytester, "pytest_burnin_make_source", "type: constant")
    (pytester.path / "slo_specs" / "slo.yaml").write_text(
        "apiVersion: burnin/v1\nkind: SLO\nmetadata: {name: half}\nspec:\n"
        "  indicator: {threshold: {query: 'vector(1)'}}\n  objective: {at_least: 0.4}\n  window: 1h\n"
    )
    result = pytester.runpytest("--burnin", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["PASS  SLO half: measured 0.5 over 1h, objective >= 0.4"])


def test_a_channel_type_from_conftest(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    _project(pytester, "class AuditLogChannel", "type: audit-log")
    channels = pytester.path / "slo_specs" / "channels.yaml"
    channels.write_text(channels.read_text().replace("audit.jsonl", str(pytester.path / "a.jsonl")))
    (pytester.path / "slo_specs" / "rules.yaml").write_text(RULES)
    (pytester.path / "slo_specs" / "sim.yaml").write_text(
        simulation("    - alert: HighErrors\n", extra="  channel: audit\n")
    )
    result = pytester.runpytest("--burnin", "--burnin-deliver=real", "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["PASS  Channel audit: audit-log channel ready"])
    lines = (pytester.path / "a.jsonl").read_text().splitlines()
    # Firing, then resolved when the series ends: both went through the plugin's channel.
    sent = {"channel": "audit", "alerts": ["HighErrors"]}
    assert [json.loads(line) for line in lines] == [sent, sent]


def test_a_channel_type_no_plugin_provides_is_an_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "slo_specs").mkdir()
    (pytester.path / "slo_specs" / "channels.yaml").write_text(_blocks("yaml", "type: audit-log"))
    result = pytester.runpytest("--burnin")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no plugin provides channel type 'audit-log'*"])


def test_a_promql_function_is_one_entry_in_each_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_burnin.promql import functions, typecheck
    from pytest_burnin.promql.engine import Engine
    from pytest_burnin.promql.parser import ParseError, parse
    from pytest_burnin.promql.storage import Storage

    block = _blocks("python", '_HANDLERS["double"]')
    signature, implementation = (ln for ln in block.splitlines() if ln.startswith(("table", "_H")))
    # Run the two documented lines against scratch tables, then add what they
    # added to the real ones (restored after the test).
    table: dict[str, object] = {}
    exec(signature, {**vars(typecheck), "table": table})
    handlers: dict[str, object] = {}
    exec(implementation, {**vars(functions), "_HANDLERS": handlers})
    assert list(table) == list(handlers) == ["double"]
    monkeypatch.setitem(typecheck.FUNCTIONS, "double", table["double"])
    monkeypatch.setitem(functions._HANDLERS, "double", handlers["double"])

    with pytest.raises(ParseError, match="expected type instant vector"):
        parse('double("x")')
    storage = Storage()
    storage.append((("__name__", "up"), ("job", "a")), 0, 3.0)
    result = Engine(storage).instant("double(up)", 0)
    assert [sample.v for sample in result] == [6.0]  # type: ignore[union-attr]
