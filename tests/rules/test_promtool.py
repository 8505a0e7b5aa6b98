"""The promtool test-file runner: semantics, promtool's messages, extensions, corpus files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_burnin.rules.promtool import GroupResult, RunOptions, run_file
from pytest_burnin.rules.testfile import TestFileError, load_test_file

PEER = Path(__file__).resolve().parents[2].parent / "shared" / "peer-suites"

RULES = """
groups:
  - name: alerts
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        labels:
          severity: page
        annotations:
          summary: "Instance {{ $labels.instance }} down"
          site: "{{ $externalLabels.site }}"
      - alert: AlwaysFiring
        expr: 1
  - name: rules
    rules:
      - record: job:test:count_over_time1m
        expr: sum without(instance) (count_over_time(test[1m]))
"""


def write(tmp_path: Path, tests: str, rules: str = RULES) -> Path:
    (tmp_path / "rules.yml").write_text(rules)
    path = tmp_path / "test.yml"
    path.write_text(textwrap.dedent(tests))
    return path


def run(tmp_path: Path, tests: str, **kw: object) -> list[GroupResult]:
    return run_file(write(tmp_path, tests), RunOptions(**kw))  # type: ignore[arg-type]


def test_alert_and_expr_tests_pass(tmp_path: Path) -> None:
    [r] = run(
        tmp_path,
        """
        rule_files: [rules.yml]
        tests:
          - interval: 1m
            external_labels: {site: eqiad}
            input_series:
              - series: 'up{job="prometheus", instance="localhost:9090"}'
                values: "0+0x20"
              - series: 'test{job="t", instance="x"}'
                values: "1x20"
            alert_rule_test:
              - eval_time: 4m
                alertname: InstanceDown
                exp_alerts: []
              - eval_time: 5m
                alertname: InstanceDown
                exp_alerts:
                  - exp_labels: {severity: page, instance: "localhost:9090", job: prometheus}
                    exp_annotations: {summary: "Instance localhost:9090 down", site: eqiad}
            promql_expr_test:
              - expr: count(ALERTS) by (alertname, alertstate)
                eval_time: 4m
                exp_samples:
                  - labels: '{alertname="AlwaysFiring",alertstate="firing"}'
                    value: 1
                  - labels: '{alertname="InstanceDown",alertstate="pending"}'
                    value: 1
              - expr: job:test:count_over_time1m
                eval_time: 10m
                exp_samples:
                  - labels: 'job:test:count_over_time1m{job="t"}'
                    value: 1
        """,
    )
    assert r.status == "passed", str(r)
    assert r.assertions == 4


def test_failure_messages_are_promtools(tmp_path: Path) -> None:
    [alert, expr] = run(
        tmp_path,
        """
        rule_files: [rules.yml]
        tests:
          - name: wrong alert
            input_series:
              - series: 'up{job="a"}'
                values: 0x10
            alert_rule_test:
              - eval_time: 5m
                alertname: InstanceDown
                exp_alerts: []
          - input_series:
              - series: test
                values: 0
            promql_expr_test:
              - expr: test
                eval_time: 0
                exp_samples:
                  - labels: test
                    value: 0.4
        """,
    )
    assert alert.status == "failed"
    assert alert.failures == [
        "    name: wrong alert,\n"
        "    alertname: InstanceDown, time: 5m, \n"
        "        exp:[], \n"
        "        got:[\n"
        "            0:\n"
        '              Labels:{alertname="InstanceDown", job="a", severity="page"}\n'
        '              Annotations:{site="", summary="Instance  down"}\n'
        "            ]"
    ]
    # Instead of a line diff of whole label sets: what fired that was not expected.
    assert alert.diffs == []
    assert alert.notes == [
        ['unexpected alert: labels {alertname="InstanceDown", job="a", severity="page"}']
    ]
    assert expr.failures == [
        '    expr: "test", time: 0s,\n'
        '        exp: {__name__="test"} 4E-01\n'
        '        got: {__name__="test"} 0E+00'
    ]
    assert str(expr).splitlines()[0] == (
        "tests[1]: 1 failure: expr 'test' at 0s: "
        'expected {__name__="test"} 4E-01, got {__name__="test"} 0E+00'
    )
    assert str(alert).splitlines()[0] == (
        "wrong alert: 1 failure: alert InstanceDown at 5m: expected 0 firing alert(s), got 1"
    )
    assert str(alert).endswith(f"test.yml:{alert.line}") and alert.failure_lines == [9]
    # The named difference comes before promtool's block.
    assert str(alert).splitlines()[1] == alert.notes[0][0]


def test_rule_evaluation_error_and_query_error(tmp_path: Path) -> None:
    rules = "groups:\n  - name: g\n    rules:\n      - record: joined\n        expr: a + on(x) b\n"
    path = write(
        tmp_path,
        """
        rule_files: [rules.yml]
        tests:
          - input_series:
              - {series: 'a{x="1"}', values: "1"}
              - {series: 'b{x="1",y="1"}', values: "1"}
              - {series: 'b{x="1",y="2"}', values: "1"}
          - promql_expr_test:
              - expr: "sum("
                eval_time: 0
        """,
        rules,
    )
    rule_err, parse_err = run_file(path)
    assert rule_err.failures[0].startswith(
        "    rule: joined, time: 0s, err: found duplicate series"
    )
    assert parse_err.failures[0].startswith('    expr: "sum(", time: 0s, err: 1:5: parse error')


def test_bad_rule_file_and_missing_rule_file(tmp_path: Path) -> None:
    bad = "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: 'test +'\n"
    [r] = run_file(write(tmp_path, "rule_files: [rules.yml]\ntests:\n  - {}\n", bad))
    assert r.failures == [
        'rules.yml: 5:15: group "g", rule 1, "x": could not parse expression: '
        "1:7: parse error: unexpected end of input"
    ]
    [r] = run(tmp_path, "rule_files: [nothere.yml]\ntests:\n  - {}\n")
    assert (
        r.status == "failed"
        and "matches no file" in r.failures[0]
        and "no file match pattern" in r.failures[0]
    )


def test_interval_defaults_to_evaluation_interval_in_compat_3_only(tmp_path: Path) -> None:
    tests = """
    tests:
      - input_series:
          - {series: test, values: "0 1"}
        promql_expr_test:
          - expr: test
            eval_time: 1m
            exp_samples: [{labels: test, value: 1}]
    """
    assert run(tmp_path, tests)[0].passed
    assert not run(tmp_path, tests, compat=2)[0].passed


def test_fuzzy_compare_allows_one_ulp(tmp_path: Path) -> None:
    tests = """
    fuzzy_compare: {fuzzy}
    tests:
      - input_series:
          - {{series: a, values: "2.9999999999999996"}}
          - {{series: b, values: "2.9999999999999987"}}
        promql_expr_test:
          - {{expr: a, eval_time: 0, exp_samples: [{{labels: a, value: 3}}]}}
      - promql_expr_test:
          - {{expr: vector(2.9999999999999987), eval_time: 0, exp_samples: [{{value: 3}}]}}
    """
    near, far = run(tmp_path, tests.format(fuzzy="true"))
    assert near.passed and not far.passed
    assert not run(tmp_path, tests.format(fuzzy="false"))[0].passed


def test_start_timestamp_and_eval_order(tmp_path: Path) -> None:
    [r] = run(
        tmp_path,
        """
        group_eval_order: [rules, alerts]
        rule_files: [rules.yml]
        tests:
          - start_timestamp: "2024-01-01T00:00:00Z"
            input_series:
              - {series: m, values: "10+10x5"}
            promql_expr_test:
              - expr: timestamp(m)
                eval_time: 2m
                exp_samples: [{value: 1704067320}]
        """,
    )
    assert r.passed, str(r)


def test_native_histogram_samples_pass_and_fail_as_promtool(tmp_path: Path) -> None:
    text = """
        tests:
          - interval: 1m
            input_series:
              - {series: h, values: "{{schema:0 sum:1 count:2 buckets:[2]}}+{{sum:1 count:1 buckets:[1]}}x4"}
            promql_expr_test:
              - expr: h
                eval_time: 2m
                exp_samples:
                  - {labels: h, histogram: "{{count:4 sum:3 counter_reset_hint:not_reset buckets:[4]}}"}
              - expr: histogram_count(rate(h[4m]))
                eval_time: 4m
                exp_samples: [{value: %s}]
        """
    [ok] = run(tmp_path, text % "0.016666666666666663")
    assert ok.passed, str(ok)
    [bad] = run(tmp_path, text % "1")
    assert bad.status == "failed"
    assert "exp: {} 1E+00" in str(bad) and "got: {} 1.6666666666666663E-02" in str(bad)


def test_native_histogram_mismatch_names_both_histograms(tmp_path: Path) -> None:
    [r] = run(
        tmp_path,
        """
        tests:
          - input_series:
              - {series: h, values: "{{schema:0 sum:1 count:1 buckets:[1]}}"}
            promql_expr_test:
              - expr: h * 2
                eval_time: 0
                exp_samples: [{labels: "{}", histogram: "{{count:2 sum:2 buckets:[3]}}"}]
        """,
    )
    assert r.status == "failed"
    assert "exp: {} {{count:2 sum:2 buckets:[3]}}" in str(r)
    assert "got: {} {{count:2 sum:2 buckets:[2]}}" in str(r)


def test_recording_rules_store_native_histograms(tmp_path: Path) -> None:
    tests = """
        rule_files: [rules.yml]
        tests:
          - interval: 1m
            input_series:
              - {series: h, values: "{{schema:0 sum:1 count:1 buckets:[1]}}+{{sum:1 count:1 buckets:[1]}}x4"}
            promql_expr_test:
              - expr: h2
                eval_time: 2m
                exp_samples:
                  - {labels: h2, histogram: "{{count:6 sum:6 counter_reset_hint:not_reset buckets:[6]}}"}
              - expr: histogram_count(rate(h2[2m]))
                eval_time: 4m
                exp_samples: [{value: 0.03333333333333333}]
        """
    rules = "groups:\n- name: g\n  rules:\n  - record: h2\n    expr: h * 2\n"
    [r] = run_file(write(tmp_path, tests, rules), RunOptions())
    assert r.passed, str(r)


def test_alert_over_native_histograms_is_an_error_not_a_pass(tmp_path: Path) -> None:
    tests = """
        rule_files: [rules.yml]
        tests:
          - interval: 1m
            input_series:
              - {series: h, values: "{{schema:0 sum:1 count:1 buckets:[1]}}x2"}
            alert_rule_test:
              - {eval_time: 1m, alertname: HistogramAlert, exp_alerts: []}
        """
    rules = "groups:\n- name: g\n  rules:\n  - alert: HistogramAlert\n    expr: h\n"
    [r] = run_file(write(tmp_path, tests, rules), RunOptions())
    assert r.status == "failed"
    assert "alerting rule whose result holds native histograms is not supported" in str(r)


def test_extensions_subset_regex_and_pending(tmp_path: Path) -> None:
    [r] = run(
        tmp_path,
        """
        rule_files: [rules.yml]
        tests:
          - input_series:
              - {series: 'up{job="api", instance="a:1"}', values: "0x10"}
            alert_rule_test:
              - eval_time: 2m
                alertname: InstanceDown
                burnin: {state: pending, match: subset}
                exp_alerts:
                  - exp_labels: {severity: page}
              - eval_time: 6m
                alertname: InstanceDown
                burnin: {match: subset, regex: true}
                exp_alerts:
                  - exp_annotations: {summary: "Instance a:\\\\d+ down"}
              - eval_time: 2m
                alertname: InstanceDown
                exp_alerts: []
        """,
    )
    assert r.passed, str(r)


def test_bad_test_file_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "tests:\n  - interval: 1m\n    input_serie: []\n")
    with pytest.raises(TestFileError) as e:
        load_test_file(path)
    assert str(e.value) == f"{path}:3:5: field input_serie not found in type main.testGroup"


def test_only_needed_rules_are_evaluated(tmp_path: Path) -> None:
    rules = RULES + "      - record: broken\n        expr: a + on(x) b\n"
    path = write(
        tmp_path,
        """
        rule_files: [rules.yml]
        tests:
          - input_series:
              - {series: 'a{x="1"}', values: "1"}
              - {series: 'b{x="1",y="1"}', values: "1"}
              - {series: 'b{x="1",y="2"}', values: "1"}
            alert_rule_test:
              - {eval_time: 0, alertname: AlwaysFiring, exp_alerts: [{}]}
        """,
        rules,
    )
    assert run_file(path)[0].passed
    strict = run_file(path, RunOptions(evaluate_all_rules=True))[0]
    assert "rule: broken" in strict.failures[0]


corpus = pytest.mark.skipif(not PEER.is_dir(), reason=f"peer suites not found at {PEER}")


@corpus
@pytest.mark.parametrize(
    ("rel", "compat"),
    [
        ("prometheus-promtool-testdata/unittest.yml", 3),
        ("prometheus-promtool-testdata-v2.42.0/unittest.yml", 2),
        ("prometheus-promtool-testdata/start-time-test.yml", 3),
        ("etcd-mixin/test.yaml", 2),
        ("thanos-mixin/tests.yaml", 2),
        ("kubernetes-mixin/tests/absent_alert-test.yaml", 3),
        ("wikimedia-operations-alerts/team-sre/mw-on-k8s_test.yaml", 2),
        (
            "wikimedia-operations-alerts/team-search-platform/cirrus_streaming_updater_cloudelastic_test.yaml",
            2,
        ),
    ],
)
def test_corpus_files_pass(rel: str, compat: int) -> None:
    for r in run_file(PEER / rel, RunOptions(compat=compat)):
        assert r.status in ("passed", "skipped"), str(r)


@corpus
@pytest.mark.parametrize(
    ("rel", "cause"),
    [
        ("bad-input-series.yml", "1:48: parse error: unexpected character inside braces: '0'"),
        (
            "bad-rules-syntax-test.yml",
            'bad-rules-syntax.yml: 7:15: group "bad-syntax", rule 1, "x": could not parse expression',
        ),
        (
            "bad-rules-error-test.yml",
            "    rule: joined, time: 0s, err: found duplicate series for the match group",
        ),
        (
            "bad-promql.yml",
            '    expr: "join_1 + on(a) join_2", time: 0s, err: found duplicate series',
        ),
        ("failing.yml", "    name: Failing test,\n    alertname: Test, time: 0s, \n        exp:["),
    ],
)
def test_corpus_files_failing_by_design(rel: str, cause: str) -> None:
    results = run_file(PEER / "prometheus-promtool-testdata" / rel)
    assert all(r.status == "failed" for r in results)
    assert cause in "\n".join(str(r) for r in results)


def test_windowed_alert_evaluation_matches_every_step(tmp_path: Path) -> None:
    rules = """
