"""The promtool runner's fast path (recording rules over all steps at once, allsteps.py)
gives what the step path gives: the same GroupResult, failures and messages
included, and the same stored series, bit for bit and in the same order."""

from __future__ import annotations

import importlib.util
import struct
from array import array
from pathlib import Path
from types import ModuleType

import pytest

from pytest_burnin.promql.storage import Storage, is_stale
from pytest_burnin.rules import promtool
from pytest_burnin.rules.promtool import GroupResult, RunOptions, run_file

RULES = """\
groups:
  - name: first
    rules:
      - record: job:x:rate2m
        expr: sum by (job) (rate(x_total[2m]))
      - record: inst:x:increase3m
        expr: increase(x_total[3m])
      - record: job:x:rate2m:doubled
        expr: job:x:rate2m * 2
      - record: inst:g:high
        expr: g > 2
        labels: {kind: high}
      - record: reads_later
        expr: later_metric + 1
      - alert: XFast
        expr: job:x:rate2m:doubled > 0.5
        for: 3m
        keep_firing_for: 2m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.job }} at {{ $value }}"}
      - alert: GHigh
        expr: inst:g:high
        labels: {value: "{{ $value }}"}
  - name: second
    rules:
      - record: later_metric
        expr: sum(g)
      - record: g:avg_sub
        expr: avg_over_time(inst:g:high[5m:1m])
      - record: g:deriv
        expr: deriv(g[4m])
"""

INPUTS = """\
      - series: 'x_total{job="a",instance="1"}'
        values: '0+1x10 3+2x10 100 _ _ 4+1x8'
      - series: 'x_total{job="a",instance="2"}'
        values: '_ _ _ 5+0.5x30'
      - series: 'x_total{job="b",instance="1"}'
        values: '1 2 3 4 5 stale 6+1x20'
      - series: 'g{instance="1"}'
        values: '1 2 3 4 5 _ _ _ _ _ _ _ 3 1 4 1 5 9 2 6 stale 5 3 5'
      - series: 'g{instance="2"}'
        values: '0.1+0.7x25'
"""

# Wrong expectations on purpose: the failure message prints every value got.
CHECKS = """\
    alert_rule_test:
      - {eval_time: 6m, alertname: XFast}
      - {eval_time: 14m, alertname: XFast}
      - {eval_time: 20m, alertname: GHigh}
    promql_expr_test:
      - {expr: 'job:x:rate2m', eval_time: 9m, exp_samples: [{labels: 'x', value: 0}]}
      - {expr: 'inst:x:increase3m', eval_time: 17m, exp_samples: [{labels: 'x', value: 0}]}
      - {expr: 'job:x:rate2m:doubled', eval_time: 23m, exp_samples: [{labels: 'x', value: 0}]}
      - {expr: 'inst:g:high', eval_time: 12m, exp_samples: [{labels: 'x', value: 0}]}
      - {expr: 'count_over_time(inst:g:high[30m])', eval_time: 25m, exp_samples: []}
      - {expr: 'reads_later', eval_time: 10m, exp_samples: []}
      - {expr: 'g:avg_sub', eval_time: 19m, exp_samples: []}
      - {expr: 'g:deriv', eval_time: 7m, exp_samples: []}
"""


def write(tmp_path: Path, tests: str, rules: str = RULES, order: str = "") -> Path:
    (tmp_path / "rules.yml").write_text(rules)
    head = "rule_files: [rules.yml]\nevaluation_interval: 1m\n" + order
    path = tmp_path / "test.yml"
    path.write_text(head + "tests:\n" + tests)
    return path


def group(inputs: str = INPUTS, checks: str = CHECKS, interval: str = "1m") -> str:
    return f"  - interval: {interval}\n    input_series:\n{inputs}{checks}"


class _Kept(Storage):
    """A Storage the test can read once the group has run."""

    last: Storage | None = None

    def __init__(self) -> None:
        super().__init__()
        _Kept.last = self


