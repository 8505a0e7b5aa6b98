"""The contextual escaping ``html/template`` applies to e-mail HTML bodies.

Alertmanager renders an e-mail's ``html`` with Go's html/template, which escapes
every printed value for where it lands: HTML text and RCDATA (``<title>``) get
``&lt;``-style escapes (``+`` too, as ``&#43;``); a URL attribute's value is
filtered (only http, https and mailto schemes, else ``#ZgotmplZ``), normalised
or query-escaped, then attribute-escaped; HTML comments in template text are
dropped. The context is tracked over the template text (values are stood in for
by a neutral character), as html/template derives it from the template, not
from the data. CSS and JavaScript contexts are not modelled: values there get
the attribute or text escaping.
"""

from __future__ import annotations

import re
from typing import Any

from ..rules.gofmt import go_print
from ..rules.gotemplate import Escaper
from ..rules.gotemplate_parse import Node, Parsed, TextNode

_HTML_TABLE = {"\0": "\ufffd", '"': "&#34;", "&": "&amp;", "'": "&#39;", "+": "&#43;",
               "<": "&lt;", ">": "&gt;"}  # fmt: skip
_URL_ATTRS = {"href", "src", "action", "cite", "data", "formaction", "poster", "background",
              "longdesc", "usemap", "codebase", "classid", "manifest", "profile", "icon"}  # fmt: skip
_ATTR = re.compile(r"""\s*([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)("?)|'([^']*)('?)|([^\s"'=<>`]*)))?""")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


class HTMLText(str):
    """Already HTML (safeHtml, or the predefined ``html`` escaper's output)."""


class URLQueried(str):
    """Output of the predefined ``urlquery`` escaper: already escaped for a URL query."""


def html_escape(s: str) -> str:
    return "".join(_HTML_TABLE.get(c, c) for c in s)


def url_process(s: str, norm: bool) -> str:
    """Go's processURLOnto: percent-encode (lower-case hex) what a URL may not hold."""
    out: list[str] = []
    data = s.encode()
    i = 0
    while i < len(data):
        c = chr(data[i])
        keep = c.isascii() and (c.isalnum() or c in "-._~")
        if c in "!#$&*+,/:;=?@[]" and norm:
            keep = True
        if c == "%" and norm and re.fullmatch(rb"[0-9A-Fa-f]{2}", data[i + 1 : i + 3]):
            keep = True
        out.append(c if keep else f"%{data[i]:02x}")
        i += 1
    return "".join(out)


def url_filter(s: str) -> str:
    colon = s.find(":")
    if colon >= 0 and "/" not in s[:colon] and s[:colon].lower() not in ("http", "https", "mailto"):
        return "#ZgotmplZ"
    return s


def strip_comments(tree: Parsed) -> None:
    """html/template drops ``<!-- -->`` from template text (it never reaches the output)."""

    def walk(nodes: list[Node]) -> None:
        for n in nodes:
            if isinstance(n, TextNode):
                n.text = _COMMENT.sub("", n.text)
            for attr in ("body", "else_body"):
                sub = getattr(n, attr, None)
                if sub:
                    walk(sub)

    walk(tree.root)
    for d in tree.defs.values():
        walk(d.root)


class HTMLEscaper(Escaper):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def text(self, s: str) -> None:
        self.seen.append(s)

    def _context(self) -> tuple[str, str, str]:
        """("text" | "attr" | "url", attribute value so far, "") for the current position."""
        buf = "".join(self.seen[-64:])
        lt, gt = buf.rfind("<"), buf.rfind(">")
        if lt <= gt:
            return "text", "", ""
        tag = buf[lt + 1 :]
        m = re.match(r"[A-Za-z][^\s/>]*", tag)
        pos = m.end() if m else 0
        while pos < len(tag):
            a = _ATTR.match(tag, pos)
            if a is None or a.end() == pos:
                break
            name = a.group(1).lower()
            open_dq = a.group(2) is not None and not a.group(3)
            open_sq = a.group(4) is not None and not a.group(5)
            if a.end() == len(tag) and (open_dq or open_sq):
                value = a.group(2) if open_dq else a.group(4)
                is_url = name in _URL_ATTRS or any(k in name for k in ("src", "uri", "url"))
                return ("url" if is_url else "attr"), value, name
            pos = a.end()
        return "attr", "", ""

    def value(self, v: Any) -> str:
        s = go_print(v)
        kind, so_far, _ = self._context()
        self.seen.append("x")  # a value moves a URL past its start, like html/template's urlPart
        if kind == "text":
            return s if isinstance(v, HTMLText) else html_escape(s)
        if kind == "url":
            from .template_funcs import SafeURL

            if isinstance(v, URLQueried):
                return html_escape(s)
            if not so_far:
                s = url_process(s if isinstance(v, SafeURL) else url_filter(s), norm=True)
            elif "?" in so_far or "#" in so_far:
                s = url_process(s, norm=isinstance(v, SafeURL))
            else:
                s = url_process(s, norm=True)
        return html_escape(s)
