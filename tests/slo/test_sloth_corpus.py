"""Sloth's and OpenSLO's own examples, read as they are, against what Sloth 0.16 generated.

Reads ../shared/slo-formats (skips where it is absent). Every Sloth example
either generates Sloth's ``_gen`` rules rule by rule (names, labels,
annotations, windows, factors, expressions as parsed PromQL), or is refused at
a named file:line for a stated reason; nothing is silently read differently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.errors import SpecError
from pytest_burnin.slo.behaviour import check_names, run_check
from pytest_burnin.slo.openslo import OpenSLOKind
from pytest_burnin.slo.rules_gen import generate, slo_rules
from pytest_burnin.slo.sloth import SlothKind
from pytest_burnin.slo.sloth_spec import sloth_of
from pytest_burnin.slo.synth import design, split_raw
from pytest_burnin.spec.model import Entry, document_kind, load_spec_file

from .sloth_corpus import CORPUS, EXTRA_LABELS, SLOTH, differences, groups_of

pytestmark = pytest.mark.skipif(not SLOTH.is_dir(), reason=f"{CORPUS} is absent")

# Examples Sloth reads with Go code we do not run: refused, with the reason.
REFUSED = {
    "plugin-getting-started.yml": "sli.plugin: an SLI plugin's query lives in the plugin's Go code",
    "plugin-k8s-getting-started.yml": "sli.plugin: an SLI plugin's query lives in the plugin",
    "contrib-denominator-corrected.yaml": "denominator_corrected_rules/v1'",
    "victoria-metrics.yml": "which is not PromQL",
}
# SLIs that read gauges: proved by time share (synth_gauge.py); home-wifi's
# subquery per window (up to 3d) is simulated through the engine's subquery memo.
GAUGE_SLIS = {"home-wifi.yml", "k8s-home-wifi.yml", "raw-home-wifi.yml"}
SUBQUERY_SLIS = {"home-wifi.yml", "k8s-home-wifi.yml"}
# Sloth's default tiers, then the check that nothing fires inside the objective.
SLOTH_CHECKS = ["page-1h", "page-6h", "ticket-1d", "ticket-3d", "within-objective"]


def examples() -> list[str]:
    return sorted(p.name for p in SLOTH.glob("*.y*ml")) if SLOTH.is_dir() else []


def sloth_entries(path: Path) -> list[Entry]:
    kind = SlothKind()
    out = []
    for doc in load_spec_file(path):
        assert document_kind(doc) == "Sloth"
        for entry in kind.expand(doc):
            kind.check(entry)
            out.append(entry)
    return out


@pytest.mark.parametrize("name", examples())
def test_sloth_example_generates_sloths_rules_or_is_refused_with_the_reason(name: str) -> None:
    path = SLOTH / name
    if name in REFUSED:
        with pytest.raises(SpecError) as info:
            sloth_entries(path)
        assert REFUSED[name] in str(info.value)
        assert f"{path}:" in str(info.value).splitlines()[0]  # file:line:col
        return
    entries = sloth_entries(path)
    ours = [g for e in entries for g in slo_rules(e).groups(EXTRA_LABELS)]
    assert differences(ours, groups_of(SLOTH / "_gen" / name)) == []
    # `burnin rules` writes the same groups (sorted by SLO), as YAML that loads.
    import yaml

    written = yaml.safe_load(generate(entries, EXTRA_LABELS))["groups"]
    assert sorted(g["name"] for g in written) == sorted(g["name"] for g in ours)


def test_every_sloth_example_is_accounted_for() -> None:
    names = set(examples())
    assert len(names) == 18
    assert set(REFUSED) <= names
    assert set(GAUGE_SLIS) <= names


def test_two_services_with_the_same_slo_name_both_load() -> None:
    names = [e.item_name for e in sloth_entries(SLOTH / "multifile.yml")]
    assert names == ["SLO:myservice/requests-availability", "SLO:myservice2/requests-availability"]


def test_disabled_alerts_generate_no_alert_and_no_proof() -> None:
    (entry,) = sloth_entries(SLOTH / "no-alerts.yml")
    rules = slo_rules(entry)
    assert [g["name"] for g in rules.groups()] == [
        "sloth-slo-sli-recordings-myapp-http-availability",
        "sloth-slo-meta-recordings-myapp-http-availability",
    ]
    assert check_names(rules) == []


def test_alert_names_labels_and_annotations_are_sloths() -> None:
    (entry,) = sloth_entries(SLOTH / "getting-started.yml")
    alerts = slo_rules(entry).groups()[2]["rules"]
    assert [(a["alert"], a["labels"]) for a in alerts] == [
        (
            "MyServiceHighErrorRate",
            {
                "sloth_severity": "page",
                "category": "availability",
                "severity": "pageteam",
                "routing_key": "myteam",
            },
        ),
        (
            "MyServiceHighErrorRate",
            {
                "sloth_severity": "ticket",
                "category": "availability",
                "severity": "slack",
                "slack_channel": "#alerts-myteam",
            },
        ),
    ]
    assert (
        alerts[0]["annotations"]["summary"] == "High error rate on 'myservice' requests responses"
    )


def _counter_proofs() -> list[tuple[str, str]]:
    out = []
    for name in examples():
        if name in REFUSED:
            continue
        for entry in sloth_entries(SLOTH / name):
            if check_names(slo_rules(entry)):
                out.append((name, entry.name))
    return out


@pytest.mark.parametrize(("name", "slo"), _counter_proofs() if SLOTH.is_dir() else [])
def test_every_alerting_example_has_proofs_that_run(name: str, slo: str) -> None:
    """The series are synthesised for every check (counters, or gauges by time share);
    the fastest check is run for real."""
    (entry,) = [e for e in sloth_entries(SLOTH / name) if e.name == slo]
    rules = slo_rules(entry)
    num, total = rules.num_query, rules.total_query
    if not total:
        num, total, _ = split_raw(num)
    design(num, total, True)  # raises with the reason when the series cannot be built
    result = run_check(rules, "page-1h")
    assert result.skipped is None
    assert result.passed, result.headline


def test_a_full_proof_of_a_two_selector_sli() -> None:
    """kubernetes-apiserver's latency SLI: count - bucket{le="0.4"} over count."""
    entries = {e.name: e for e in sloth_entries(SLOTH / "kubernetes-apiserver.yml")}
    rules = slo_rules(entries["k8s-apiserver/requests-latency"])
    assert check_names(rules) == SLOTH_CHECKS
    for check in ("page-6h", "within-objective"):
        result = run_check(rules, check)
        assert result.passed and result.skipped is None, result.headline