def _contents(storage: Storage) -> list[tuple[object, ...]]:
    """Every series in selection order (per metric name), times and value bits."""
    out: list[tuple[object, ...]] = []
    for name, series in sorted(storage._by_name.items()):
        for s in series:
            bits = [struct.pack(">d", v) for v in s.vs]
            out.append((name, s.labels, list(s.ts), bits))
    return out


def both(
    path: Path, compat: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[GroupResult], list[GroupResult], list[object], list[object]]:
    """(fast results, step results, fast storages, step storages)."""
    monkeypatch.setattr(promtool, "Storage", _Kept)
    results, stores = [], []
    for fast in (True, False):
        res = []
        kept: list[object] = []
        tf = promtool.load_test_file(path)
        for g in tf.groups:
            res.append(promtool.run_group(tf, g, RunOptions(compat=compat, all_steps=fast)))
            assert _Kept.last is not None
            kept.append(_contents(_Kept.last))
        results.append(res)
        stores.append(kept)
    return results[0], results[1], stores[0], stores[1]


def same(fast: list[GroupResult], step: list[GroupResult]) -> None:
    assert len(fast) == len(step)
    for a, b in zip(fast, step, strict=True):
        assert str(a) == str(b)
        assert (a.status, a.failures, a.diffs, a.headlines, a.failure_lines, a.notes) == (
            b.status,
            b.failures,
            b.diffs,
            b.headlines,
            b.failure_lines,
            b.notes,
        )
        assert b.all_steps_rules == 0


@pytest.mark.parametrize("compat", [2, 3])
def test_fast_path_equals_step_path(
    tmp_path: Path, compat: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, group())
    fast, step, fast_store, step_store = both(path, compat, monkeypatch)
    same(fast, step)
    assert fast_store == step_store
    # Staleness markers where series went away, as the step path writes them.
    stale = [bits for _, _, _, series in fast_store[0] for bits in series]
    assert any(is_stale(struct.unpack(">d", b)[0]) for b in stale)
    # Every recording rule but the one reading a later rule's output went fast.
    assert fast[0].all_steps_rules == 6
    assert fast[0].status == "failed" and len(fast[0].failures) >= 8


@pytest.mark.parametrize("compat", [2, 3])
def test_passing_group_goes_fast(
    tmp_path: Path, compat: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = """\
    promql_expr_test:
      # a: 1/60 + 1/120 per second (two instances), b: 1/60 (after its stale marker)
      - expr: job:x:rate2m:doubled
        eval_time: 8m
        exp_samples:
          - {labels: 'job:x:rate2m:doubled{job="a"}', value: 0.05}
          - {labels: 'job:x:rate2m:doubled{job="b"}', value: 0.03333333333333333}
"""
    path = write(tmp_path, group(checks=checks))
    fast, step, fast_store, step_store = both(path, compat, monkeypatch)
    same(fast, step)
    assert fast_store == step_store
    assert fast[0].passed and fast[0].all_steps_rules == 2


@pytest.mark.parametrize(
    ("expr", "why"),
    [
        ("x_total offset -1m", "negative offset"),
        ("x_total @ 300", "@"),
        ("x_total @ end()", "@ end()"),
        ("sum(x_total) + time() * 0 + step()", "query-context function"),
        ("sum(x_total[5m:step()])", "step() in a duration"),
        ("x_total{job=~'a'} + on() group_left vector(0) or own", "reads its own metric"),
    ],
)
def test_what_the_fast_path_cannot_prove_takes_the_step_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expr: str, why: str
) -> None:
    rules = f"""\
groups:
  - name: only
    rules:
      - record: own
        expr: {expr}
"""
    checks = """\
    promql_expr_test:
      - {expr: 'own', eval_time: 4m, exp_samples: []}
      - {expr: 'count_over_time(own[10m])', eval_time: 10m, exp_samples: []}
"""
    compat = 3 if "step()" in expr or "end()" in expr else 2
    path = write(tmp_path, group(checks=checks), rules=rules)
    fast, step, fast_store, step_store = both(path, compat, monkeypatch)
    same(fast, step)
    assert fast_store == step_store
    assert fast[0].all_steps_rules == 0, why