groups:
  - name: g
    rules:
      - alert: Flap
        expr: up == 0
        for: 2m
        keep_firing_for: 3m
"""
    tests = """
    rule_files: [rules.yml]
    tests:
      - input_series:
          - {series: 'up{job="a"}', values: "1 1 0 0 0 0 1 1 1 1 1 1"}
        alert_rule_test:
          - {eval_time: 3m, alertname: Flap, exp_alerts: []}
          - {eval_time: 4m, alertname: Flap, exp_alerts: [{exp_labels: {job: a}}]}
          - {eval_time: 8m30s, alertname: Flap, exp_alerts: [{exp_labels: {job: a}}]}
          - {eval_time: 9m, alertname: Flap, exp_alerts: []}
          - {eval_time: 3m, alertname: Flap, burnin: {state: pending}, exp_alerts: [{exp_labels: {job: a}}]}
    """
    path = write(tmp_path, tests, rules)
    (windowed,) = run_file(path)
    (every_step,) = run_file(path, RunOptions(evaluate_all_rules=True))
    assert windowed.passed, str(windowed)
    assert every_step.passed, str(every_step)


@corpus
def test_compat_2_reproduces_promtool_2_42_failures() -> None:
    # BASELINE.md: promtool 2.42 fails these four absent()-based alerts at 25m
    # (its closed lookback window still sees the sample at exactly t-5m).
    path = PEER / "kubernetes-mixin" / "tests" / "absent_alert-test.yaml"
    failed = [r.headlines[0] for r in run_file(path, RunOptions(compat=2)) if not r.passed]
    assert sorted(failed) == [
        f"alert {name} at 25m: expected 1 firing alert(s), got 0"
        for name in (
            "KubeAPIDown",
            "KubeControllerManagerDown",
            "KubeProxyDown",
            "KubeSchedulerDown",
        )
    ]
    assert all(r.passed for r in run_file(path, RunOptions(compat=3)))


def test_extension_regex_go_refuses_is_a_located_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        rule_files: [rules.yml]
        tests:
          - input_series: []
            alert_rule_test:
              - eval_time: 6m
                alertname: InstanceDown
                burnin: {match: subset, regex: true}
                exp_alerts:
                  - exp_annotations: {summary: "(?!x).*"}
        """,
    )
    with pytest.raises(TestFileError) as e:
        load_test_file(path)
    assert "error parsing regexp: invalid or unsupported Perl syntax: `(?!`" in str(e.value)
    assert str(e.value).startswith(f"{path}:")
