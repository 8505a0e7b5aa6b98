"""Alert proofs are computed once per objective, windows, rule template and SLI shape,
and shared by every SLO that has them (issue 15): in memory and on disk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pytest_burnin.slo.behaviour import run_check
from pytest_burnin.slo.proof_cache import ProofCache
from pytest_burnin.slo.proof_key import canonical
from pytest_burnin.slo.rules_gen import slo_rules
from tests.conftest import REPO

from .test_rules_gen import ratio_slo, slo

SHORT = """\
  alerting:
    page: {long: 1h, short: 5m, factor: 14.4}
    ticket: {long: 6h, short: 30m, factor: 3}
"""


def service_slo(service: str, objective: str = "{below: 0.001}") -> str:
    """The same availability SLO as every service of a fleet declares it."""
    bad = 'sum(increase(http_requests_total{service="SVC",code=~"5.."}[{{window}}]))'
    total = 'sum(increase(http_requests_total{service="SVC"}[{{window}}]))'
    text = ratio_slo(name=f"{service}-availability", objective=objective, alerting=SHORT)
    text = text.replace("bad: sum(increase(errors_total[{{window}}]))", f"bad: {bad}")
    text = text.replace("total: sum(increase(requests_total[{{window}}]))", f"total: {total}")
    return text.replace("SVC", service)


def test_two_services_with_the_same_slo_share_one_proof_each_named_as_itself() -> None:
    cache = ProofCache()
    first = run_check(slo_rules(slo(service_slo("cart"))), "page-1h", cache)
    second = run_check(slo_rules(slo(service_slo("search"))), "page-1h", cache)
    assert (cache.misses, cache.hits) == (1, 1)
    assert first.headline == (
        "SLOAlerts:cart-availability/page-1h: SLOCartAvailabilityBurnRatePage1h fired 49m "
        "into a 18x burn (allowed 51m)"
    )
    assert second.headline == first.headline.replace("cart", "search").replace("Cart", "Search")
    assert dict(second.properties)["alert"] == "SLOSearchAvailabilityBurnRatePage1h"


def test_a_shared_outcome_is_the_one_the_slo_would_get_alone() -> None:
    shared = ProofCache()
    run_check(slo_rules(slo(service_slo("cart"))), "within-objective", shared)
    via_cache = run_check(slo_rules(slo(service_slo("search"))), "within-objective", shared)
    alone = run_check(slo_rules(slo(service_slo("search"))), "within-objective", ProofCache())
    assert shared.hits == 1
    assert (via_cache.passed, via_cache.headline) == (alone.passed, alone.headline)


def test_another_objective_is_another_proof() -> None:
    cache = ProofCache()
    run_check(slo_rules(slo(service_slo("cart"))), "page-1h", cache)
    other = run_check(slo_rules(slo(service_slo("cart", "{below: 0.01}"))), "page-1h", cache)
    assert (cache.misses, cache.hits) == (2, 0)
    assert "into a 18x burn" in other.headline


def test_names_are_taken_out_only_where_renaming_cannot_change_the_result() -> None:
    rules = slo_rules(slo(service_slo("cart")))
    canon = canonical(rules)
    assert canon.slo == "slo"
    assert canon.num_query == (
        'sum(increase(burnin_m1{service="burnin_v1",code=~"5.."}[{{window}}]))'
    )
    # A label both compared by equality and matched by a regex: kept as written.
    clash = service_slo("cart").replace('code=~"5.."', 'service=~"c.*"')
    assert "cart" in canonical(slo_rules(slo(clash))).num_query
    # A function that reads label values: kept as written.
    reads = (
        service_slo("cart")
        .replace(
            "bad: sum(increase(",
            "bad: sum(label_replace(increase(",
        )
        .replace(
            "[{{window}}]))\n      total",
            '[{{window}}]), "x", "$1", "service", "(.*)"))\n      total',
            1,
        )
    )
    assert "cart" in canonical(slo_rules(slo(reads))).num_query


def test_outcomes_on_disk_are_shared_with_the_next_process(tmp_path: Path) -> None:
    rules = slo_rules(slo(service_slo("cart")))
    first = run_check(rules, "ticket-6h", ProofCache(tmp_path))
    (stored,) = tmp_path.glob("*.json")
    later = ProofCache(tmp_path)  # as a new process (or an xdist worker) sees it
    again = run_check(slo_rules(slo(service_slo("search"))), "ticket-6h", later)
    assert (later.hits, later.misses) == (1, 0)
    assert again.headline == first.headline.replace("cart", "search").replace("Cart", "Search")
    assert json.loads(stored.read_text())["key"] == stored.stem


def test_a_damaged_or_foreign_cache_file_is_ignored_and_the_proof_simulated(
    tmp_path: Path,
) -> None:
    rules = slo_rules(slo(service_slo("cart")))
    truth = run_check(rules, "page-1h", ProofCache(tmp_path))
    (stored,) = tmp_path.glob("*.json")
    for damage in ("{not json", json.dumps({"key": "another", "outcome": {"fired_ms": 0}})):
        stored.write_text(damage)
        cache = ProofCache(tmp_path)
        result = run_check(rules, "page-1h", cache)
        assert (cache.hits, cache.misses) == (0, 1)
        assert (result.passed, result.headline) == (truth.passed, truth.headline)


def test_a_run_keeps_the_outcomes_and_the_next_run_gives_the_same_verdicts(
    pytester: pytest.Pytester,
) -> None:
    specs = pytester.mkdir("slo_specs")
    shutil.copy(REPO / "slo_specs" / "sources.yaml", specs)
    (specs / "data").mkdir()
    shutil.copy(REPO / "slo_specs" / "data" / "ingest.om", specs / "data")
    shutil.copy(REPO / "slo_specs" / "slos.yaml", specs)
    glue = ("-p", "pytest_burnin.plugin.slo_glue")  # left out by tests/conftest.py
    first = pytester.runpytest(*glue, "--burnin", "-rA", "-k", "SLOAlerts")
    assert first.ret == 0, first.stdout.str()
    stored = list((pytester.path / ".burnin" / "cache" / "slo-proofs").glob("*.json"))
    # One outcome per proof: the example's three SLOs differ in shape (bad over total,
    # good over total, threshold).
    assert len(stored) == 10
    written = {p: p.stat().st_mtime_ns for p in stored}
    second = pytester.runpytest(*glue, "--burnin", "-rA", "-k", "SLOAlerts")
    assert second.ret == 0
    # Read, not simulated and written again.
    assert {p: p.stat().st_mtime_ns for p in stored} == written
    proofs = sorted(line for line in first.outlines if line.startswith("PASS  SLOAlerts:"))
    assert len(proofs) == 10
    assert sorted(line for line in second.outlines if line.startswith("PASS  SLOAlerts:")) == proofs
    assert (
        "PASS  SLOAlerts:integrity/ticket-3d: SLOIntegrityBurnRateTicket3d fired 57h37m into "
        "a 1.25x burn (allowed 57h39m)" in proofs
    )
