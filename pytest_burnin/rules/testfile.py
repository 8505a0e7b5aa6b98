"""The promtool test-file model: what ``promtool test rules`` reads, with line:col marks.

Fields are promtool 3's (``rule_files``, ``evaluation_interval``, ``group_eval_order``,
``fuzzy_compare``, ``tests`` with ``name``, ``interval``, ``input_series``,
``alert_rule_test``, ``promql_expr_test``, ``external_labels``, ``external_url``,
``start_timestamp``); unknown fields are errors, as promtool's strict YAML is.
The opt-in pytest-burnin extensions are described in ``promtool``'s docstring.
"""

from __future__ import annotations

import glob
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..promql.goregex import RegexError
from ..promql.goregex import check as check_regex
from .yamlmarks import LocatedError, Mark, MarkedDict, MarkedList, YamlError, load

FILE_FIELDS = ("rule_files", "evaluation_interval", "group_eval_order", "tests", "fuzzy_compare")
GROUP_FIELDS = ("name", "interval", "input_series", "alert_rule_test", "promql_expr_test",
                "external_labels", "external_url", "start_timestamp")  # fmt: skip
ALERT_TEST_FIELDS = ("eval_time", "alertname", "exp_alerts", "burnin")
EXP_ALERT_FIELDS = ("exp_labels", "exp_annotations")
EXPR_TEST_FIELDS = ("expr", "eval_time", "exp_samples")
SAMPLE_FIELDS = ("labels", "value", "histogram")
SERIES_FIELDS = ("series", "values")
BURNIN_FIELDS = ("match", "state", "regex")


class TestFileError(LocatedError):
    """A malformed test file: ``path:line:col: message``."""

    __test__ = False  # not a pytest test class, despite the name


@dataclass
class Duration:
    ms: int
    text: str  # Go's model.Duration spelling, used in promtool's messages


@dataclass
class InputSeries:
    series: str
    values: str
    mark: Mark


@dataclass
class ExpAlert:
    labels: dict[str, str]
    annotations: dict[str, str]


@dataclass
class AlertTest:
    eval_time: Duration
    alertname: str
    exp_alerts: list[ExpAlert]
    mark: Mark
    match: str = "exact"  # extension: "exact" or "subset"
    state: str = "firing"  # extension: "firing", "pending" or "any"
    regex: bool = False  # extension: expected values are anchored regexes


@dataclass
class ExpSample:
    labels: str
    value: float
    histogram: str = ""


@dataclass
class ExprTest:
    expr: str
    eval_time: Duration
    exp_samples: list[ExpSample]
    mark: Mark


@dataclass
class TestGroup:
    __test__ = False

    index: int  # 0-based position in ``tests``
    name: str
    interval: Duration | None
    input_series: list[InputSeries]
    alert_tests: list[AlertTest]
    expr_tests: list[ExprTest]
    external_labels: dict[str, str]
    external_url: str
    start_ms: int
    mark: Mark

    def line_of_failure(self, promtool_output: str) -> int | None:
        """The line of the alert_rule_test or promql_expr_test entry that the real
        promtool's failure text names first (``alertname: X, time: 5m`` or
        ``expr: "q", time: 1m``), or None when it names none of them."""
        import re

        from .gofmt import go_quote

        found = re.search(r"alertname: (\S+), time: ([^,\s]+)", promtool_output)
        if found:
            for t in self.alert_tests:
                if (t.alertname, t.eval_time.text) == found.groups():
                    return t.mark[0]
        found = re.search(r'expr: ("(?:[^"\\]|\\.)*"), time: ([^,\s]+)', promtool_output)
        if found:
            for e in self.expr_tests:
                if (go_quote(e.expr), e.eval_time.text) == found.groups():
                    return e.mark[0]
        return None

    def uses_native_histograms(self) -> bool:
        return any("{{" in s.values for s in self.input_series) or any(
            e.histogram for t in self.expr_tests for e in t.exp_samples
        )


