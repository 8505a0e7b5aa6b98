"""PromQL lexer: turns query text into tokens, hand-written for speed.

The lexer is modal like Prometheus' own: inside ``{...}`` keywords are plain
identifiers, and inside ``[...]`` only duration arithmetic is allowed. A lexing
problem does not raise at once: it ends the token stream with an ``ERROR``
token, so that a syntax error found earlier by the parser is reported first,
as promtool does.
"""

from __future__ import annotations

from dataclasses import dataclass

# Token kinds.
EOF = "EOF"
ERROR = "ERROR"
IDENT = "IDENT"  # identifier without a colon
METRIC_IDENT = "METRIC_IDENT"  # identifier containing a colon (recording-rule names)
NUMBER = "NUMBER"
DURATION = "DURATION"
STRING = "STRING"
KEYWORD = "KEYWORD"  # by, without, on, ignoring, group_left, group_right, bool, offset, ...
OP = "OP"  # + - * / % ^ == != < <= > >= and or unless atan2 =~ !~ @
AGGR = "AGGR"  # sum, avg, ...
PUNCT = "PUNCT"  # ( ) { } [ ] , = :

AGGREGATORS = frozenset(
    {
        "sum",
        "avg",
        "count",
        "min",
        "max",
        "group",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "count_values",
        "quantile",
        "limitk",
        "limit_ratio",
    }
)
WORD_OPERATORS = frozenset({"and", "or", "unless", "atan2"})
KEYWORDS = frozenset(
    {
        "offset",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "smoothed",
        "anchored",
    }
)
# Keywords only when followed by "(": they stay usable as metric names.
FILL_KEYWORDS = frozenset({"fill", "fill_left", "fill_right"})
# Words that may appear inside a duration expression in brackets.
DURATION_WORDS = frozenset({"step", "range", "min_of", "max_of"})

_SPACE = " \t\n\r"
_DIGITS = "0123456789"
_HEX_DIGITS = "0123456789abcdefABCDEF"
_DURATION_UNITS = "smhdwy"
# Go's %q of the lexer's end-of-input rune (-1): the replacement character.
_EOF_RUNE = "'\ufffd'"
# Characters lexed as in a statement once a number was seen inside [...].
_STATEMENT_IN_BRACKETS = frozenset("{\"'`@=!<>")


def is_alpha(c: str) -> bool:
    return c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z")


def is_alnum(c: str) -> bool:
    return is_alpha(c) or ("0" <= c <= "9")


@dataclass(frozen=True)
class Token:
    kind: str
    val: str  # source text (for ERROR: the message)
    pos: int  # offset of the first character

    @property
    def end(self) -> int:
        return self.pos + len(self.val) if self.kind != ERROR else self.pos

    def desc(self) -> str:
        """How promtool names this token in "unexpected ..." messages."""
        if self.kind == EOF:
            return "end of input"
        if self.kind in (KEYWORD, OP, AGGR) or (self.kind == IDENT and self.val in FILL_KEYWORDS):
            prefix = {KEYWORD: "", OP: "op:", AGGR: "aggr:"}.get(self.kind, "")
            return f"<{prefix}{self.val}>"
        if self.kind == PUNCT:
            return go_quote(self.val)
        # step and range are identifiers here: keywords only after promtool 3.5.
        kind = {
            IDENT: "identifier",
            METRIC_IDENT: "metric identifier",
            NUMBER: "number",
            DURATION: "duration",
            STRING: "string",
        }.get(self.kind, "error")
        return f"{kind} {go_quote(self.val, truncate=self.kind == STRING)}"


def go_quote(s: str, *, truncate: bool = False) -> str:
    """Go's %q for a string (and %.10q... for long tokens, as promtool prints them)."""
    if truncate and len(s) > 10:
        return go_quote(s[:10]) + "..."
    out = ['"']
    for c in s:
        out.append(_go_escape(c, '"'))
    out.append('"')
    return "".join(out)


def go_quote_rune(c: str) -> str:
    """Go's %q for a rune: 'x'."""
    return "'" + _go_escape(c, "'") + "'"


def go_rune_u(c: str) -> str:
    """Go's %#U for a rune: U+0063 'c'."""
    return f"U+{ord(c):04X} '{c}'" if c.isprintable() else f"U+{ord(c):04X}"


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _go_escape(c: str, quote: str) -> str:
    if c == quote or c == "\\":
        return "\\" + c
    if c in _GO_ESCAPES:
        return _GO_ESCAPES[c]
    if c.isprintable():
        return c
    code = ord(c)
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


