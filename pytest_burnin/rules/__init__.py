"""Prometheus rule groups, alert templates and the promtool test-file runner (pure core).

Modules, one concern each:

- ``rulefile``: load and validate rule files (``RuleFileError`` with path:line:col);
- ``template`` (+ ``gotemplate``, ``gotemplate_parse``, ``gofmt``): Go text/template
  with Prometheus' functions, as alert labels and annotations are rendered;
- ``group``: rule-group evaluation (recording rules, alert state, ALERTS series);
- ``testfile``: the promtool test-file model; ``promtool``: the runner.

The names below are loaded on first use, so importing this package costs nothing
for a pytest run that never touches rules.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "RuleFileError": "rulefile",
    "load_rule_file": "rulefile",
    "parse_rule_file": "rulefile",
    "TestFileError": "testfile",
    "load_test_file": "testfile",
    "GroupResult": "promtool",
    "RunOptions": "promtool",
    "run_group": "promtool",
    "run_file": "promtool",
    "TemplateError": "template",
    "expand": "template",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