@pytest.mark.parametrize("name", sorted(SUBQUERY_SLIS))
def test_every_proof_of_a_subquery_sli_runs(name: str) -> None:
    """Sloth's Wi-Fi SLIs, ``sum_over_time((count(g < 0.75))[{{.window}}:])``, over
    windows up to 3d: every check is simulated (it was refused as too slow before the
    engine kept subquery steps across evaluations)."""
    headlines = {}
    for entry in sloth_entries(SLOTH / name):
        rules = slo_rules(entry)
        assert check_names(rules) == SLOTH_CHECKS
        for check in check_names(rules):
            result = run_check(rules, check)
            assert result.skipped is None, result.headline
            headlines[f"{entry.name.split('/')[-1]}/{check}"] = (result.passed, result.headline)
    failed = {k: h for k, (ok, h) in headlines.items() if not ok}
    assert not failed, failed
    assert headlines["good-wifi-client-satisfaction/ticket-3d"][1].endswith(
        "GoodWifiClientSatisfaction fired 57h37m into a 1.25x burn (allowed 57h38m)"
    )
    # The 99.9% SLO counts clients: three of them, so one bad client-minute (0.56% of an
    # hour) stays below the page tier's 1.44%, as ample traffic does for counters.
    assert headlines["risk-wifi-client-satisfaction/within-objective"][1].endswith(
        "no alert at error ratio 0.0009 (90% of the budget) for 72h3m"
    )


def test_an_sli_of_one_gauge_is_as_coarse_as_its_samples_and_the_headline_says_why(
    tmp_path: Path,
) -> None:
    """min() over the gauges is one series whatever the clients: one bad minute is 1.67% of
    an hour, above a 99.9% SLO's page threshold (1.44%), so Sloth's rules page inside
    the objective; the proof fails and its headline says why."""
    spec = tmp_path / "wifi.yml"
    spec.write_text(
        """\
version: "prometheus/v1"
service: "home-wifi"
slos:
  - name: "worst-client"
    objective: 99.9
    sli:
      events:
        error_query: sum_over_time((count(min(unifi_satisfaction) < 0.5))[{{.window}}:]) OR on() vector(0)
        total_query: sum_over_time((count(min(unifi_satisfaction)))[{{.window}}:])
    alerting:
      name: WorstClient
      page_alert: {labels: {severity: home}}
      ticket_alert: {labels: {severity: warning}}
"""
    )
    (entry,) = sloth_entries(spec)
    result = run_check(slo_rules(entry), "within-objective")
    assert not result.passed and result.skipped is None
    assert result.headline.endswith(
        "WorstClient fired at error ratio 0.0009 (90% of the budget) for 72h3m;"
        " the SLI is a share of samples, and one bad sample is 1.67% of the 1h window,"
        " above page-1h's 1.44%"
    )


