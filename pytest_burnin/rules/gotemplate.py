"""Executor for Go ``text/template`` trees (see ``gotemplate_parse``).

Go values map onto Python ones: string -> str, float64 -> float, int -> int,
bool -> bool, nil -> None, maps -> dict, slices -> list, structs -> ``GoStruct``.
A missing key of a string map reads as "" (Go's zero value for the element
type: ``{{ $labels.absent }}`` renders empty); of an ``AnyMap`` (Go's
map[string]interface{}, from ``args``) it is nil, which prints ``<no value>``.
Functions receive evaluated arguments; a function raising ``FuncError`` becomes
Go's ``error calling NAME: msg``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import gofmt
from .gotemplate_parse import (
    ActionNode,
    ChainNode,
    CommandNode,
    ControlNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    LiteralNode,
    LoopJump,
    NilNode,
    Node,
    Parsed,
    PipeNode,
    TemplateError,
    TemplateNode,
    TextNode,
    VariableNode,
)
from .gotemplate_values import (
    BUILTINS,
    MISSING,
    AnyMap,
    Escaper,
    Func,
    FuncError,
    GoMethods,
    GoStruct,
    truth,
)

__all__ = ["BUILTINS", "MISSING", "AnyMap", "Escaper", "Executor", "Func", "FuncError",
           "GoMethods", "GoStruct", "truth"]  # fmt: skip


class _Jump(Exception):
    def __init__(self, kind: str) -> None:
        self.kind = kind


# Template nodes one expansion may walk: ``range`` over a large number or a
# long query result would otherwise run without bound.
MAX_STEPS = 1_000_000


@dataclass
class Memo:
    """Named-template outputs for one data object and one set of definitions.

    A template called as ``{{ template "x" . }}`` gets a fresh variable scope and
    only pure functions, so its output depends on nothing but its name and dot.
    Alertmanager renders a dozen fields per notification from the same data,
    and the default templates call each other (Slack's fallback repeats its
    title), so the same expansions would otherwise run again and again. Only
    calls whose dot *is* ``root`` are kept: a derived value (``.Alerts.Firing``)
    is a new object each time and could share an id with a dead one.
    """

    root: Any
    outputs: dict[str, str]


class Executor:
    def __init__(
        self,
        tree: Parsed,
        funcs: Mapping[str, Func],
        templates: Mapping[str, Parsed] | None = None,
        escaper: Escaper | None = None,
    ) -> None:
        self.tree = tree
        self.funcs = funcs
        self.templates = templates or {}
        self.escaper = escaper
        self.out: list[str] = []
        self.size = 0  # characters in out, bounded by gofmt.MAX_OUTPUT
        self.steps = 0  # nodes walked, bounded by MAX_STEPS
        self.vars: list[tuple[str, Any]] = []
        self.depth = 0
        # Outputs of named templates called with the root data as dot, shared by the
        # executions over one data object (see ``Memo``); None: no memo.
        self.memo: Memo | None = None

    def run(self, data: Any, initial_vars: Mapping[str, Any] | None = None) -> str:
        self.vars = [("$", data), *(initial_vars or {}).items()]
        self.walk_list(self.tree.root, data)
        return "".join(self.out)

    # -- errors -------------------------------------------------------------

    def fail(self, node: Node, msg: str) -> TemplateError:
        text = self.tree.text[: node.pos]
        nl = text.rfind("\n")
        col = len(text[nl + 1 :].encode()) if nl >= 0 else len(text.encode())
        line = text.count("\n") + 1
        name = self.tree.name
        where = self.tree.parse_name or name
        ctx = str(node)
        return TemplateError(
            f'template: {where}:{line}:{col}: executing "{name}" at <{ctx}>: {msg}'
        )

    # -- walking ------------------------------------------------------------

    def walk_list(self, nodes: list[Node], dot: Any) -> None:
        for n in nodes:
            self.walk(n, dot)

    def emit(self, node: Node, text: str) -> None:
        self.size += len(text)
        if self.size > gofmt.MAX_OUTPUT:
            raise self.fail(
                node,
                f"template output is over the limit of {gofmt.MAX_OUTPUT} bytes: "
                "print less (a label or annotation is meant to be short)",
            )
        self.out.append(text)

    def walk(self, node: Node, dot: Any) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise self.fail(node, f"template runs more than {MAX_STEPS} steps: loop over less")
        if isinstance(node, TextNode):
            self.emit(node, node.text)
            if self.escaper is not None:
                self.escaper.text(node.text)
        elif isinstance(node, ActionNode):
            val = self.pipeline(dot, node.pipe)
            if not node.pipe.decl:
                if self.escaper is not None and not callable(val):
                    self.emit(node, self.escaper.value(val))
                else:
                    self.emit(node, self.printable(node, val))
        elif isinstance(node, TemplateNode):
            self.call_template(node, dot)
        elif isinstance(node, ControlNode):
            mark = len(self.vars)
            try:
                self.control(node, dot)
            finally:
                del self.vars[mark:]
        elif isinstance(node, LoopJump):
            raise _Jump(node.kind)

    def call_template(self, node: TemplateNode, dot: Any) -> None:
        sub = self.templates.get(node.name)
        if sub is None:
            raise self.fail(
                node,
                f'template: no template "{node.name}" associated with template "{self.tree.name}"',
            )
        arg = None if node.pipe is None else self.pipeline(dot, node.pipe)
        if self.depth >= 100_000 // 1000:  # Go's maxExecDepth is 100000; Python's stack is not
            raise self.fail(node, "exceeded maximum template depth")
        inner = Executor(sub, self.funcs, self.templates, self.escaper)
        inner.depth = self.depth + 1
        inner.vars = [("$", arg)]
        inner.memo = self.memo
        memo = self.memo
        if memo is not None and arg is memo.root and self.escaper is None:
            hit = memo.outputs.get(node.name)
            if hit is None:
                inner.out = []
                inner.walk_list(sub.root, arg)
                hit = memo.outputs[node.name] = "".join(inner.out)
            self.emit(node, hit)
            return
        inner.out = self.out
        inner.walk_list(sub.root, arg)

    def printable(self, node: Node, val: Any) -> str:
        if callable(val):
            raise self.fail(node, "can't print function value")
        return gofmt.go_print(val)

    def control(self, node: ControlNode, dot: Any) -> None:
        val = self.pipeline(dot, node.pipe)
        if node.kind == "range":
            self.range_(node, dot, val)
            return
        if truth(val):
            self.walk_list(node.body, val if node.kind == "with" else dot)
        elif node.else_body is not None:
            self.walk_list(node.else_body, dot)

    def range_(self, node: ControlNode, dot: Any, val: Any) -> None:
        items: list[tuple[Any, Any]]
        if isinstance(val, dict):
            items = [(k, val[k]) for k in sorted(val)]
        elif isinstance(val, list):
            items = list(enumerate(val))
        elif isinstance(val, int) and not isinstance(val, bool):
            if val > MAX_STEPS:
                raise self.fail(
                    node, f"range over {val} is more than {MAX_STEPS} steps: loop over less"
                )
            items = [(i, i) for i in range(val)]
        elif val is None or val is MISSING:
            items = []
        else:
            raise self.fail(node, f"range can't iterate over {gofmt.go_print(val)}")
        if not items:
            if node.else_body is not None:
                self.walk_list(node.else_body, dot)
            return
        mark = len(self.vars)
        for key, elem in items:
            self.steps += 1  # an empty body must count too
            if self.steps > MAX_STEPS:
                raise self.fail(node, f"template runs more than {MAX_STEPS} steps: loop over less")
            decl = node.pipe.decl
            if len(decl) == 1:
                self.set_var(decl[0], elem)
            elif len(decl) == 2:
                self.set_var(decl[0], key)
                self.set_var(decl[1], elem)
            try:
                self.walk_list(node.body, elem)
            except _Jump as j:
                if j.kind == "break":
                    break
            finally:
                del self.vars[mark + len(decl) :]

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        self.vars.append((name, value))

    def lookup(self, node: Node, name: str) -> Any:
        for k, v in reversed(self.vars):
            if k == name:
                return v
        raise self.fail(node, f"undefined variable: {name}")

    # -- pipelines ----------------------------------------------------------

    def pipeline(self, dot: Any, pipe: PipeNode) -> Any:
        val: Any = _NO_FINAL
        for cmd in pipe.cmds:
            val = self.command(dot, cmd, val)
        for name in pipe.decl:
            if pipe.is_assign:
                self.set_var(name, val)
            else:
                self.vars.append((name, val))
        return val

    def command(self, dot: Any, cmd: CommandNode, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, IdentifierNode):
            return self.call(dot, first, cmd.args[1:], final, cmd)
        if (len(cmd.args) > 1 or final is not _NO_FINAL) and isinstance(
            first, (FieldNode, VariableNode, ChainNode)
        ):
            method = self.method_target(dot, first)
            if method is not None:
                receiver, name = method
                fn, kinds = receiver.go_methods[name]
                return self.invoke(dot, name, fn, kinds, cmd.args[1:], final, first, cmd)
        if len(cmd.args) > 1 or final is not _NO_FINAL:
            raise self.fail(first, f"can't give argument to non-function {first}")
        return self.arg(dot, first)

    def arg(self, dot: Any, node: Node) -> Any:
        if isinstance(node, LiteralNode):
            return node.value
        if isinstance(node, NilNode):
            return None
        if isinstance(node, DotNode):
            return dot
        if isinstance(node, FieldNode):
            return self.fields(node, dot, node.idents)
        if isinstance(node, VariableNode):
            return self.fields(node, self.lookup(node, node.idents[0]), node.idents[1:])
        if isinstance(node, ChainNode):
            return self.fields(node, self.arg(dot, node.node), node.fields)
        if isinstance(node, PipeNode):
            mark = len(self.vars)
            try:
                return self.pipeline(dot, node)
            finally:
                del self.vars[mark:]
        if isinstance(node, IdentifierNode):
            return self.call(dot, node, [], _NO_FINAL, node)
        raise self.fail(node, "can't evaluate node")

    def method_target(self, dot: Any, node: Node) -> tuple[GoMethods, str] | None:
        """For ``.A.B args``: the receiver of B when B is a method taking arguments."""
        if isinstance(node, FieldNode):
            receiver, names = dot, node.idents
        elif isinstance(node, VariableNode):
            receiver, names = self.lookup(node, node.idents[0]), node.idents[1:]
        else:
            assert isinstance(node, ChainNode)
            receiver, names = self.arg(dot, node.node), node.fields
        if not names:
            return None
        receiver = self.fields(node, receiver, names[:-1])
        if isinstance(receiver, GoMethods) and names[-1] in receiver.go_methods:
            return receiver, names[-1]
        return None

    def fields(self, node: Node, receiver: Any, names: list[str]) -> Any:
        for name in names:
            if isinstance(receiver, GoMethods) and name in receiver.go_methods:
                fn, kinds = receiver.go_methods[name]
                if kinds.rstrip("*"):
                    n = len(kinds.rstrip("*"))
                    raise self.fail(node, f"wrong number of args for {name}: want {n} got 0")
                receiver = fn()
                continue
            if isinstance(receiver, dict):
                receiver = receiver.get(name, MISSING if isinstance(receiver, AnyMap) else "")
            elif isinstance(receiver, GoStruct):
                if name not in receiver.fields:
                    raise self.fail(
                        node, f"can't evaluate field {name} in type {receiver.type_name}"
                    )
                receiver = receiver.fields[name]
            elif receiver is None or receiver is MISSING:
                raise self.fail(node, f"nil pointer evaluating interface {{}}.{name}")
            else:
                tn = gofmt.type_name(receiver)
                raise self.fail(node, f"can't evaluate field {name} in type {tn}")
        return receiver

    def call(self, dot: Any, ident: IdentifierNode, args: list[Node], final: Any, cmd: Node) -> Any:
        """Call a function; Go reports its errors at the whole command (``<gt $value 0>``)."""
        name = ident.name
        fn, kinds = self.funcs[name]
        if name not in ("and", "or"):
            return self.invoke(dot, name, fn, kinds, args, final, ident, cmd)
        if name in ("and", "or"):
            # Go 1.18+: arguments are evaluated lazily, left to right.
            nodes: list[Any] = list(args)
            if final is not _NO_FINAL:
                nodes.append(_Value(final))
            if not nodes:
                raise self.fail(cmd, f"wrong number of args for {name}: want at least 1 got 0")
            val: Any = None
            for n in nodes:
                val = n.value if isinstance(n, _Value) else self.arg(dot, n)
                if truth(val) == (name == "or"):
                    return val
            return val
        raise AssertionError("unreachable")

    def invoke(
        self,
        dot: Any,
        name: str,
        fn: Callable[..., Any],
        kinds: str,
        args: list[Node],
        final: Any,
        ident: Node,
        cmd: Node,
    ) -> Any:
        values = [self.arg(dot, a) for a in args]
        if final is not _NO_FINAL:
            values.append(final)
        variadic = kinds.endswith("*")
        fixed = kinds.rstrip("*")
        need = len(fixed) - (1 if variadic else 0)
        if (not variadic and len(values) != len(fixed)) or (variadic and len(values) < need):
            want = f"at least {need}" if variadic else str(len(fixed))
            raise self.fail(cmd, f"wrong number of args for {name}: want {want} got {len(values)}")
        for i, v in enumerate(values):
            kind = fixed[min(i, len(fixed) - 1)]
            values[i] = self.convert(args[i] if i < len(args) else ident, v, kind)
        try:
            return fn(*values)
        except (FuncError, gofmt.OutputLimitError) as e:
            raise self.fail(cmd, f"error calling {name}: {e}") from None

    def convert(self, node: Node, v: Any, kind: str) -> Any:
        if kind == "a":
            return v
        want = {"s": "string", "f": "float64", "i": "int"}[kind]
        if kind == "s" and isinstance(v, str):
            return v
        if kind == "f" and isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        if kind == "i" and isinstance(v, int) and not isinstance(v, bool):
            return v
        if v is MISSING:
            raise self.fail(node, f"invalid value; expected {want}")
        raise self.fail(node, f"wrong type for value; expected {want}; got {gofmt.type_name(v)}")


class _NoFinal:
    pass


_NO_FINAL: Any = _NoFinal()


@dataclass
class _Value:
    value: Any
