"""OpenSLO v1 and Sloth prometheus/v1 files collected and judged like native SLOs."""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import JUnitXml

from .test_verdicts import properties
from .test_windows_budgeting import GLUE, write

OPENSLO = """\
apiVersion: openslo/v1
kind: Service
metadata: {name: ingest}
spec: {description: Activity-data ingestion}
---
apiVersion: openslo/v1
kind: DataSource
metadata: {name: prom}
spec: {type: Prometheus, connectionDetails: {}}
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: failures}
spec:
  ratioMetric:
    counter: true
    bad: {metricSource: {metricSourceRef: prom, type: Prometheus, spec: {query: failed_total}}}
    total: {metricSource: {metricSourceRef: prom, type: Prometheus, spec: {query: checked_total}}}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: ratio-occurrences}
spec:
  service: ingest
  indicatorRef: failures
  timeWindow: [{duration: 1h, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{displayName: good, target: 0.97}]
  alertPolicies: [fast-burn]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: ratio-timeslices}
spec:
  service: ingest
  indicatorRef: failures
  timeWindow: [{duration: 1h, isRolling: true}]
  budgetingMethod: Timeslices
  objectives: [{target: 0.9, timeSliceTarget: 0.97, timeSliceWindow: 5m}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: failure-rate}
spec:
  service: ingest
  indicator:
    metadata: {name: failure-rate}
    spec:
      thresholdMetric:
        metricSource: {type: Prometheus, spec: {queryType: promql, query: 'sum(rate(failed_total[5m]))'}}
  timeWindow: [{duration: 1h, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{op: lte, value: 1, target: 0.99}]
---
apiVersion: openslo/v1
kind: AlertCondition
metadata: {name: burn}
spec:
  severity: page
  condition: {kind: burnrate, op: gte, threshold: 2, lookbackWindow: 1h, alertAfter: 5m}
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: fast-burn}
spec:
  conditions: [{conditionRef: burn}]
  notificationTargets: [{targetRef: pager}]
"""


def test_openslo_file_gives_one_slo_item_per_slo(spec_dir: pytest.Pytester, tmp_path: Path) -> None:
    write(spec_dir, OPENSLO, "openslo.yaml")
    xml = tmp_path / "r.xml"
    result = spec_dir.runpytest("--burnin", "-rA", *GLUE, "-m", "burnin_slo", f"--junitxml={xml}")
    result.assert_outcomes(passed=3, deselected=1)
    result.stdout.fnmatch_lines_random(
        [
            "PASS  SLO ratio-occurrences: 2% bad over 1h, objective <= 3% (budget left 33.3%)",
            "PASS  SLO ratio-timeslices: 100% of 5m slices good (12/12 <= 3%) over 1h,"
            " objective >= 90%*",
            "PASS  SLO failure-rate: measured 1 over 1h, objective >= 0.99*",
        ]
    )
    cases = {c.name: c for suite in JUnitXml.fromfile(str(xml)) for c in suite}
    assert set(cases) == {"SLO:ratio-occurrences", "SLO:ratio-timeslices", "SLO:failure-rate"}
    assert properties(cases["SLO:ratio-timeslices"])["budgeting"] == "timeslices"


def test_openslo_timeslices_fail(spec_dir: pytest.Pytester) -> None:
    write(spec_dir, OPENSLO.replace("timeSliceTarget: 0.97", "timeSliceTarget: 0.99"), "o.yaml")
    result = spec_dir.runpytest("--burnin", *GLUE, "-k", "timeslices", "-rf")
    result.assert_outcomes(failed=1, deselected=3)
    result.stdout.fnmatch_lines(
        ["FAIL  SLO ratio-timeslices: 0% of 5m slices good (0/12 <= 1%) over 1h misses*"]
    )


def test_openslo_calendar_window(spec_dir: pytest.Pytester) -> None:
    text = OPENSLO.replace(
        "timeWindow: [{duration: 1h, isRolling: true}]\n  budgetingMethod: Occurrences\n"
        "  objectives: [{displayName",
        "timeWindow: [{duration: 1d, isRolling: false, calendar: {startTime: '2020-01-01 00:00:00',"
        " timeZone: UTC}}]\n  budgetingMethod: Occurrences\n  objectives: [{displayName",
    )
    write(spec_dir, text, "o.yaml")
    result = spec_dir.runpytest("--burnin", "-rA", *GLUE, "-k", "occurrences")
    result.assert_outcomes(passed=1, deselected=3)
    result.stdout.fnmatch_lines(["PASS  SLO ratio-occurrences: 2% bad over calendar day*"])


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "target: 0.97}",
            "target: 0.97, compositeWeight: 2}",
            "*o.yaml:28:*unsupported OpenSLO field spec.objectives[[]0].compositeWeight*",
        ),
        (
            "budgetingMethod: Occurrences\n  objectives: [{displayName",
            "budgetingMethod: Weekly\n  objectives: [{displayName",
            "*o.yaml:27:*unsupported OpenSLO spec.budgetingMethod: budgetingMethod 'Weekly'*",
        ),
        (
            "spec: {type: Prometheus, connectionDetails: {}}",
            "spec: {type: Datadog}",
            "*o.yaml:9:*unsupported OpenSLO spec.type: DataSource type 'Datadog'*",
        ),
        (
            "kind: Service\n",
            "kind: SLOGroup\n",
            "*o.yaml:2:*unsupported OpenSLO kind 'SLOGroup'*",
        ),
    ],
)
def test_openslo_unsupported_fields_are_named_with_file_and_line(
    spec_dir: pytest.Pytester, old: str, new: str, message: str
) -> None:
    assert old in OPENSLO
    write(spec_dir, OPENSLO.replace(old, new, 1), "o.yaml")
    result = spec_dir.runpytest("--burnin", *GLUE)
    result.stdout.fnmatch_lines([message])
    assert result.ret != 0
    assert "Traceback" not in result.stdout.str()