def test_a_proof_whose_subqueries_cannot_be_remembered_is_refused_with_figures(
    tmp_path: Path,
) -> None:
    """An inner query selected by a regex on the name may read what the rules write, so
    each window is evaluated afresh at every step: too slow, and the headline says why."""
    sel = '{__name__=~"unifipoller_client_satisfaction_ratio"}'
    spec = tmp_path / "wifi.yml"
    spec.write_text(
        f"""\
version: "prometheus/v1"
service: "home-wifi"
slos:
  - name: "good-wifi-client-satisfaction"
    objective: 95
    sli:
      events:
        error_query: sum_over_time((count({sel} < 0.75))[{{{{.window}}}}:]) OR on() vector(0)
        total_query: sum_over_time((count({sel}))[{{{{.window}}}}:])
    alerting:
      name: GoodWifiClientSatisfaction
      page_alert: {{labels: {{severity: home}}}}
      ticket_alert: {{labels: {{severity: warning}}}}
"""
    )
    (entry,) = sloth_entries(spec)
    result = run_check(slo_rules(entry), "ticket-3d")
    assert result.skipped == result.headline
    assert "/ticket-3d: cannot be proved: the SLI's subqueries would evaluate " in result.headline
    assert "inner steps and read " in result.headline and "limit 20 s)" in result.headline


INTEGRATION = SLOTH.parent / "test" / "integration" / "prometheus" / "testdata"


def _files(folder: str) -> list[str]:
    base = INTEGRATION / folder
    return (
        sorted(str(p.relative_to(INTEGRATION)) for p in base.glob("*.yaml"))
        if base.is_dir()
        else []
    )


# Sloth ignores `pageAlert` in prometheus/v1 (it reads page_alert); we refuse it.
CAMEL_IN_PROMETHEUS_V1 = {
    "validate/good/good-aa.yaml",
    "validate/good/good-ab.yaml",
    "validate/good/good-ba.yaml",
}


@pytest.mark.parametrize("rel", _files("validate/good"))
def test_sloths_valid_integration_specs_load(rel: str) -> None:
    if rel in CAMEL_IN_PROMETHEUS_V1:
        with pytest.raises(SpecError, match="prometheus/v1 reads page_alert; Sloth ignores"):
            sloth_entries(INTEGRATION / rel)
        return
    for entry in sloth_entries(INTEGRATION / rel):
        assert sloth_of(entry) is not None


@pytest.mark.parametrize("rel", _files("validate/bad"))
def test_sloths_invalid_integration_specs_are_refused_at_a_line(rel: str) -> None:
    with pytest.raises(SpecError) as info:
        sloth_entries(INTEGRATION / rel)
    assert str(INTEGRATION / rel) in str(info.value).splitlines()[0]


OPENSLO = CORPUS / "openslo" / "examples"


@pytest.mark.parametrize(
    "rel",
    sorted(str(p.relative_to(OPENSLO)) for p in OPENSLO.rglob("*.yaml"))
    if OPENSLO.is_dir()
    else [],
)
def test_openslo_examples_are_refused_where_they_name_no_prometheus_query(rel: str) -> None:
    """OpenSLO's examples query `type: Any` sources: nothing to evaluate, said at the line."""
    kind = OpenSLOKind()
    with pytest.raises(SpecError) as info:
        for doc in load_spec_file(OPENSLO / rel):
            for entry in kind.expand(doc):
                kind.check(entry)
    first = str(info.value).splitlines()[0]
    assert str(OPENSLO / rel) in first
    assert "metricSource type 'Any'" in first or "calendar duration '1m'" in first


# Sloth's integration inputs: read, or refused for a plugin we do not run / a bad version.
INTEGRATION_REFUSED = {
    "in-invalid-version.yaml": "unsupported Sloth version: Sloth spec version 'prometheus/v999'",
    "in-sli-plugin.yaml": "sli.plugin",
    "in-slo-plugin.yaml": "SLO plugin 'integration-tests/plugin1'",
    "in-slo-plugin-k8s.yaml": "SLO plugin 'integration-tests/plugin1'",
}


@pytest.mark.parametrize(
    "name", sorted(p.name for p in INTEGRATION.glob("in-*.yaml")) if INTEGRATION.is_dir() else []
)
def test_sloths_integration_inputs(name: str) -> None:
    if name in INTEGRATION_REFUSED:
        with pytest.raises(SpecError, match=INTEGRATION_REFUSED[name].replace("'", ".")):
            sloth_entries(INTEGRATION / name)
        return
    entries = sloth_entries(INTEGRATION / name)
    assert entries and all(sloth_of(e) is not None for e in entries)
    assert len({e.name for e in entries}) == len(entries)


