"""A set of notification templates, as Alertmanager's template.FromGlobs builds it.

The built-in ``default.tmpl`` and ``email.tmpl`` are parsed first, then the
config's template files in order; a later ``{{define}}`` of a name replaces an
earlier one unless its body is empty (Go's rule). Receiver fields are then
executed against that set: with text/template for every field, and with
html/template (contextual escaping, see ``htmlescape``) for an e-mail's ``html``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..rules.gotemplate import Executor, Func, Memo
from ..rules.gotemplate_parse import Parsed, TemplateError, is_empty_tree, parse
from .default_templates import default_sources
from .htmlescape import HTMLEscaper, HTMLText, URLQueried, html_escape, strip_comments
from .template_funcs import funcs_for

__all__ = ["TemplateError", "TemplateSet"]


def _html_funcs(version: str) -> dict[str, Func]:
    funcs = funcs_for(version)
    # The predefined escapers are kept by html/template and not escaped twice.
    plain_html, plain_query = funcs["html"][0], funcs["urlquery"][0]
    funcs["html"] = (lambda *a: HTMLText(plain_html(*a)), "a*")
    funcs["urlquery"] = (lambda *a: URLQueried(plain_query(*a)), "a*")
    funcs["safeHtml"] = (HTMLText, "s")
    return funcs


def _merge(into: dict[str, Parsed], tree: Parsed, file_name: str) -> None:
    for name, d in tree.defs.items():
        if name in into and is_empty_tree(d.root):
            continue
        into[name] = d
    if not is_empty_tree(tree.root):
        into[file_name] = Parsed(file_name, tree.text, tree.root, parse_name=file_name)


class TemplateSet:
    def __init__(self, version: str, sources: Iterable[tuple[str, str]] = ()) -> None:
        self.version = version
        self.text_funcs = funcs_for(version)
        self.html_funcs = _html_funcs(version)
        self.text_defs: dict[str, Parsed] = dict(_defaults(version)[0])
        self.html_defs: dict[str, Parsed] = dict(_defaults(version)[1])
        # Receiver fields are the same few texts for every notification: parse each once
        # (execution never changes a tree).
        self._parsed: dict[tuple[str, str], tuple[Parsed, dict[str, Parsed]]] = {}
        # The fields of one notification share their data object: named templates
        # expanded for it once are reused (see gotemplate.Memo). Holding the data
        # keeps its id from being reused while the memo lives.
        self._memo: Memo | None = None
        for name, text in sources:
            self._add(name, text)

    @classmethod
    def from_files(cls, version: str, paths: Iterable[Path]) -> TemplateSet:
        """Template files in the order given (the caller resolves the config's globs)."""
        return cls(version, [(p.name, p.read_text(encoding="utf-8")) for p in paths])

    def _add(self, name: str, text: str) -> None:
        _merge(self.text_defs, parse(text, name, self.text_funcs, allow_define=True), name)
        html_tree = parse(text, name, self.html_funcs, allow_define=True)
        strip_comments(html_tree)
        _merge(self.html_defs, html_tree, name)

    def _prepare(self, text: str, mode: str) -> tuple[Parsed, dict[str, Parsed]]:
        hit = self._parsed.get((mode, text))
        if hit is not None:
            return hit
        funcs, base = (
            (self.text_funcs, self.text_defs)
            if mode == "text"
            else (self.html_funcs, self.html_defs)
        )
        tree = parse(text, "", funcs, allow_define=True)
        if mode == "html":
            strip_comments(tree)
        defs = base
        if tree.defs:  # a field that defines templates sees them, the set does not
            defs = dict(base)
            _merge(defs, tree, "")
        if len(self._parsed) < 4096:
            self._parsed[(mode, text)] = (tree, defs)
        return tree, defs

    def text(self, text: str, data: Any) -> str:
        """ExecuteTextString: an empty field stays empty without being parsed."""
        if text == "":
            return ""
        tree, defs = self._prepare(text, "text")
        ex = Executor(tree, self.text_funcs, defs)
        if defs is self.text_defs:  # a field's own defines would change what a name means
            if self._memo is None or self._memo.root is not data:
                self._memo = Memo(data, {})
            ex.memo = self._memo
        return ex.run(data)

    def html(self, text: str, data: Any) -> str:
        if text == "":
            return ""
        tree, defs = self._prepare(text, "html")
        return Executor(tree, self.html_funcs, defs, HTMLEscaper()).run(data)


@lru_cache(maxsize=4)
def _defaults(version: str) -> tuple[dict[str, Parsed], dict[str, Parsed]]:
    text_defs: dict[str, Parsed] = {}
    html_defs: dict[str, Parsed] = {}
    for name, src in default_sources(version):
        _merge(text_defs, parse(src, name, funcs_for(version), allow_define=True), name)
        tree = parse(src, name, _html_funcs(version), allow_define=True)
        strip_comments(tree)
        _merge(html_defs, tree, name)
    return text_defs, html_defs


# Re-exported for tests of the escaper through the set.
escape_html_text = html_escape
