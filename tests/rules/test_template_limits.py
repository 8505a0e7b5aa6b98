"""Templates are bounded: output size, printf widths, loop steps; regexes are Go's."""

from __future__ import annotations

import time

import pytest

from pytest_burnin.promql import goregex
from pytest_burnin.rules import gotemplate
from pytest_burnin.rules.gofmt import MAX_OUTPUT
from pytest_burnin.rules.template import TemplateError, expand, expand_for_alert

STEPS = 10_000  # MAX_STEPS, lowered in these tests so they stay quick


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (
            '{{ printf "%0999999999d" 1 }}',
            "error calling printf: printf width or precision 999999999 in '%0999999999d' is "
            f"over the template output limit of {MAX_OUTPUT} bytes",
        ),
        ('{{ printf "%.999999999f" 1.0 }}', "printf width or precision 999999999"),
        ("{{ range 100000000 }}a{{ end }}", f"range over 100000000 is more than {STEPS} steps"),
        ("{{ range 9000 }}{{ range 9000 }}{{ end }}{{ end }}", f"more than {STEPS} steps"),
        (
            '{{ range 1000 }}{{ printf "%01100d" 1 }}{{ end }}',
            f"template output is over the limit of {MAX_OUTPUT} bytes",
        ),
    ],
)
def test_work_and_output_are_bounded(
    text: str, wanted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gotemplate, "MAX_STEPS", STEPS)
    started = time.perf_counter()
    out = expand_for_alert(text, "__alert_X")
    assert time.perf_counter() - started < 10
    assert out.startswith("<error expanding template: error executing template __alert_X:")
    assert wanted in out
    assert len(out) < 1000


def test_output_just_under_the_bound_is_fine() -> None:
    out = expand('{{ printf "%01000d" 7 }}', "__alert_X")
    assert len(out) == 1000 and out.endswith("7")


def test_template_regexes_are_go_regexes() -> None:
    with pytest.raises(TemplateError, match="invalid or unsupported Perl syntax: `\\(\\?!`"):
        expand('{{ reReplaceAll "(?!a)" "b" "c" }}', "__alert_X")
    # A pattern that backtracks for minutes in Python's re (needs RE2).
    if goregex.RE2_AVAILABLE:
        started = time.perf_counter()
        text = '{{ if match "(a+)+b" "' + "a" * 40 + '" }}y{{ else }}n{{ end }}'
        assert expand(text, "__alert_X") == "n"
        assert time.perf_counter() - started < 1
    assert expand('{{ reReplaceAll "a(x*)b" "${1}W" "-ab-axxb-" }}', "__alert_X") == "-W-xxW-"