def test_the_same_service_and_name_twice_in_one_file_is_a_duplicate(tmp_path: Path) -> None:
    from pytest_burnin.project import project_at

    doc = (SLOTH / "getting-started.yml").read_text(encoding="utf-8")
    (tmp_path / "dup.yaml").write_text(f"{doc}\n---\n{doc}", encoding="utf-8")
    with pytest.raises(SpecError, match="duplicate entry 'SLO:myservice/requests-availability'"):
        project_at(tmp_path, [tmp_path]).entries_of_file(tmp_path / "dup.yaml")


def test_burnin_rules_writes_sloths_rules_and_promtool_accepts_them(tmp_path: Path) -> None:
    """The command a team runs, with Sloth's --extra-labels."""
    import shutil
    import subprocess
    import sys

    out = tmp_path / "slo.rules.yaml"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pytest_burnin.cli import main; sys.exit(main(sys.argv[1:]))",
            "rules",
            str(SLOTH / "getting-started.yml"),
            "--extra-label",
            "cmd=examplesgen.sh",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    import yaml

    ours = yaml.safe_load(out.read_text(encoding="utf-8"))["groups"]
    assert differences(ours, groups_of(SLOTH / "_gen" / "getting-started.yml")) == []
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed: the rules were compared, not checked by promtool")
    checked = subprocess.run(
        [promtool, "check", "rules", str(out)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 17 rules found" in checked.stdout


def test_pytest_burnin_collects_sloths_files_with_their_proofs(pytester: pytest.Pytester) -> None:
    """As a user sees it: both services of multifile.yml, the Kubernetes form, and the
    reason a proof cannot run in the summary line, not only under -rs."""
    import shutil

    specs = pytester.mkdir("slo_specs")
    for name in ("multifile.yml", "home-wifi.yml", "no-alerts.yml"):
        shutil.copy(SLOTH / name, specs)
    args = (
        "--burnin",
        *("-p", "pytest_burnin.plugin.slo_glue"),  # the tests' conftest leaves it out by default
        *("-k", "SLOAlerts and (page-1h or (home-wifi and ticket-1d))"),
        "-rA",  # the passing items' lines too
    )
    result = pytester.runpytest(*args)
    result.stdout.fnmatch_lines_random(
        [
            "*PASS  SLOAlerts:myservice/requests-availability/page-1h: MyServiceHighErrorRate"
            " fired 30m into a 18x burn (allowed 50m)",
            "*PASS  SLOAlerts:myservice2/requests-availability/page-1h: *",
            "*PASS  SLOAlerts:home-wifi/good-wifi-client-satisfaction/page-1h: *",
            "*PASS  SLOAlerts:home-wifi/good-wifi-client-satisfaction/ticket-1d:"
            " GoodWifiClientSatisfaction fired 8h38m into a 3.75x burn (allowed 19h14m)",
        ]
    )
    # page-1h of multifile.yml (2) and home-wifi.yml (2), ticket-1d of home-wifi.yml (2).
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] == 6 and "skipped" not in outcomes

    # The Kubernetes form of the same SLO: its own item, and, beside multifile.yml,
    # the same (service, name) twice in one project, which is refused where it is.
    shutil.copy(SLOTH / "k8s-getting-started.yml", specs)
    result = pytester.runpytest(*args[:3], "-k", "SLOAlerts and page-1h and k8s")
    result.stdout.fnmatch_lines(
        [
            "slo_specs/multifile.yml:*: duplicate SLO 'myservice/requests-availability':"
            " slo_specs/k8s-getting-started.yml:* defines it too"
        ]
    )
    (specs / "multifile.yml").unlink()
    result = pytester.runpytest(*args[:3], "-k", "SLOAlerts and page-1h and k8s")
    result.assert_outcomes(passed=1, deselected=result.parseoutcomes()["deselected"])
    assert "no-alerts" not in result.stdout.str().split("burn-in summary")[1]


def test_one_slo_in_two_files_is_refused_by_burnin_rules(tmp_path: Path) -> None:
    """Sloth's validate refuses the same SLO id across files; its groups would clash."""
    entries = sloth_entries(SLOTH / "getting-started.yml") + sloth_entries(
        SLOTH / "k8s-getting-started.yml"
    )
    with pytest.raises(SpecError, match="SLO myservice/requests-availability is also defined at"):
        generate(entries)