class Lexer:
    """Scans the whole input into a token list (ending in EOF or ERROR)."""

    def __init__(self, text: str, compat: int = 3) -> None:
        self.text = text
        self.compat = compat  # 2: Prometheus 2.x's duration-only brackets and number scan
        self.n = len(text)
        self.i = 0
        self.tokens: list[Token] = []
        self.paren_depth = 0
        self.brace_open = False
        self.bracket_open = False
        self.got_colon = False
        self.got_duration = False
        # After the first number inside [...] Prometheus lexes in statement mode.
        self.bracket_statement = False
        self.failed = False

    def run(self) -> list[Token]:
        while not self.failed:
            if self.brace_open:
                done = self._inside_braces()
            elif self.bracket_open:
                done = self._inside_brackets()
            else:
                done = self._statement()
            if done:
                break
        return self.tokens

    def lex_braces(self, start: int) -> list[Token]:
        """Tokens of one ``{...}`` starting at ``start`` (ends after "}" or an ERROR)."""
        self.i = start + 1
        self.tokens.append(Token(PUNCT, "{", start))
        self.brace_open = True
        while self.brace_open and not self.failed:
            self._inside_braces()
        return self.tokens

    # -- helpers -----------------------------------------------------------

    def _emit(self, kind: str, start: int) -> None:
        self.tokens.append(Token(kind, self.text[start : self.i], start))

    def _error(self, msg: str, start: int) -> bool:
        self.tokens.append(Token(ERROR, msg, start))
        self.failed = True
        return True

    def _peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.text[j] if j < self.n else ""

    def _skip_space_and_comments(self) -> None:
        text, n = self.text, self.n
        while self.i < n:
            c = text[self.i]
            if c in _SPACE:
                self.i += 1
            elif c == "#" and not self.bracket_open:
                while self.i < n and text[self.i] not in "\r\n":
                    self.i += 1
            else:
                return

    # -- modes -------------------------------------------------------------

    def _statement(self) -> bool:
        self._skip_space_and_comments()
        start = self.i
        if start >= self.n:
            if self.paren_depth != 0:
                return self._error("unclosed left parenthesis", start)
            self.tokens.append(Token(EOF, "", start))
            return True
        c = self.text[start]
        self.i += 1
        if c in "+-*/%^,":
            self._emit(PUNCT if c == "," else OP, start)
        elif c in "=!<>":
            return self._comparison(c, start)
        elif c in _DIGITS or (c == "." and self._peek() in _DIGITS and self._peek()):
            self.i = start
            return self._number_or_duration(start)
        elif c in "\"'":
            return self._string(c, start)
        elif c == "`":
            return self._raw_string(start)
        elif is_alpha(c) or c == ":":
            self.i = start
            self._word(start)
        elif c == "(":
            self.paren_depth += 1
            self._emit(PUNCT, start)
        elif c == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                # Prometheus' lexer emits the ')' before it reports the error, so
                # promtool's column is the one after it: keep the same column.
                return self._error("unexpected right parenthesis ')'", self.i)
            self._emit(PUNCT, start)
        elif c == "{":
            self.brace_open = True
            self._emit(PUNCT, start)
        elif c == "[":
            self._emit(PUNCT, start)
            self.bracket_open = True
            self.got_colon = False
            self.got_duration = False
            self.bracket_statement = False
            if self.compat < 3:
                return self._duration_2x()
        elif c == "]":
            return self._error("unexpected right bracket ']'", start)
        elif c == "@":
            self._emit(OP, start)
        else:
            return self._error(f"unexpected character: {go_quote_rune(c)}", start)
        return False

    def _comparison(self, c: str, start: int) -> bool:
        nxt = self._peek()
        if c == "=":
            if nxt == "=":
                self.i += 1
                self._emit(OP, start)
            elif nxt == "~":
                return self._error("unexpected character after '=': '~'", start)
            else:
                self._emit(PUNCT, start)
        elif c == "!":
            if nxt != "=":
                shown = go_quote_rune(nxt) if nxt else _EOF_RUNE
                return self._error(f"unexpected character after '!': {shown}", start)
            self.i += 1
            self._emit(OP, start)
        else:
            if nxt in ("=", "/"):  # <= >= and the native-histogram trims </ >/
                self.i += 1
            self._emit(OP, start)
        return False

    def _inside_braces(self) -> bool:
        self._skip_space_and_comments()
        start = self.i
        if start >= self.n:
            return self._error("unexpected end of input inside braces", start)
        c = self.text[start]
        self.i += 1
        if is_alpha(c):
            while self.i < self.n and is_alnum(self.text[self.i]):
                self.i += 1
            self._emit(IDENT, start)
        elif c == ",":
            self._emit(PUNCT, start)
        elif c in "\"'":
            return self._string(c, start)
        elif c == "`":
            return self._raw_string(start)
        elif c == "=":
            if self._peek() == "~":
                self.i += 1
                self._emit(OP, start)
            else:
                self._emit(PUNCT, start)
        elif c == "!":
            nxt = self._peek()
            if nxt not in ("~", "=") or not nxt:
                shown = go_quote_rune(nxt) if nxt else _EOF_RUNE
                return self._error(f"unexpected character after '!' inside braces: {shown}", start)
            self.i += 1
            self._emit(OP, start)
        elif c == "{":
            return self._error("unexpected left brace '{'", start)
        elif c == "}":
            self.brace_open = False
            self._emit(PUNCT, start)
        else:
            return self._error(f"unexpected character inside braces: {go_quote_rune(c)}", start)
        return False

    def _inside_brackets(self) -> bool:
        while self.i < self.n and self.text[self.i] in _SPACE:
            self.i += 1
        start = self.i
        if start >= self.n:
            if self.bracket_statement:
                if self.paren_depth > 0:
                    return self._error("unclosed left parenthesis", start)
                return self._error("unclosed left bracket", start)
            return self._error("unexpected end of input in duration expression", start)
        c = self.text[start]
        self.i += 1
        if self.bracket_statement and c in _STATEMENT_IN_BRACKETS:
            # After the first number Prometheus lexes [...] as a statement: strings,
            # braces, comparisons and '@' are tokens there, for the parser to refuse.
            self.i = start
            return self._statement()
        if self.bracket_statement and c == "[":
            return self._error("unexpected left bracket '['", start)
        if self.bracket_statement and c == "#":  # a comment, as in any statement
            while self.i < self.n and self.text[self.i] not in "\r\n":
                self.i += 1
            return False
        if c == "]":
            self.bracket_open = False
            self._emit(PUNCT, start)
        elif c == ":" and self.bracket_statement:
            if self.got_colon:
                return self._error("unexpected colon ':'", start)
            self.got_colon = True
            self._emit(PUNCT, start)
        elif c == ":":
            if not self.got_duration:
                # promtool 3.5 reports this one column after the colon too.
                return self._error(
                    "unexpected colon before duration in duration expression", self.i
                )
            if self.got_colon:
                return self._error("unexpected repeated colon in duration expression", start)
            self.got_colon = True
            self._emit(PUNCT, start)
        elif c in "(),":
            self.paren_depth += {"(": 1, ")": -1, ",": 0}[c]
            if self.paren_depth < 0:
                # Emitted before it is reported, as outside brackets: the column after it.
                return self._error("unexpected right parenthesis ')'", self.i)
            self._emit(PUNCT, start)
        elif c in "+-*/%^":
            self._emit(OP, start)
        elif c in _DIGITS or (c == "." and self._peek() in _DIGITS and self._peek()):
            self.i = start
            self.got_duration = True
            return self._number_or_duration(start)
        elif is_alpha(c):
            while self.i < self.n and is_alpha(self.text[self.i]):
                self.i += 1
            if self.text[start : self.i].lower() not in DURATION_WORDS:
                if self.bracket_statement:
                    shown = go_quote_rune(c)
                    return self._error(f"unexpected character: {shown}, expected ':'", start)
                return self._error(
                    f"unexpected character in duration expression: {go_quote_rune(c)}", start
                )
            self._emit(IDENT, start)
        elif self.bracket_statement:
            return self._error(f"unexpected character: {go_quote_rune(c)}", start)
        else:
            return self._error(
                f"unexpected character in duration expression: {go_quote_rune(c)}", start
            )
        return False

    # -- token scanners ----------------------------------------------------

    def _word(self, start: int) -> None:
        text, n = self.text, self.n
        while self.i < n and (is_alnum(text[self.i]) or text[self.i] == ":"):
            self.i += 1
        word = text[start : self.i]
        low = word.lower()
        if low in ("inf", "nan"):
            self._emit(NUMBER, start)
        elif low in AGGREGATORS:
            self._emit(AGGR, start)
        elif low in WORD_OPERATORS:
            self._emit(OP, start)
        elif low in KEYWORDS:
            self._emit(KEYWORD, start)
        elif ":" in word:
            self._emit(METRIC_IDENT, start)
        else:
            self._emit(IDENT, start)

    def _duration_2x(self) -> bool:
        """Prometheus 2.x right after ``[``: a duration literal, or its two errors."""
        while self.i < self.n and self.text[self.i] in _SPACE:
            self.i += 1
        start = self.i
        self.i = _scan_number_2x(self.text, start)
        if not (self.i < self.n and is_alnum(self.text[self.i])):
            return self._error("missing unit character in duration", start)
        if not self._scan_duration_units():
            return self._error(f"bad duration syntax: {go_quote(self.text[start : self.i])}", start)
        self._emit(DURATION, start)
        self.got_duration = self.bracket_statement = True
        return False

    def _number_or_duration(self, start: int) -> bool:
        if self.compat < 3:
            return self._number_or_duration_2x(start)
        end, ok = scan_number(self.text, start, allow_hex=True)
        self.i = end
        if self.bracket_open:
            self.bracket_statement = True
        nxt = self._peek()
        if ok and not (nxt and is_alnum(nxt)):
            self._emit(NUMBER, start)
            return False
        if ok and self._scan_duration_units():
            self._emit(DURATION, start)
            return False
        bad = go_quote(self.text[start : self.i])
        return self._error(f"bad number or duration syntax: {bad}", start)

    def _number_or_duration_2x(self, start: int) -> bool:
        """2.x scans digits, one '.', an exponent, and stops: "1.2.3" is two numbers, "1e"
        a number its parser refuses, "1_000" a bad number (no digit separators)."""
        self.i = _scan_number_2x(self.text, start)
        if self.bracket_open:
            self.bracket_statement = True
        if not (self.i < self.n and is_alnum(self.text[self.i])):
            self._emit(NUMBER, start)
        elif self._scan_duration_units():
            self._emit(DURATION, start)
        else:
            bad = go_quote(self.text[start : self.i])
            return self._error(f"bad number or duration syntax: {bad}", start)
        return False

    def _scan_duration_units(self) -> bool:
        """Consume units and further digit+unit groups (``5m``, ``1h30m``, ``500ms``).

        Unit order is checked later by parse_duration; on failure the offending
        character is consumed so the error quotes it, as promtool does.
        """
        text, n = self.text, self.n
        if self.i >= n or text[self.i] not in _DURATION_UNITS:
            return False
        self.i += 1
        if self.i < n and text[self.i] == "s":
            self.i += 1
        while self.i < n and text[self.i] in _DIGITS:
            while self.i < n and text[self.i] in _DIGITS:
                self.i += 1
            if self.i >= n or text[self.i] not in "smhdw":
                return False
            self.i += 1
            if self.i < n and text[self.i] == "s":
                self.i += 1
        if self.i < n and is_alnum(text[self.i]):
            self.i += 1
            return False
        return True

    def _string(self, quote: str, start: int) -> bool:
        text, n = self.text, self.n
        i = self.i
        while True:
            if i >= n or text[i] == "\n":
                self.i = i
                return self._error("unterminated quoted string", start)
            c = text[i]
            if c == "\\":
                if i + 1 >= n:
                    self.i = n
                    return self._error("escape sequence not terminated", start)
                i += 2
                continue
            i += 1
            if c == quote:
                break
        self.i = i
        self._emit(STRING, start)
        return False

    def _raw_string(self, start: int) -> bool:
        end = self.text.find("`", self.i)
        if end < 0:
            self.i = self.n
            return self._error("unterminated raw string", start)
        self.i = end + 1
        self._emit(STRING, start)
        return False


