"""Every distinct mismatch the differential fuzzer found, as a minimal case.

Each case is what the fuzzer printed after shrinking: the data, one query, and
Prometheus' answer (3.5.3 for compat 3, 2.42 for compat 2). The engine must
give the same answer, compared as the fuzzer compares. Cases whose cause is
still open, or deliberately different, are skipped naming what differs.

``test_recorded_answer_is_prometheus_s`` (differential stage) replays each
case against the real server, so a recorded answer cannot drift from what
Prometheus says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_burnin.promql.labels import Labels
from tests import binaries, differential
from tests.fuzz.cases import differs, parse_case
from tests.fuzz.compare import agree, ask_prometheus
from tests.fuzz.known import (
    CURRENT_FRACTION,
    GO_MATH_BITS,
    K_NAN_OVER_NOTHING,
    OPEN_BUG,
    STEP_INVARIANT_AGGREGATION,
)


@dataclass(frozen=True)
class Regression:
    id: str
    compat: int  # 3: Prometheus 3.5.3's answer; 2: 2.42's
    text: str
    skip: str | None = None


CASES = [
    Regression(
        "limit-ratio-hash-is-stringlabels",
        3,
        """
load 1m
  m0{instance="a b"} _ 8.93 _
  m0{instance="1"} 1 2 3
  m0{instance="x\\ny", job="ü€"} 1 2 3
  m0{job="a"} 1 2 3
eval instant at 2m limit_ratio(0.5, m0)
  m0{instance="1"} 3
  m0{instance="x\\ny", job="ü€"} 3
  m0{job="a"} 3
""",
    ),
    Regression(
        "limit-ratio-negative-is-the-complement",
        3,
        """
load 1m
  m0{instance="a b"} _ 8.93 _
  m0{instance="1"} 1 2 3
  m0{instance="x\\ny", job="ü€"} 1 2 3
  m0{job="a"} 1 2 3
eval instant at 2m limit_ratio(-0.5, m0)
  m0{instance="a b"} 8.93
""",
    ),
    Regression(
        "duplicate-match-error-with-the-other-side-empty",
        3,
        """
load 1m
  m2{instance="b", job="x\\ny"} _ _ _ _ _ 0.5
  m2{instance="1", job="ü€"} _ _ _ _ _ 6
eval instant at 10m (m0) < bool on() (m2 offset 30s)
""",
    ),
    Regression(
        "many-to-one-error-for-pairs-a-comparison-drops",
        3,
        """
load 1m
  m1 _ _ _ _ _ _ _ _ _ 5.9
  m2{instance="b"} _ _ _ _ _ _ _ _ _ Inf
  m2 _ _ _ _ _ _ _ 16.5 17 22
eval instant at 13m (m2{instance!="a"}) <= on() (m1 offset 90s)
""",
    ),
    Regression(
        "smoothing-factors-checked-without-points",
        3,
        """
load 1m
eval instant at 3m double_exponential_smoothing(m0[5m], 0, 0)
""",
    ),
    Regression(
        "day-of-year-of-nan",
        3,
        """
load 15s
  m2{instance="x\\ny"} NaN
eval range from 1m26s to 15m26s step 2m day_of_year(m2{instance!~"a|b"})
  {instance="x\\ny"} 339 339 _ _ _ _ _ _
""",
    ),
    Regression(
        "topk-minus-inf-crashes",
        3,
        """
load 30s
  m0{instance="a"} 1 2
eval instant at 30s topk(-Inf, m0)
""",
    ),
    Regression(
        "limitk-nan-over-nothing-is-empty",
        3,
        """
load 1m
eval instant at 4m limitk(scalar(m0), m0)
""",
        K_NAN_OVER_NOTHING,
    ),
    Regression(
        "histogram-quantile-zero-over-an-empty-first-bucket",
        3,
        """
load 1m
  h_bucket{job="1", le="0.1"} _ 5 5
  h_bucket{job="1", le="+Inf"} _ 12 21
eval instant at 2m scalar(histogram_quantile(0, sum by (le) (rate(h_bucket[90s]))))
  NaN
""",
    ),
    Regression(
        "native-histogram-function-over-floats",
        3,
        """
load 1m
  m0 1 2
eval instant at 1m histogram_count(m0)
""",
    ),
    Regression(
        "clamp-min-of-inf-with-a-nan-bound",
        3,
        """
load 1m
eval instant at 0 clamp_min(vector(Inf), NaN)
  {} +Inf
""",
    ),
    Regression(
        "count-values-without-drops-the-grouping-label",
        3,
        """
load 1m
  up{job="a", instance="x"} 1
eval instant at 0 count_values without (job) ("job", up)
  {instance="x"} 1
""",
    ),
    Regression(
        "compat2-sum-adds-plainly",
        2,
        """
load 1m
  m{i="1"} 0.1
  m{i="2"} 0.2
  m{i="3"} 0.3
eval instant at 0 count_values("v", sum(m))
  {v="0.6000000000000001"} 1
""",
    ),
    Regression(
        "unary-minus-refuses-series-the-name-drop-makes-equal-across-steps",
        3,
        """
load 30s
  h_bucket{job="b", le="+Inf"} 8
eval_fail range from 3m59s to 8m59s step 1m -((sum without () (h_bucket offset -1m)) or on() (h_bucket))
""",
        OPEN_BUG,
    ),
    Regression(
        "compat2-unary-minus-refuses-series-the-name-drop-makes-equal-across-steps",
        2,
        """