# 31 days of hourly counters, 2% bad: enough for Sloth's 30-day window.
MONTH_DATA = "".join(
    [
        "# TYPE checked counter\n",
        *(f"checked_total {i * 6000} {1_700_000_000 + i * 3600}\n" for i in range(745)),
        "# TYPE failed counter\n",
        *(f"failed_total {i * 120} {1_700_000_000 + i * 3600}\n" for i in range(745)),
        "# EOF\n",
    ]
)

SLOTH = """\
version: prometheus/v1
service: ingest
labels: {owner: data-platform}
slos:
  - name: ingest-events
    objective: 97
    description: Ingestion runs that succeed.
    sli:
      events:
        error_query: sum(rate(failed_total[{{.window}}]))
        total_query: sum(rate(checked_total[{{ .window }}]))
    alerting:
      name: IngestHighErrorRate
      page_alert: {labels: {severity: page}}
  - name: ingest-raw
    objective: 99
    sli:
      raw:
        error_ratio_query: sum(rate(failed_total[{{.window}}])) / sum(rate(checked_total[{{.window}}]))
    alerting: {name: IngestRaw}
"""


def test_sloth_file_events_pass_and_raw_fails(spec_dir: pytest.Pytester, tmp_path: Path) -> None:
    (spec_dir.path / "slo_specs" / "data.om").write_text(MONTH_DATA)
    write(spec_dir, SLOTH, "sloth.yaml")
    xml = tmp_path / "r.xml"
    result = spec_dir.runpytest("--burnin", "-rA", *GLUE, "-m", "burnin_slo", f"--junitxml={xml}")
    result.assert_outcomes(passed=1, failed=1, deselected=1)
    result.stdout.fnmatch_lines_random(
        [
            "PASS  SLO ingest/ingest-events: 2% bad over 30d, objective <= 3% (budget left 33.3%)",
            "FAIL  SLO ingest/ingest-raw: measured 0.02 over 30d misses objective <= 0.01*",
        ]
    )
    cases = {c.name: c for suite in JUnitXml.fromfile(str(xml)) for c in suite}
    props = properties(cases["SLO:ingest/ingest-events"])
    assert props["owner"] == "data-platform"
    assert props["service"] == "ingest"


def test_sloth_plugin_sli_is_refused_with_file_and_line(spec_dir: pytest.Pytester) -> None:
    text = SLOTH.replace(
        "      raw:\n        error_ratio_query: sum(rate(failed_total[{{.window}}])) /"
        " sum(rate(checked_total[{{.window}}]))\n",
        "      plugin: {id: sloth-common/availability}\n",
    )
    write(spec_dir, text, "sloth.yaml")
    result = spec_dir.runpytest("--burnin", *GLUE)
    result.stdout.fnmatch_lines(["*sloth.yaml:18:*unsupported Sloth field slos[[]1].sli.plugin*"])
    assert result.ret != 0


def test_openslo_prometheus_datasource_is_queried(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from tests.sources.test_prometheus_source import Reply, Request, ok, serve, vector

    def recent(req: Request) -> Reply:
        """2% bad records, with data over the 15 days up to the wall clock."""
        now = time.time()
        q = req.params.get("query", "")
        if q == "time()":
            return ok("scalar", [now, str(now)])
        if q.startswith(("min(timestamp(", "max(timestamp(")):
            return vector(now - 15 * 86_400 if q.startswith("min") else now - 7)
        return vector(2.0 if "failed_total" in q else 100.0)

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with serve() as fake:
        fake.handler = recent
        specs = pytester.mkdir("slo_specs")
        text = OPENSLO.replace(
            "spec: {type: Prometheus, connectionDetails: {}}",
            f"spec: {{type: Prometheus, connectionDetails: {{url: '{fake.url}'}}}}",
        ).replace("duration: 1h, isRolling", "duration: 2w, isRolling")
        (specs / "o.yaml").write_text(text)
        result = pytester.runpytest("--burnin", "-rA", *GLUE, "-k", "ratio-occurrences")
        queries = fake.queries()
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["PASS  SLO ratio-occurrences: 2% bad over 14d, objective <= 3%*"])
    assert "sum(increase(failed_total[14d]))" in queries