def test_an_alert_read_before_its_recorded_input_keeps_that_rule_on_the_step_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An alert evaluated before the rule it reads sees, at step t, the output of t-1."""
    rules = """\
groups:
  - name: alerts
    rules:
      - alert: Rising
        expr: delta(job:x:sum[3m]) > 0
        for: 2m
  - name: records
    rules:
      - record: job:x:sum
        expr: sum by (job) (x_total)
"""
    checks = """\
    alert_rule_test:
      - {eval_time: 3m, alertname: Rising}
      - {eval_time: 9m, alertname: Rising, exp_alerts: [{exp_labels: {job: a}}]}
"""
    path = write(tmp_path, group(checks=checks), rules=rules)
    fast, step, _, _ = both(path, 2, monkeypatch)
    same(fast, step)
    assert fast[0].all_steps_rules == 0


def test_group_eval_order_decides_what_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With second evaluated first, reads_later reads an earlier rule: fast as well;
    the rules of first that read second's outputs see them at the same step."""
    path = write(tmp_path, group(), order="group_eval_order: [second, first]\n")
    fast, step, fast_store, step_store = both(path, 3, monkeypatch)
    same(fast, step)
    assert fast_store == step_store
    # g:avg_sub (in second) now reads inst:g:high from a later group: step path.
    assert fast[0].all_steps_rules == 6


@pytest.mark.parametrize("compat", [2, 3])
def test_an_error_at_a_step_is_reported_at_that_step_as_promtool_does(
    tmp_path: Path, compat: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two series collide once the rule's labels are applied, from the step where
    the second appears: the fast path gives up, the step path reports it there."""
    rules = """\
groups:
  - name: only
    rules:
      - record: fine
        expr: sum(rate(x_total[2m]))
      - record: collides
        expr: x_total{job="a"}
        labels: {instance: same}
      - record: dup_in_query
        expr: label_replace(x_total{job="b"} or x_total{instance="2"}, "job", "z", "", "")
"""
    checks = """\
    promql_expr_test:
      - {expr: 'fine', eval_time: 10m, exp_samples: []}
      - {expr: 'collides', eval_time: 10m, exp_samples: []}
"""
    path = write(tmp_path, group(checks=checks), rules=rules)
    fast, step, _, _ = both(path, compat, monkeypatch)
    same(fast, step)
    assert fast[0].all_steps_rules == 0
    assert "time: 3m0s, err: vector contains metrics with the same labelset" in str(fast[0])


def _benchmark_module() -> ModuleType:
    """benchmarks/bench_heavy_rule_test.py, so the test follows the benchmark's shape."""
    where = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_heavy_rule_test.py"
    spec = importlib.util.spec_from_file_location("bench_heavy_rule_test", where)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_heavy_file_takes_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's shape (bench_heavy_rule_test.py), small: if this falls back to
    the step path, or stores samples as Python objects again, the heavy rule test is
    slow and large again and nothing else says so."""
    bench = _benchmark_module()
    (tmp_path / "rules.yml").write_text(bench.RULES)
    path = tmp_path / "test.yml"
    path.write_text(bench.test_file(30, 120))  # its generator, 30 series x 120 steps
    monkeypatch.setattr(promtool, "Storage", _Kept)
    for compat in (2, 3):
        (res,) = run_file(path, RunOptions(compat=compat))
        assert res.passed, str(res)
        assert res.all_steps_rules == 2
        assert _Kept.last is not None
        stored = {name: series for name, series in _Kept.last._by_name.items()}
        for name in ("x_total", "instance:x_total:increase1h", "job:x_total:rate5m"):
            assert len(stored[name]) == (bench.JOBS if name.startswith("job") else 30)
            for s in stored[name]:  # 16 bytes a sample, not ~70 as Python objects
                assert isinstance(s.ts, array) and s.ts.typecode == "q"
                assert isinstance(s.vs, array) and s.vs.typecode == "d"
