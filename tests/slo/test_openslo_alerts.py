"""OpenSLO v1 alertPolicies drive the generated alerts; several objectives per SLO."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pytest_burnin.errors import SpecError
from pytest_burnin.slo.behaviour import check_names, run_check
from pytest_burnin.slo.openslo import OpenSLOKind
from pytest_burnin.slo.rules_gen import generate, slo_rules
from pytest_burnin.spec.model import Entry, load_spec_file

from .test_openslo_sloth import OPENSLO


def load(tmp_path: Path, text: str) -> dict[str, Entry]:
    (tmp_path / "o.yaml").write_text(text, encoding="utf-8")
    kind = OpenSLOKind()
    out = {}
    for doc in load_spec_file(tmp_path / "o.yaml"):
        for entry in kind.expand(doc):
            kind.check(entry)
            out[entry.name] = entry
    return out


def alerts(entry: Entry) -> list[dict[str, object]]:
    groups = yaml.safe_load(generate([entry]))["groups"]
    return [r for g in groups for r in g["rules"] if "alert" in r]


def test_a_referenced_policy_is_the_slos_only_alert(tmp_path: Path) -> None:
    entry = load(tmp_path, OPENSLO)["ratio-occurrences"]
    (alert,) = alerts(entry)
    assert alert["for"] == "5m"
    assert alert["labels"] == {"severity": "page", "slo": "ratio-occurrences"}
    # One lookback window, threshold 2 times the 3% budget.
    assert alert["expr"] == 'slo:sli_error:ratio_rate1h{slo="ratio-occurrences"} > (2 * 0.03)'
    rules = slo_rules(entry)
    assert check_names(rules) == ["page-1h", "within-objective"]
    result = run_check(rules, "page-1h")
    assert result.passed and result.skipped is None, result.headline


def test_an_slo_without_policies_keeps_the_default_tiers(tmp_path: Path) -> None:
    entry = load(tmp_path, OPENSLO.replace("  alertPolicies: [fast-burn]\n", ""))
    names = [a["alert"] for a in alerts(entry["ratio-occurrences"])]
    assert len(names) == 3  # page 1h/5m, page 6h/30m, ticket 3d/6h


INLINE = """\
  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: slow-burn}
      spec:
        alertWhenBreaching: true
        conditions:
          - kind: AlertCondition
            metadata: {name: slow}
            spec:
              severity: warning
              condition: {kind: burnrate, op: gt, threshold: 1.5, lookbackWindow: 30m}
"""


def test_inline_policy_and_condition_with_a_ticket_severity(tmp_path: Path) -> None:
    entry = load(tmp_path, OPENSLO.replace("  alertPolicies: [fast-burn]\n", INLINE))
    (alert,) = alerts(entry["ratio-occurrences"])
    assert alert["labels"]["severity"] == "ticket"  # type: ignore[index]
    assert alert["expr"] == 'slo:sli_error:ratio_rate30m{slo="ratio-occurrences"} > (1.5 * 0.03)'


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("alertWhenBreaching: true", "alertWhenNoData: true", "alertWhenNoData: true"),
        ("op: gt,", "op: lt,", "op 'lt'"),
        ("kind: burnrate,", "kind: threshold,", "condition kind 'threshold'"),
        ("severity: warning", "severity: sev7", "severity 'sev7'"),
    ],
)
def test_policy_fields_we_cannot_honour_are_refused_at_their_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = OPENSLO.replace("  alertPolicies: [fast-burn]\n", INLINE.replace(old, new))
    with pytest.raises(SpecError, match=message) as info:
        load(tmp_path, text)
    assert f"{tmp_path / 'o.yaml'}:" in str(info.value).splitlines()[0]


def test_an_unknown_policy_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="AlertPolicy 'nope': no OpenSLO AlertPolicy"):
        load(tmp_path, OPENSLO.replace("alertPolicies: [fast-burn]", "alertPolicies: [nope]"))


def test_several_objectives_make_one_slo_each(tmp_path: Path) -> None:
    text = OPENSLO.replace(
        "objectives: [{displayName: good, target: 0.97}]",
        "objectives: [{displayName: Good enough, target: 0.97}, {target: 0.99}]",
    )
    with pytest.raises(SpecError, match="unsupported OpenSLO field"):
        load(tmp_path, text.replace("{target: 0.99}", "{target: 0.99, bogus: 1}"))
    text = text.replace("{target: 0.99}", "{displayName: Great, target: 0.99}")
    got = load(tmp_path, text)
    first, second = got["ratio-occurrences/good-enough"], got["ratio-occurrences/great"]
    assert first.spec["objective"] == {"at_most": 0.03}
    assert second.spec["objective"] == {"at_most": 0.01}
    # Both objectives get the policy's alert, each against its own budget.
    assert "> (2 * 0.01)" in str(alerts(second)[0]["expr"])
