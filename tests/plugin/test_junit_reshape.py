"""The JUnit reshaping leaves everything that is not a burn-in verdict as pytest wrote it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junitparser import JUnitXml

from pytest_burnin.report.junit import (
    CaseVerdict,
    junit_address,
    system_out,
    unique_properties,
)
from tests.conftest import slo_spec


def test_a_python_test_and_captured_output_are_kept(
    spec_dir: pytest.Pytester, tmp_path: Path
) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("ok", "{below: 0.05}"))
    spec_dir.makepyfile(test_plain="def test_prints():\n    print('hello from a plain test')\n")
    spec_dir.makeini("[pytest]\njunit_logging = all\n")
    xml = tmp_path / "r.xml"
    spec_dir.runpytest("--burnin", f"--junitxml={xml}", "test_plain.py", "slo_specs")
    by_name = {c.name: c for s in JUnitXml.fromfile(str(xml)) for c in s}
    plain = by_name["test_prints"]
    assert plain.classname == "test_plain"
    assert "hello from a plain test" in (plain.system_out or "")
    ok = by_name["SLO:ok"]
    assert ok.classname == "slo_specs/slos.yaml.SLO"
    assert (ok.system_out or "").startswith("SLO ok: 2% bad over 1h, objective < 5%")
    root = ET.parse(xml).getroot()
    assert len(root.findall(".//testcase[@name='SLO:ok']/system-out")) == 1


def test_junit_prefix_stays_in_front(spec_dir: pytest.Pytester, tmp_path: Path) -> None:
    (spec_dir.path / "slo_specs" / "slos.yaml").write_text(slo_spec("ok", "{below: 0.05}"))
    xml = tmp_path / "r.xml"
    spec_dir.runpytest("--burnin", f"--junitxml={xml}", "--junitprefix=ci")
    by_name = {c.name: c for s in JUnitXml.fromfile(str(xml)) for c in s}
    assert by_name["SLO:ok"].classname == "ci.slo_specs/slos.yaml.SLO"
    assert by_name["SLO:ok"].system_out


def test_addresses_are_pytests() -> None:
    assert junit_address("slo_specs/slos.yaml::SLO:ok") == ("slo_specs.slos.yaml", "SLO:ok")
    assert junit_address("a/t.py::C::test[x::y]", "p") == ("p.a.t.C", "test[x::y]")


def test_one_property_per_name_last_value_first_place() -> None:
    given = [("window", "14d"), ("owner", "a"), ("window", "14d (2026-11-10 ..)")]
    assert unique_properties(given) == [("window", "14d (2026-11-10 ..)"), ("owner", "a")]


def test_output_indents_multi_line_evidence() -> None:
    verdict = CaseVerdict("f.yaml", "Rule", "Rule A: gate checks pass", "f.yaml:4")
    text = system_out(verdict, [("burnin.kind", "Rule"), ("expr", "a\n/\nb\n")])
    assert text == "Rule A: gate checks pass\nat f.yaml:4\nexpr: a\n  /\n  b\n"