def scan_number(text: str, start: int, *, allow_hex: bool) -> tuple[int, bool]:
    """Scan a number literal; return (end, well_formed).

    Accepts decimal, hex (0x..), floats, exponents and Go-style digit
    underscores. On a malformed literal ``end`` includes the offending
    character, so the error quotes the same text as Prometheus does.
    """
    n = len(text)
    i = start
    digits = _DIGITS
    if allow_hex and text.startswith(("0x", "0X"), i):
        i += 2
        digits = _HEX_DIGITS
        if i < n and text[i] == "_":
            i += 1
    seen_dot = seen_exp = False
    while i < n:
        c = text[i]
        if c in digits:
            i += 1
        elif c == ".":
            if seen_dot or seen_exp or digits is _HEX_DIGITS:
                return i + 1, False
            seen_dot = True
            i += 1
            if i < n and text[i] in "_.":
                return i + 1, False
        elif c in "eE" and not seen_exp:
            seen_exp = True
            i += 1
            if i < n and text[i] in "+-":
                i += 1
            if i >= n or text[i] in "._eE":
                return min(i + 1, n), False
        elif c == "_":
            i += 1
            if i >= n or text[i] in "._eE":
                return min(i + 1, n), False
        else:
            break
    return i, i > start


def _scan_number_2x(text: str, i: int) -> int:
    """Where Prometheus 2.x's scanNumber stops (it may take nothing at all)."""
    n = len(text)
    digits = _DIGITS
    if text.startswith(("0x", "0X"), i):
        i += 2
        digits = _HEX_DIGITS
    while i < n and text[i] in digits:
        i += 1
    if i < n and text[i] == ".":
        i += 1
        while i < n and text[i] in digits:
            i += 1
    if i < n and text[i] in "eE":
        i += 1
        if i < n and text[i] in "+-":
            i += 1
        while i < n and text[i] in _DIGITS:
            i += 1
    return i


