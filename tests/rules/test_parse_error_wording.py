"""Parse errors in promtool's words, in the PromQL mode that runs (issue 14, item 7).

``data/parse_error_wording.json`` holds some 800 expressions, most of them broken
(brackets, durations, matchers, arity and types, strings and escapes, numbers,
misplaced modifiers, ``@`` and offset, subqueries, ``bool``, set operators on
scalars, keywords as metric names, ...), each with the message promtool 3.5.3
gives (compat 3) and promtool 2.42 gives (compat 2); null where it accepts the
expression. Our parser must say the same; the real binaries are asked too, when
present, so the recorded messages stay true.

``KNOWN_DIFFERENCES`` are where we differ on purpose, each with the reason.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from pytest_burnin.promql.parser import ParseError, parse
from tests.binaries import require

DATA = Path(__file__).parent / "data" / "parse_error_wording.json"
ROWS: list[tuple[str, str | None, str | None]] = [tuple(r) for r in json.loads(DATA.read_text())]

_LATER_SYNTAX = (
    "syntax Prometheus took after 3.5, or behind a feature flag there: the engine "
    "runs it (docs/promql.md), promtool 3.5.3 without flags refuses it"
)
_ITEM_LEAK = (
    "promtool leaks an internal token number for '@' (\"<Item 57400>\"), which later "
    "Prometheus versions fixed; we name the token as they do"
)
_LETTER_AS_COLON = (
    "promtool 3.5 and 2.42 lex any letter after a duration inside [...] as ':', so "
    "`foo[5s x 5s]` is a subquery to them; we refuse it in later Prometheus' words"
)
_FUNCTIONS_BY_MODE = (
    "which functions a mode has is checked at evaluation, not parsing: rule files are "
    "parsed once for both modes, and the evaluation error names the function to use "
    "instead (holt_winters under compat 3); 3.x functions also run under compat 2"
)
# expr -> (ours under compat 3, ours under compat 2, promtool 3.5.3, promtool 2.42, why)
KNOWN_DIFFERENCES: dict[str, tuple[str | None, str | None, str | None, str | None, str]] = {
    "x[5m - 10m]": (
        None,
        '1:6: parse error: unexpected <op:-> in subquery or range, expected ":" or "]"',
        "1:3: parse error: experimental duration expression is not enabled",
        '1:6: parse error: unexpected <op:-> in subquery or range, expected ":" or "]"',
        _LATER_SYNTAX,
    ),
    "x offset (5m)": (
        None,
        '1:10: parse error: unexpected "(" in offset, expected duration',
        "1:11: parse error: experimental duration expression is not enabled",
        '1:10: parse error: unexpected "(" in offset, expected duration',
        _LATER_SYNTAX,
    ),
    "x offset range()": (
        None,
        '1:10: parse error: unexpected identifier "range" in offset, expected duration',
        '1:10: parse error: unexpected identifier "range" in offset, expected number or duration',
        '1:10: parse error: unexpected identifier "range" in offset, expected duration',
        _LATER_SYNTAX,
    ),
    "limitk(1, x)": (
        None,
        None,
        "1:1: parse error: limitk() is experimental and must be enabled with "
        "--enable-feature=promql-experimental-functions",
        '1:1: parse error: unknown function with name "limitk"',
        _LATER_SYNTAX,
    ),
    "holt_winters(x[5m], 0.5, 0.5)": (
        None,
        None,
        '1:1: parse error: unknown function with name "holt_winters"',
        None,
        _FUNCTIONS_BY_MODE,
    ),
    "histogram_avg(x)": (
        None,
        None,
        None,
        '1:1: parse error: unknown function with name "histogram_avg"',
        _FUNCTIONS_BY_MODE,
    ),
    "foo @@": (
        "1:6: parse error: unexpected <op:@> in @, expected timestamp",
        "1:6: parse error: unexpected <op:@> in @, expected timestamp",
        '1:6: parse error: unexpected "<Item 57400>" <op:@> in @, expected timestamp',
        '1:6: parse error: unexpected "<Item 57385>" <op:@> in @, expected timestamp',
        _ITEM_LEAK,
    ),
    "foo[5s x 5s]": (
        "1:8: parse error: unexpected character: 'x', expected ':'",
        "1:8: parse error: unexpected character: 'x', expected ':'",
        None,
        None,
        _LETTER_AS_COLON,
    ),
    "x[5m offset 1m]": (
        "1:6: parse error: unexpected character: 'o', expected ':'",
        "1:6: parse error: unexpected character: 'o', expected ':'",
        "1:7: parse error: unexpected colon 'f'",
        "1:7: parse error: unexpected colon 'f'",
        _LETTER_AS_COLON,
    ),
}


def our_message(expr: str, compat: int) -> str | None:
    try:
        parse(expr, compat)
    except ParseError as exc:
        return str(exc)
    return None


def promtool_messages(binary: str, exprs: list[str], tmp_path: Path) -> dict[str, str | None]:
    """What ``promtool check rules`` says of each expression (one file, one run)."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "groups:\n  - name: g\n    rules:\n"
        + "".join(
            f"      - record: r{i}\n        expr: {json.dumps(e)}\n" for i, e in enumerate(exprs)
        )
    )
    proc = subprocess.run(
        [binary, "check", "rules", str(rules)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found: dict[int, str] = {}
    current: int | None = None
    for line in (proc.stdout + proc.stderr).splitlines():
        head = re.match(r'.*?: \d+:\d+: group "g", rule (\d+), "r\d+": (.*)', line)
        if head:
            current = int(head.group(1)) - 1
            found[current] = head.group(2).removeprefix("could not parse expression: ")
        elif (
            current is not None and line.strip() and not line.startswith(("  FAILED", "  SUCCESS"))
        ):
            found[current] += "\n" + line  # promtool joins several errors with newlines
    return {e: found.get(i) for i, e in enumerate(exprs)}


@pytest.mark.parametrize("compat", [3, 2])
def test_our_parse_errors_are_promtools(compat: int) -> None:
    column = 1 if compat == 3 else 2
    wrong = [
        f"{expr!r}: ours {ours!r}, promtool {row[column]!r}"
        for row in ROWS
        for expr in [row[0]]
        if (ours := our_message(expr, compat)) != row[column]
    ]
    assert not wrong, f"{len(wrong)} of {len(ROWS)} differ:\n" + "\n".join(wrong)


def test_the_sweep_is_broad() -> None:
    broken = [r for r in ROWS if r[1] is not None or r[2] is not None]
    assert len(broken) >= 400
    assert len({r[0] for r in ROWS}) == len(ROWS)
    # Both modes differ somewhere: the wording is the active mode's, not one for both.
    assert sum(1 for r in ROWS if r[1] != r[2]) >= 30


@pytest.mark.parametrize("expr", list(KNOWN_DIFFERENCES))
def test_known_differences_are_ours_on_purpose(expr: str) -> None:
    ours3, ours2, _, _, why = KNOWN_DIFFERENCES[expr]
    assert why
    assert our_message(expr, 3) == ours3
    assert our_message(expr, 2) == ours2


@pytest.mark.parametrize(("tool", "column"), [("promtool-3.5", 1), ("promtool", 2)])
def test_the_recorded_messages_are_what_real_promtool_says(
    tool: str, column: int, tmp_path: Path
) -> None:
    binary = require(tool)
    exprs = [r[0] for r in ROWS]
    theirs = promtool_messages(binary.path, exprs, tmp_path)
    wrong = [
        f"{row[0]!r}: recorded {row[column]!r}, {binary.version} says {theirs[row[0]]!r}"
        for row in ROWS
        if theirs[row[0]] != row[column]
    ]
    assert not wrong, "\n".join(wrong)
    # And the differences we keep on purpose are still what promtool says.
    known = promtool_messages(binary.path, list(KNOWN_DIFFERENCES), tmp_path)
    for expr, recorded in KNOWN_DIFFERENCES.items():
        assert known[expr] == recorded[column + 1], (binary.version, expr)
