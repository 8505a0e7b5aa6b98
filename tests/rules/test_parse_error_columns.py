"""Parse errors name the column promtool names (issue 14, item 7).

Prometheus' lexer emits an unmatched ``)`` before it reports it, so promtool's
column is the one after the parenthesis; ``]`` and ``}`` are reported at
their own column. Checked against the real promtool 2.42 and 3.5 when present.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pytest_burnin.promql.parser import ParseError, parse
from tests.binaries import require

CASES = {
    "sum(increase(x[10m])) > 0 )": "1:28: parse error: unexpected right parenthesis ')'",
    "foo)": "1:5: parse error: unexpected right parenthesis ')'",
    "x )": "1:4: parse error: unexpected right parenthesis ')'",
    'x{a="b"} )': "1:11: parse error: unexpected right parenthesis ')'",
    "rate(x[5m]) ) )": "1:14: parse error: unexpected right parenthesis ')'",
    "x ]": "1:3: parse error: unexpected right bracket ']'",
    "x }": "1:3: parse error: unexpected character: '}'",
}
# Duration expressions are Prometheus 3 syntax: promtool 2.42 says something else.
CASES_3 = {
    "x[:]": "1:4: parse error: unexpected colon before duration in duration expression",
    "rate(x[:5m])": "1:9: parse error: unexpected colon before duration in duration expression",
    "x[5m::]": "1:6: parse error: unexpected colon ':'",
}


def _our_message(expr: str) -> str:
    with pytest.raises(ParseError) as info:
        parse(expr)
    return str(info.value)


@pytest.mark.parametrize("expr", [*CASES, *CASES_3])
def test_parse_error_column_is_promtools(expr: str) -> None:
    assert _our_message(expr) == {**CASES, **CASES_3}[expr]


@pytest.mark.parametrize(
    ("tool", "cases"), [("promtool", CASES), ("promtool-3.5", {**CASES, **CASES_3})]
)
def test_the_expected_columns_are_what_real_promtool_says(
    tool: str, cases: dict[str, str], tmp_path: Path
) -> None:
    binary = require(tool)
    for i, expr in enumerate(cases):
        rules = tmp_path / f"r{i}.yaml"
        quoted = expr.replace("'", "''")
        rules.write_text(
            f"groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: '{quoted}'\n"
        )
        proc = subprocess.run(
            [binary.path, "check", "rules", str(rules)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        found = re.search(r"could not parse expression: (.*)", proc.stdout + proc.stderr)
        assert found is not None, proc.stdout + proc.stderr
        assert found.group(1).strip() == cases[expr], (binary.version, expr)