load 30s
  h_bucket{job="b", le="+Inf"} 8
eval_fail range from 3m59s to 8m59s step 1m -((sum without () (h_bucket offset -1m)) or on() (h_bucket))
""",
        OPEN_BUG,
    ),
    Regression(
        "absent-labels-follow-the-tsdb-matcher-order",
        3,
        """
load 15s
  m1{job="a"} 1 2
eval instant at 30s absent(m2{le!~"x.*", le="x\\ny"})
  {} 1
""",
        OPEN_BUG,
    ),
    Regression(
        "compat2-stdvar-of-one-nan",
        2,
        """
load 30s
  m0{instance="ü€"} NaN
eval instant at 1m stdvar without (instance) (m0)
  {} 0
""",
    ),
    Regression(
        "compat2-holt-winters-factors-checked-without-points",
        2,
        """
load 1m
eval instant at 11m holt_winters(m0[5m], 0.9, 1)
""",
    ),
    Regression(
        "compat2-topk-inf-overflows",
        2,
        """
load 30s
  h_sum{instance="1"} 1
eval_fail instant at 30s bottomk(Inf, h_sum)
""",
    ),
    Regression(
        "compat2-increase-adds-resets-one-at-a-time",
        2,
        """
load 30s
  m1{instance="1", job="ü€"} 5 2.27017 -2
eval range from 4m43s to 8m43s step 30s count_values ("v", increase(m1[5m]))
  {v="-4.133333333333335"} _ 1 _ _ _ _ _ _ _
  {v="0.4142606666666664"} 1 _ _ _ _ _ _ _ _
""",
    ),
    Regression(
        "compat2-histogram-fraction-skips-float-buckets",
        2,
        """
load 1m
  h_bucket{job="ü€", le="+Inf"} 3 11
eval instant at 10m histogram_fraction(1, 1, sum by (le) (rate(h_bucket[10m])))
""",
    ),
    Regression(
        "compat2-topk-over-an-at-pinned-input-takes-k-at-the-start",
        2,
        """
load 1m
  m2{instance="ü€", job="a"} _ _ 4 stale
eval range from 2m13s to 4m13s step 30s topk without (le, __name__) (scalar(m2), m2{instance="a b"} @ end() offset 30s)
""",
        STEP_INVARIANT_AGGREGATION,
    ),
    Regression(
        "compat2-negative-regex-on-a-newline-value",
        2,
        """
load 1m
  m1{instance="x\\ny", job="a b"} 7.5
  m1{instance="a", job="ü€"} 5
eval instant at 1m m1{instance!~"x.*"}
  m1{instance="x\\ny", job="a b"} 7.5
  m1{instance="a", job="ü€"} 5
""",
    ),
    Regression(
        "count-values-label-of-a-go-pow-result",
        3,
        """
load 1m
  m2{job="x\\ny"} _ _ _ 13.198661
eval instant at 7m count_values ("job", (m2) ^ ignoring() group_right(job) (m2))
  {job="615876953193482.6"} 1
""",
        GO_MATH_BITS,
    ),
    Regression(
        "histogram-fraction-in-a-first-bucket-reaching-inf",
        3,
        """
load 1m
  h_bucket{job="1", le="+Inf"} _ _ 10 17
eval instant at 11m5s histogram_fraction(0, 1, sum by (le) (rate(h_bucket[10m])))
  {} NaN
""",
        CURRENT_FRACTION,
    ),
    Regression(
        "aggregation-over-an-at-pinned-input-takes-k-at-the-start",
        3,
        """
load 1m
  m0{instance="b", job="ü€"} _ _ -3.935006 8.1
  m1{instance="b"} _ _ _ 19.76
eval range from 2m49s to 5m19s step 30s limitk(scalar(m0), m1 @ 450.5)
""",
        STEP_INVARIANT_AGGREGATION,
    ),
]


def _marks(case: Regression) -> list[pytest.MarkDecorator]:
    return [pytest.mark.skip(reason=case.skip)] if case.skip else []


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=_marks(c)) for c in CASES])
def test_engine_gives_prometheus_answer(case: Regression) -> None:
    problem = differs(case.text, case.compat)
    assert problem is None, f"{case.id} (compat {case.compat}):\n{problem}"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
@pytest.mark.differential
@pytest.mark.skipif(not differential.enabled(), reason=differential.SKIP_REASON)
def test_recorded_answer_is_prometheus_s(case: Regression, tmp_path: Path) -> None:
    """A server of its own per case: names stay as recorded (limit_ratio hashes them)."""
    from tests.fuzz import remote_write, server

    version = "3.5" if case.compat == 3 else "2.42"
    binaries.require(server.VERSIONS[version][0])
    parsed = parse_case(case.text)
    prom, target = server.start(version, tmp_path)
    try:
        data: list[tuple[Labels, list[tuple[int, float | str]]]] = [
            (s.labels, list(zip(s.ts, s.vs, strict=True))) for s in parsed.storage
        ]
        if data:
            remote_write.push(target.url, data)
        theirs = ask_prometheus(target.url, parsed.expr, parsed.query)
    finally:
        prom.stop()
    recorded = parsed.recorded(theirs.kind)
    assert agree(recorded, theirs), (
        f"Prometheus now answers {theirs.describe()}, recorded {recorded.describe()}"
    )
