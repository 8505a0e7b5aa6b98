"""Mistakes a parsed query still carries that Prometheus only reports when it runs.

Prometheus parses ``label_replace(m, "a", "$1", "b", "(.*")`` and then fails
every evaluation with "invalid regular expression in label_replace(): (.*".
The parser here accepts it too (so parse results stay Prometheus'), and this
module finds it statically, for ``burnin validate`` and rule lint: a rule that
can never evaluate should not wait for the day it runs to say so.
"""

from __future__ import annotations

from . import ast, goregex
from .lexer import ParseError


def regex_errors(expr: ast.Expr, text: str, compat: int = 3) -> list[ParseError]:
    """Each literal ``label_replace`` regex Prometheus would refuse, located in ``text``."""
    out = []
    for call in (n for n in ast.subexpressions(expr) if isinstance(n, ast.Call)):
        if call.func != "label_replace" or len(call.args) != 5:
            continue
        arg = call.args[4]
        while isinstance(arg, ast.ParenExpr):
            arg = arg.expr
        if not isinstance(arg, ast.StringLiteral):
            continue
        try:
            goregex.check(arg.value, compat)
        except goregex.RegexError as err:
            msg = f"invalid regular expression in label_replace(): {arg.value} ({err})"
            out.append(ParseError(msg, arg.pos[0], text))
    return sorted(out, key=lambda e: str(e))


def check(text: str, compat: int = 3) -> None:
    """Parse ``text`` and raise the first ParseError, static mistakes included."""
    from .parser import parse

    expr = parse(text, compat)
    errors = regex_errors(expr, text, compat)
    if errors:
        raise errors[0]
