"""Parser for the Go ``text/template`` language (the subset rule files use).

Positions are kept per node so execution errors can say ``name:line:col`` the way
Go does (column = bytes since the last newline, 0-based on every line), and parse
errors say ``template: name:line: msg``. Variables are checked at parse time, as
Go does, so ``{{ $nope }}`` is a load error rather than a runtime surprise.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from .gotemplate_lex import TemplateError, Tok, lex, unquote

__all__ = ["Parsed", "TemplateError", "parse"]


# ---- nodes ---------------------------------------------------------------


@dataclass
class Node:
    pos: int

    def __str__(self) -> str:
        return ""


@dataclass
class TextNode(Node):
    text: str


@dataclass
class FieldNode(Node):
    idents: list[str]

    def __str__(self) -> str:
        return "".join("." + i for i in self.idents)


@dataclass
class VariableNode(Node):
    idents: list[str]  # idents[0] is "$name"

    def __str__(self) -> str:
        return ".".join(self.idents)


@dataclass
class DotNode(Node):
    def __str__(self) -> str:
        return "."


@dataclass
class NilNode(Node):
    def __str__(self) -> str:
        return "nil"


@dataclass
class IdentifierNode(Node):
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass
class LiteralNode(Node):
    value: object
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class ChainNode(Node):
    node: Node
    fields: list[str]

    def __str__(self) -> str:
        inner = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return inner + "".join("." + f for f in self.fields)


@dataclass
class CommandNode(Node):
    args: list[Node]

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, PipeNode) else str(a) for a in self.args)


@dataclass
class PipeNode(Node):
    decl: list[str]
    is_assign: bool
    cmds: list[CommandNode]

    def __str__(self) -> str:
        head = ""
        if self.decl:
            head = ", ".join(self.decl) + (" = " if self.is_assign else " := ")
        return head + " | ".join(str(c) for c in self.cmds)


@dataclass
class ActionNode(Node):
    pipe: PipeNode

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass
class ControlNode(Node):
    kind: str  # "if", "range", "with"
    pipe: PipeNode
    body: list[Node]
    else_body: list[Node] | None = None


@dataclass
class LoopJump(Node):
    kind: str  # "break" or "continue"


@dataclass
class TemplateNode(Node):
    """``{{template "name" pipeline}}`` (and the call half of ``{{block}}``)."""

    name: str
    pipe: PipeNode | None


@dataclass
class Parsed:
    name: str
    text: str
    root: list[Node] = field(default_factory=list)
    # Templates named by {{define}}/{{block}} in this text, each a Parsed of its own
    # whose ``text`` is the whole file (so error positions count from its start).
    defs: dict[str, Parsed] = field(default_factory=dict)
    # The name errors cite as ``template: NAME:line:col`` (Go's ParseName: the file).
    parse_name: str = ""


# ---- parser --------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, name: str, funcs: Collection[str]) -> None:
        self.name = name
        self.toks = lex(text, name)
        self.i = 0
        self.funcs = funcs
        self.vars: list[str] = ["$"]
        self.loops = 0
        self.text = text
        self.defs: dict[str, Parsed] = {}
        self.allow_define = False

    def fail(self, tok: Tok, msg: str) -> TemplateError:
        return TemplateError(f"template: {self.name}:{tok.line}: {msg}")

    def next(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def peek(self) -> Tok:
        return self.toks[self.i]

    def next_non_space(self) -> Tok:
        t = self.next()
        while t.kind == "SPACE":
            t = self.next()
        return t

    def peek_non_space(self) -> Tok:
        save = self.i
        t = self.next_non_space()
        self.i = save
        return t

    def expect(self, kind: str, context: str) -> Tok:
        t = self.next_non_space()
        if t.kind != kind:
            raise self.fail(t, f"unexpected {_describe(t)} in {context}")
        return t

    def item_list(self, top: bool = False) -> tuple[list[Node], str]:
        """Nodes up to {{end}}/{{else}} (returned as the terminator) or EOF."""
        nodes: list[Node] = []
        while True:
            t = self.next()
            if t.kind == "EOF":
                if not top:
                    raise self.fail(t, "unexpected EOF")
                return nodes, "eof"
            if t.kind == "TEXT":
                nodes.append(TextNode(t.pos, t.val))
                continue
            kw = self.peek_non_space()
            if kw.kind == "KEYWORD":
                self.next_non_space()
                if kw.val in ("end", "else"):
                    if top:
                        raise self.fail(kw, f"unexpected {{{{{kw.val}}}}}")
                    if kw.val == "end":
                        self.expect("RIGHT", "end")
                    return nodes, kw.val
                nodes.append(self.keyword(kw))
                continue
            pipe = self.pipeline("command", "RIGHT")
            nodes.append(ActionNode(t.pos, pipe))

    def keyword(self, kw: Tok) -> Node:
        if kw.val in ("if", "range", "with"):
            return self.control(kw)
        if kw.val in ("break", "continue"):
            if not self.loops:
                raise self.fail(kw, f"{{{{{kw.val}}}}} outside {{{{range}}}}")
            self.expect("RIGHT", kw.val)
            return LoopJump(kw.pos, kw.val)
        if kw.val == "template":
            return self.template_call(kw)
        if kw.val == "block":
            call = self.template_call(kw, block=True)
            self.define_body(call.name, kw)
            return call
        if kw.val == "define" and self.allow_define:
            # Only at top level (Go: "unexpected <define> in command" elsewhere).
            name = self.expect("STRING", "define clause")
            self.expect("RIGHT", "define clause")
            self.define_body(_string_value(name.val), kw)
            return TextNode(kw.pos, "")
        raise self.fail(kw, f"{{{{{kw.val}}}}} is not supported in rule templates")

    def template_call(self, kw: Tok, block: bool = False) -> TemplateNode:
        context = f"{kw.val} clause"
        name = self.expect("STRING", context)
        pipe: PipeNode | None = None
        if block or self.peek_non_space().kind != "RIGHT":
            pipe = self.pipeline(context, "RIGHT")
        else:
            self.expect("RIGHT", context)
        return TemplateNode(kw.pos, _string_value(name.val), pipe)

    def define_body(self, name: str, kw: Tok) -> None:
        # A defined template sees only its own "$" (Go starts each with a fresh scope).
        saved_vars, saved_loops, saved_define = self.vars, self.loops, self.allow_define
        self.vars, self.loops, self.allow_define = ["$"], 0, False
        try:
            body, term = self.item_list()
        finally:
            self.vars, self.loops, self.allow_define = saved_vars, saved_loops, saved_define
        if term != "end":
            raise self.fail(kw, f"unexpected {{{{{term}}}}} in {kw.val} clause")
        self.defs[name] = Parsed(name, self.text, body)

    def control(self, kw: Tok) -> ControlNode:
        mark = len(self.vars)
        pipe = self.pipeline(kw.val, "RIGHT")
        if kw.val == "range":
            self.loops += 1
        body, term = self.item_list()
        if kw.val == "range":
            self.loops -= 1
        del self.vars[mark:]
        else_body: list[Node] | None = None
        if term == "else":
            nxt = self.peek_non_space()
            if nxt.kind == "KEYWORD" and nxt.val in ("if", "with") and kw.val != "range":
                # "{{else if}}" chains share the single closing {{end}}.
                self.next_non_space()
                else_body = [self.control(nxt)]
            else:
                self.expect("RIGHT", "else")
                else_body, term = self.item_list()
                if term != "end":
                    raise self.fail(self.peek(), "expected end; found {{else}}")
            del self.vars[mark:]
        return ControlNode(kw.pos, kw.val, pipe, body, else_body)

    def pipeline(self, context: str, end: str) -> PipeNode:
        start = self.peek_non_space()
        decl: list[str] = []
        is_assign = False
        save = self.i
        v = self.next_non_space()
        if v.kind == "VARIABLE":
            nxt = self.peek_non_space()
            if nxt.kind in ("DECLARE", "ASSIGN"):
                self.next_non_space()
                is_assign = nxt.kind == "ASSIGN"
                decl.append(v.val)
            elif nxt.kind == "COMMA" and context == "range":
                self.next_non_space()
                v2 = self.expect("VARIABLE", "range")
                self.expect("DECLARE", "range")
                decl += [v.val, v2.val]
            else:
                self.i = save
        else:
            self.i = save
        if is_assign and decl[0] not in self.vars:
            raise self.fail(v, f'undefined variable "{decl[0]}"')
        cmds: list[CommandNode] = []
        while True:
            t = self.peek_non_space()
            if t.kind == end:
                self.next_non_space()
                break
            if t.kind == "EOF" or (t.kind == "RIGHT" and end == "RPAREN"):
                raise self.fail(t, "unclosed left paren" if end == "RPAREN" else "unclosed action")
            cmds.append(self.command(end))
        if not cmds:
            raise self.fail(start, f"missing value for {context}")
        for d in decl:
            if not is_assign:
                self.vars.append(d)
        for k, c in enumerate(cmds[1:], 2):
            if isinstance(c.args[0], (LiteralNode, NilNode, DotNode)):
                raise self.fail(start, f"non executable command in pipeline stage {k}")
        return PipeNode(start.pos, decl, is_assign, cmds)

    def command(self, end: str) -> CommandNode:
        args: list[Node] = []
        first = self.peek_non_space()
        while True:
            self.peek_non_space()
            while self.peek().kind == "SPACE":
                self.next()
            op = self.operand()
            if op is not None:
                args.append(op)
            t = self.next()
            if t.kind == "SPACE":
                continue
            if t.kind in ("RIGHT", "RPAREN"):
                if t.kind != end:
                    raise self.fail(t, f"unexpected {_describe(t)} in operand")
                self.i -= 1
                break
            if t.kind == "PIPE":
                break
            raise self.fail(t, f"unexpected {_describe(t)} in operand")
        if not args:
            raise self.fail(first, "empty command")
        return CommandNode(first.pos, args)

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == "FIELD":
            # Go positions a chained node at its first chained field (".b" in "$a.b"),
            # which is where execution errors point.
            at = self.peek().pos
            fields = []
            while self.peek().kind == "FIELD":
                fields.append(self.next().val[1:])
            if isinstance(node, FieldNode):
                return FieldNode(at, node.idents + fields)
            if isinstance(node, VariableNode):
                return VariableNode(at, node.idents + fields)
            if isinstance(node, (LiteralNode, NilNode)):
                raise self.fail(self.toks[self.i - 1], f"unexpected . after term {str(node)!r}")
            return ChainNode(at, node, fields)
        return node

    def term(self) -> Node | None:
        t = self.next_non_space()
        k = t.kind
        if k == "IDENT":
            if t.val not in self.funcs:
                raise self.fail(t, f'function "{t.val}" not defined')
            return IdentifierNode(t.pos, t.val)
        if k == "DOT":
            return DotNode(t.pos)
        if k == "NIL":
            return NilNode(t.pos)
        if k == "VARIABLE":
            if t.val not in self.vars:
                raise self.fail(t, f'undefined variable "{t.val}"')
            return VariableNode(t.pos, [t.val])
        if k == "FIELD":
            return FieldNode(t.pos, [t.val[1:]])
        if k == "BOOL":
            return LiteralNode(t.pos, t.val == "true", t.val)
        if k == "NUMBER":
            return LiteralNode(
                t.pos, _number(t.val, self.fail(t, f"bad number syntax: {t.val!r}")), t.val
            )
        if k == "CHAR":
            body = unquote(t.val[1:-1])
            return LiteralNode(t.pos, ord(body[0]) if body else 0, t.val)
        if k == "STRING":
            val = t.val[1:-1] if t.val[0] == "`" else unquote(t.val[1:-1])
            return LiteralNode(t.pos, val, t.val)
        if k == "LPAREN":
            return self.pipeline("parenthesized pipeline", "RPAREN")
        self.i -= 1
        return None


def _number(text: str, err: TemplateError) -> int | float:
    clean = text.replace("_", "")
    try:
        if clean.lower().lstrip("+-").startswith("0x"):
            return int(clean, 16)
        # Go's rule: a constant with '.', 'e' or 'p' is a float, otherwise an int.
        if any(c in clean for c in ".eE"):
            return float(clean)
        return int(clean)
    except ValueError:
        raise err from None


def _string_value(tok_text: str) -> str:
    return tok_text[1:-1] if tok_text[0] == "`" else unquote(tok_text[1:-1])


def is_empty_tree(nodes: list[Node]) -> bool:
    """Go's IsEmptyTree: only whitespace text, so a later empty {{define}} keeps the old body."""
    return all(isinstance(n, TextNode) and not n.text.strip() for n in nodes)


def _describe(t: Tok) -> str:
    names = {"RIGHT": '"}}"', "RPAREN": '")"', "LPAREN": '"("', "PIPE": '"|"', "EOF": "EOF",
             "COMMA": '","', "DECLARE": '":="', "ASSIGN": '"="'}  # fmt: skip
    return names.get(t.kind, f"<{t.val}>")


def parse(
    text: str,
    name: str,
    funcs: Collection[str],
    predeclared: Collection[str] = (),
    *,
    allow_define: bool = False,
) -> Parsed:
    """Parse one text; with ``allow_define``, top-level ``{{define}}`` blocks go to ``defs``."""
    p = _Parser(text, name, funcs)
    p.vars.extend(predeclared)
    p.allow_define = allow_define
    root, _ = p.item_list(top=True)
    for d in p.defs.values():
        d.parse_name = name
    return Parsed(name, text, root, p.defs, name)