@dataclass
class TestFile:
    __test__ = False

    path: Path
    rule_file_patterns: list[str]
    evaluation_interval: Duration
    group_eval_order: list[str]
    fuzzy_compare: bool
    groups: list[TestGroup]
    cache: dict[str, Any] = field(default_factory=dict)  # loaded rules, per runner options

    def rule_files(self) -> tuple[list[Path], list[str]]:
        """Resolved rule files (globs, relative to the test file) and patterns matching none."""
        base = self.path.parent
        out: list[Path] = []
        missing: list[str] = []
        for pat in self.rule_file_patterns:
            full = pat if Path(pat).is_absolute() else str(base / pat)
            hits = (
                sorted(glob.glob(full))
                if glob.has_magic(full)
                else ([full] if Path(full).exists() else [])
            )
            if not hits:
                missing.append(pat)
            out += [Path(h) for h in hits]
        return out, missing


def go_duration_text(ms: int) -> str:
    """Prometheus' model.Duration.String()."""
    if ms == 0:
        return "0s"
    out = ""
    for unit, mult, exact in (("y", 31_536_000_000, True), ("w", 604_800_000, True),
                              ("d", 86_400_000, False), ("h", 3_600_000, False),
                              ("m", 60_000, False), ("s", 1000, False), ("ms", 1, False)):  # fmt: skip
        if exact and ms % mult:
            continue
        if ms // mult > 0:
            out += f"{ms // mult}{unit}"
            ms -= (ms // mult) * mult
    return out


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, mark: Mark, msg: str) -> TestFileError:
        return TestFileError(self.path, mark[0], mark[1], msg)

    def mapping(self, node: Any, mark: Mark, allowed: tuple[str, ...], what: str) -> MarkedDict:
        if not isinstance(node, MarkedDict):
            raise self.fail(mark, f"{what} must be a mapping")
        for key in node:
            if key not in allowed:
                raise self.fail(node.key_mark(key), f"field {key} not found in type {what}")
        return node

    def items(self, node: MarkedDict, key: str) -> list[tuple[Any, Mark]]:
        v = node.get(key)
        if v is None:
            return []
        if not isinstance(v, MarkedList):
            raise self.fail(node.value_mark(key), f"{key} must be a list")
        return list(zip(v, v.item_marks, strict=True))

    def duration(self, node: MarkedDict, key: str, default: int | None) -> Duration | None:
        from ..promql.parser import parse_duration

        v = node.get(key)
        if v is None:
            return None if default is None else Duration(default, go_duration_text(default))
        try:
            ms = parse_duration(str(v))
        except ValueError:
            raise self.fail(node.value_mark(key), f'not a valid duration string: "{v}"') from None
        return Duration(ms, go_duration_text(ms))

    def strmap(self, node: MarkedDict, key: str) -> dict[str, str]:
        v = node.get(key)
        if v is None:
            return {}
        if not isinstance(v, MarkedDict):
            raise self.fail(node.value_mark(key), f"{key} must be a mapping of strings")
        return {str(k): v.text(k) for k in v}

    def start(self, node: MarkedDict) -> int:
        v = node.get("start_timestamp")
        if v is None:
            return 0
        if isinstance(v, datetime):
            dt = v if v.tzinfo else v.replace(tzinfo=timezone.utc)
            return int(dt.timestamp() * 1000)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return int(v * 1000)
        try:
            dt = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
        except ValueError:
            try:
                return int(float(str(v)) * 1000)
            except ValueError:
                msg = f'cannot parse start_timestamp "{v}": want RFC3339 or Unix seconds'
                raise self.fail(node.value_mark("start_timestamp"), msg) from None
        return int((dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp() * 1000)

    def group(self, index: int, node: Any, mark: Mark) -> TestGroup:
        g = self.mapping(node, mark, GROUP_FIELDS, "main.testGroup")
        series = []
        for s, m in self.items(g, "input_series"):
            s = self.mapping(s, m, SERIES_FIELDS, "main.series")
            series.append(InputSeries(s.text("series"), s.text("values"), m))
        alerts = [self.alert_test(a, m) for a, m in self.items(g, "alert_rule_test")]
        exprs = [self.expr_test(e, m) for e, m in self.items(g, "promql_expr_test")]
        return TestGroup(
            index=index,
            name=str(g.get("name") or ""),
            interval=self.duration(g, "interval", None),
            input_series=series,
            alert_tests=alerts,
            expr_tests=exprs,
            external_labels=self.strmap(g, "external_labels"),
            external_url=str(g.get("external_url") or ""),
            start_ms=self.start(g),
            mark=mark,
        )

    def alert_test(self, node: Any, mark: Mark) -> AlertTest:
        a = self.mapping(node, mark, ALERT_TEST_FIELDS, "main.alertTestCase")
        exp = []
        for e, m in self.items(a, "exp_alerts"):
            e = self.mapping(e or MarkedDict(), m, EXP_ALERT_FIELDS, "main.alert")
            exp.append(ExpAlert(self.strmap(e, "exp_labels"), self.strmap(e, "exp_annotations")))
        t = AlertTest(self.duration(a, "eval_time", 0), str(a.get("alertname") or ""), exp, mark)  # type: ignore[arg-type]
        ext = a.get("burnin")
        if ext is not None:
            ext = self.mapping(ext, a.value_mark("burnin"), BURNIN_FIELDS, "burnin extension")
            t.match = str(ext.get("match", "exact"))
            t.state = str(ext.get("state", "firing"))
            t.regex = bool(ext.get("regex", False))
            if t.match not in ("exact", "subset"):
                raise self.fail(ext.value_mark("match"), "burnin.match must be exact or subset")
            if t.state not in ("firing", "pending", "any"):
                raise self.fail(
                    ext.value_mark("state"), "burnin.state must be firing, pending or any"
                )
            if t.regex:
                self.check_regexes(exp, mark)
        return t

    def check_regexes(self, exp: list[ExpAlert], mark: Mark) -> None:
        """With burnin.regex every expected value is a regex: refuse one Go would refuse."""
        for e in exp:
            for value in (*e.labels.values(), *e.annotations.values()):
                try:
                    check_regex(value)
                except RegexError as err:
                    raise self.fail(mark, f"expected value {value!r}: {err}") from None

    def expr_test(self, node: Any, mark: Mark) -> ExprTest:
        e = self.mapping(node, mark, EXPR_TEST_FIELDS, "main.promqlTestCase")
        samples = []
        for s, m in self.items(e, "exp_samples"):
            s = self.mapping(s, m, SAMPLE_FIELDS, "main.sample")
            samples.append(ExpSample(s.text("labels"), _float(s.get("value")), s.text("histogram")))
        return ExprTest(e.text("expr"), self.duration(e, "eval_time", 0), samples, mark)  # type: ignore[arg-type]


def _float(v: Any) -> float:
    if v is None:
        return 0.0
    if isinstance(v, str):
        low = v.strip().lower()
        named = {"nan": math.nan, ".nan": math.nan, "inf": math.inf, "+inf": math.inf,
                 ".inf": math.inf, "-inf": -math.inf, "-.inf": -math.inf}  # fmt: skip
        if low in named:
            return named[low]
    return float(v)


def parse_test_file(text: str, path: str | Path) -> TestFile:
    """Parse a promtool test file; raises TestFileError naming file:line:col."""
    r = _Reader(str(path))
    try:
        doc = load(text)
    except YamlError as e:
        raise r.fail((e.line, e.col), e.msg) from None
    top = r.mapping(doc, (1, 1), FILE_FIELDS, "main.unitTestFile")
    order = [str(x) for x, _ in r.items(top, "group_eval_order")]
    seen: set[str] = set()
    for name in order:
        if name in seen:
            raise r.fail(
                top.value_mark("group_eval_order"),
                f"group name repeated in evaluation order: {name}",
            )
        seen.add(name)
    try:
        groups = [r.group(i, g, m) for i, (g, m) in enumerate(r.items(top, "tests"))]
    except ValueError as e:  # a value that is not a number where one is needed
        raise r.fail(top.value_mark("tests"), str(e)) from None
    return TestFile(
        path=Path(path),
        rule_file_patterns=[str(x) for x, _ in r.items(top, "rule_files")],
        evaluation_interval=r.duration(top, "evaluation_interval", 60_000),  # type: ignore[arg-type]
        group_eval_order=order,
        fuzzy_compare=bool(top.get("fuzzy_compare", False)),
        groups=groups,
    )


def load_test_file(path: str | Path) -> TestFile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise TestFileError(str(path), 0, 0, f"cannot read test file: {e.strerror or e}") from None
    return parse_test_file(text, p)


def find_test_files(folder: Path) -> list[Path]:
    """The promtool test files under ``folder`` (YAML whose top level has ``tests:``), sorted."""
    import yaml

    out = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".yml", ".yaml") or not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
        except yaml.YAMLError:
            continue  # not a test file promtool could read either
        if isinstance(data, dict) and "tests" in data:
            out.append(path)
    return out