def tokenize(text: str, compat: int = 3) -> list[Token]:
    return Lexer(text, compat).run()


class ParseError(Exception):
    """A PromQL syntax or type error, worded and positioned as promtool reports it.

    ``line`` and ``col`` are 1-based; ``col`` counts characters from the start of
    the line, as Prometheus does; ``pos`` is the offset into the text.
    """

    def __init__(self, msg: str, pos: int = 0, text: str = "", line_offset: int = 0) -> None:
        self.msg = msg
        self.pos = max(0, min(pos, len(text)))
        before = text[: self.pos]
        self.line = line_offset + before.count("\n") + 1
        self.col = self.pos - before.rfind("\n")
        # All constructor arguments in ``args``, so the error pickles (pytest-xdist).
        super().__init__(msg, pos, text, line_offset)

    def __str__(self) -> str:
        return f"{self.line}:{self.col}: parse error: {self.msg}"


# Units largest first; each may appear once, in this order.
_UNIT_MS: tuple[tuple[str, int], ...] = (
    ("y", 365 * 86_400_000),
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1000),
    ("ms", 1),
)
_MAX_DURATION_MS = (1 << 63) // 1_000_000  # Go's time.Duration limit, in ms


def format_duration(ms: int) -> str:
    """A duration as Prometheus writes it (``100y``, ``1h30m``, ``1s500ms``)."""
    if ms <= 0:
        return "0s"
    out = []
    for unit, size in _UNIT_MS:
        n, ms = divmod(ms, size)
        if n:
            out.append(f"{n}{unit}")
    return "".join(out)


