"""The JUnit report as CI test viewers show it: each verdict where a viewer looks.

pytest's ``--junitxml`` writes our evidence as ``<properties>``, which Jenkins,
GitLab and the GitHub report actions do not display; its ``classname`` is the
file path with dots (``slo_specs.slos.yaml``), which Jenkins splits at the last
dot into package ``slo_specs.slos`` and class ``yaml``. For every burn-in test
case (one with a ``burnin.kind`` property) this module, run on the written
file at the end of the session:

- sets ``classname`` to ``<file>.<kind>`` (``slo_specs/slos.yaml.SLO``): Jenkins
  shows package ``slo_specs/slos.yaml`` and class ``SLO``; GitLab and the
  GitHub actions show the same string as the case's suite/class;
- writes the headline, the location and the evidence into ``<system-out>``
  (Jenkins' "Standard Output", shown for passing cases too), before whatever
  output pytest captured: first, because Jenkins keeps only the first and last
  500 characters of a passing case's output by default;
- makes a failure's or an error's ``message`` the headline (pytest writes
  ``failed on setup with "..."`` for errors);
- keeps one property per name (the last value, at the first name's place), as
  the run snapshot and the HTML report read them.

Pure: no pytest import; the plugin's ``junit_glue`` calls it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..fileio import atomic_write

# Bookkeeping properties: shown elsewhere (the name, the headline) or not evidence.
NOT_EVIDENCE = frozenset({"burnin.kind", "burnin.name", "burnin.headline"})


@dataclass(frozen=True)
class CaseVerdict:
    """What one burn-in item's test case should show."""

    file: str  # the spec file as in the node id: "slo_specs/slos.yaml"
    kind: str
    headline: str
    location: str  # file:line the verdict is about (a failure's objective or assertion)


def junit_address(nodeid: str, prefix: str | None = None) -> tuple[str, str]:
    """The (classname, name) pytest's junitxml writes for ``nodeid``.

    Mirrors pytest's ``mangle_test_address``: parameters kept on the name, the
    file part's slashes made dots and a ``.py`` suffix dropped.
    """
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    if prefix:
        names.insert(0, prefix)
    return ".".join(names[:-1]), names[-1]


def viewer_classname(file: str, kind: str, prefix: str | None = None) -> str:
    """``<file>.<kind>``: the last dot parts file (package) from kind (class)."""
    return f"{prefix}.{file}.{kind}" if prefix else f"{file}.{kind}"


def system_out(verdict: CaseVerdict, properties: list[tuple[str, str]]) -> str:
    """The headline, where it points, then the evidence one ``name: value`` per line."""
    lines = [verdict.headline, f"at {verdict.location}"]
    for name, value in properties:
        if name in NOT_EVIDENCE:
            continue
        first, *rest = str(value).rstrip("\n").split("\n") or [""]
        lines.append(f"{name}: {first}")
        lines.extend(f"  {more}" for more in rest)
    return "\n".join(lines) + "\n"


def unique_properties(properties: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One entry per name: the last value given, at the place of the first."""
    last = dict(properties)
    out: list[tuple[str, str]] = []
    for name, _ in properties:
        if name in last:
            out.append((name, last.pop(name)))
    return out


def reshape_case(case: ET.Element, verdict: CaseVerdict, prefix: str | None = None) -> None:
    """Rewrite one ``<testcase>`` in place for the viewers (see the module docstring)."""
    case.set("classname", viewer_classname(verdict.file, verdict.kind, prefix))
    props_node = case.find("properties")
    properties: list[tuple[str, str]] = []
    if props_node is not None:
        given = [(p.get("name", ""), p.get("value", "")) for p in props_node.iter("property")]
        properties = unique_properties(given)
        for child in list(props_node):
            props_node.remove(child)
        for name, value in properties:
            ET.SubElement(props_node, "property", name=name, value=value)
    for tag in ("failure", "error"):
        for node in case.findall(tag):
            node.set("message", verdict.headline)
    text = system_out(verdict, properties)
    out = case.find("system-out")
    if out is None:
        out = ET.Element("system-out")
        # Before <system-err>, where the JUnit schema puts it.
        err = case.find("system-err")
        case.insert(list(case).index(err) if err is not None else len(case), out)
        out.text = text
    else:
        out.text = text + "\n" + (out.text or "")


def reshape_report(
    path: Path, verdicts: Mapping[tuple[str, str], CaseVerdict], prefix: str | None = None
) -> int:
    """Rewrite the burn-in test cases of the JUnit file at ``path``; how many were.

    ``verdicts`` is keyed by pytest's (classname, name) of each case
    (``junit_address``); other test cases are left exactly as pytest wrote them.
    """
    tree = ET.parse(path)
    done = 0
    for case in tree.getroot().iter("testcase"):
        key = (case.get("classname", ""), case.get("name", ""))
        verdict = verdicts.get(key)
        if verdict is None:
            continue
        reshape_case(case, verdict, prefix)
        done += 1
    if done:
        body = ET.tostring(tree.getroot(), encoding="unicode")
        atomic_write(path, '<?xml version="1.0" encoding="utf-8"?>' + body)
    return done