def parse_duration(text: str, *, allow_seconds: bool = False) -> int:
    """Parse a Prometheus duration (``1h30m``, ``1d``, ``500ms``) into milliseconds.

    Units must appear largest first and at most once, as in Prometheus'
    ``model.ParseDuration``. With ``allow_seconds`` a plain number (``90``,
    ``1.5``) is taken as seconds, as PromQL 3 does inside brackets.
    Raises ValueError with Prometheus' wording.
    """
    if allow_seconds:
        try:
            seconds = float(text)
        except ValueError:
            pass
        else:
            if seconds != seconds or abs(seconds) * 1000 > _MAX_DURATION_MS:
                raise ValueError("duration out of range")
            return round(seconds * 1000)
    if text == "0":
        return 0
    total = _parse_units(text)
    if total is None:
        raise ValueError(f"not a valid duration string: {go_quote(text)}")
    if total > _MAX_DURATION_MS:
        raise ValueError("duration out of range")
    return total


def _parse_units(text: str) -> int | None:
    """Sum of ``<digits><unit>`` parts in order, or None when malformed."""
    i, n, total, unit_index = 0, len(text), 0, 0
    if n == 0:
        return None
    while i < n:
        j = i
        while j < n and text[j] in _DIGITS:
            j += 1
        if j == i:
            return None
        k = j
        while k < n and text[k] in _DURATION_UNITS:
            k += 1
        unit = text[j:k]
        if unit.startswith("ms"):
            unit, k = "ms", j + 2
        elif unit:
            unit, k = unit[0], j + 1
        for index in range(unit_index, len(_UNIT_MS)):
            if _UNIT_MS[index][0] == unit:
                total += int(text[i:j]) * _UNIT_MS[index][1]
                unit_index = index + 1
                break
        else:
            return None
        i = k
    return total
