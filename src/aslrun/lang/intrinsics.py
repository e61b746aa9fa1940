"""Intrinsic functions (``States.Format(...)`` and friends) for JSONPath states.

An intrinsic is compiled once, when the definition is loaded: a small hand-written lexer turns
the text into tokens and a recursive-descent parser builds a tree of literals, paths and calls.
Unknown functions, wrong argument counts and malformed text raise :class:`IntrinsicSyntaxError`
with the column of the problem.  Evaluating the tree is then a cheap walk.

Grammar::

    call  := NAME "(" [ arg ( "," arg )* ] ")"
    arg   := STRING | NUMBER | "true" | "false" | "null" | PATH | call

String literals are single-quoted; ``\\'``, ``\\{``, ``\\}`` and ``\\\\`` escape a quote, a
brace and a backslash.  Paths (``$``, ``$.a['b'][0]``, ``$$.Execution.Id``, ``$var.x``) run up to
the next ``,`` or ``)`` that is outside brackets and quotes.

The functions themselves live in :mod:`aslrun.lang.intrinsic_functions` (the ``FUNCTIONS`` table);
a runtime failure raises ``StateFailure("States.IntrinsicFailure", detail)``.
"""

from __future__ import annotations

import math
import random as _random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, cast

from aslrun._json import JSON
from aslrun.lang.intrinsic_functions import (
    ARITY,
    FUNCTIONS,
    STRING_RESULT_FUNCTIONS,
    USES_RANDOM,
    FormatTemplate,
    IntrinsicFunction,
)
from aslrun.lang.paths import Path, PathSyntaxError, compile_path

__all__ = [
    "ARITY",
    "FUNCTIONS",
    "STRING_RESULT_FUNCTIONS",
    "Intrinsic",
    "IntrinsicFunction",
    "IntrinsicSyntaxError",
    "compile_intrinsic",
    "is_intrinsic",
]


class IntrinsicSyntaxError(ValueError):
    """An intrinsic function call that does not compile; says where (1-based column)."""

    def __init__(self, message: str, text: str, column: int) -> None:
        super().__init__(f"{message} (at column {column} of {text!r})")
        self.message = message
        self.text = text
        self.column = column


def is_intrinsic(text: str) -> bool:
    """True when ``text`` looks like an intrinsic function call (``States.Name(...)``)."""
    return text.startswith("States.") and "(" in text


# --------------------------------------------------------------------------- lexer

TokenType = Literal["name", "lparen", "rparen", "comma", "string", "number", "const", "path", "eof"]


@dataclass(frozen=True, slots=True)
class _Token:
    type: TokenType
    text: str  # the source text of the token (a string's content without its quotes)
    pos: int  # 0-based offset into the intrinsic's text


_WORD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER: Final = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_PUNCT: Final[dict[str, TokenType]] = {"(": "lparen", ")": "rparen", ",": "comma"}
_CONSTS: Final[dict[str, JSON]] = {"true": True, "false": False, "null": None}
_STRING_ESCAPES: Final = frozenset("'{}\\")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos, n = 0, len(text)
    while pos < n:
        ch = text[pos]
        if ch in " \t\r\n":
            pos += 1
        elif ch in _PUNCT:
            tokens.append(_Token(_PUNCT[ch], ch, pos))
            pos += 1
        elif ch == "'":
            end = _scan_string(text, pos)
            tokens.append(_Token("string", text[pos + 1 : end], pos))
            pos = end + 1
        elif ch == "$":
            end = _scan_path(text, pos)
            tokens.append(_Token("path", text[pos:end], pos))
            pos = end
        elif ch == "-" or ch.isdigit():
            m = _NUMBER.match(text, pos)
            if m is None:
                raise IntrinsicSyntaxError(f"invalid number {text[pos : pos + 8]!r}", text, pos + 1)
            tokens.append(_Token("number", m.group(), pos))
            pos = m.end()
        else:
            m = _WORD.match(text, pos)
            if m is None:
                raise IntrinsicSyntaxError(f"unexpected character {ch!r}", text, pos + 1)
            word = m.group()
            if word in _CONSTS:
                tokens.append(_Token("const", word, pos))
            elif word.startswith("States."):
                tokens.append(_Token("name", word, pos))
            else:
                raise IntrinsicSyntaxError(f"unexpected word {word!r}", text, pos + 1)
            pos = m.end()
    tokens.append(_Token("eof", "", n))
    return tokens


def _scan_string(text: str, start: int) -> int:
    """Return the offset of the quote closing the literal that opens at ``start``."""
    pos = start + 1
    while pos < len(text):
        ch = text[pos]
        if ch == "\\" and pos + 1 < len(text):
            pos += 2
        elif ch == "'":
            return pos
        else:
            pos += 1
    raise IntrinsicSyntaxError("unterminated string literal", text, start + 1)


def _scan_path(text: str, start: int) -> int:
    """Return the offset just past a path: the next ``,``/``)``/blank outside brackets/quotes."""
    openers: list[int] = []  # offsets of the unclosed "[" and "(" in the path
    quote: int | None = None  # offset of the open quote
    pos = start
    while pos < len(text):
        ch = text[pos]
        if quote is not None:
            if ch == "\\":
                pos += 1
            elif ch == text[quote]:
                quote = None
        elif ch in "'\"":
            quote = pos
        elif ch in "[(":
            openers.append(pos)
        elif ch in "])":
            if not openers:
                if ch == ")":
                    return pos
                raise IntrinsicSyntaxError("unbalanced ']' in path", text, pos + 1)
            opener = openers.pop()
            if _CLOSERS[text[opener]] != ch:
                raise IntrinsicSyntaxError(f"unclosed {text[opener]!r} in path", text, opener + 1)
        elif not openers and (ch == "," or ch in " \t\r\n"):
            return pos
        pos += 1
    if quote is not None:
        raise IntrinsicSyntaxError("unterminated quote in path", text, quote + 1)
    if openers:
        raise IntrinsicSyntaxError(f"unclosed {text[openers[-1]]!r} in path", text, openers[-1] + 1)
    return pos


_CLOSERS: Final = {"[": "]", "(": ")"}


def _unescape(raw: str) -> str:
    """Decode a string literal's content: ``\\'``, ``\\{``, ``\\}`` and ``\\\\``."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    pos = 0
    while pos < len(raw):
        ch = raw[pos]
        if ch == "\\" and pos + 1 < len(raw) and raw[pos + 1] in _STRING_ESCAPES:
            out.append(raw[pos + 1])
            pos += 2
        else:
            out.append(ch)
            pos += 1
    return "".join(out)


def _template(raw: str) -> FormatTemplate:
    """Split a literal States.Format template at its unescaped ``{}`` placeholders."""
    parts: list[str] = []
    buf: list[str] = []
    pos = 0
    while pos < len(raw):
        ch = raw[pos]
        if ch == "\\" and pos + 1 < len(raw) and raw[pos + 1] in _STRING_ESCAPES:
            buf.append(raw[pos + 1])
            pos += 2
        elif raw.startswith("{}", pos):
            parts.append("".join(buf))
            buf = []
            pos += 2
        else:
            buf.append(ch)
            pos += 1
    parts.append("".join(buf))
    return FormatTemplate(tuple(parts))


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True, slots=True)
class _Const:
    value: JSON


@dataclass(frozen=True, slots=True)
class _PathArg:
    path: Path


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    function: IntrinsicFunction
    args: tuple[_Node, ...]


_Node: TypeAlias = "_Const | _PathArg | _Call"
Resolve: TypeAlias = Callable[[Path], JSON]


def _evaluate(node: _Node, resolve: Resolve, rng: _random.Random | None) -> JSON:
    if isinstance(node, _Const):
        return node.value
    if isinstance(node, _PathArg):
        return resolve(node.path)
    args = [_evaluate(arg, resolve, rng) for arg in node.args]
    return node.function(args, rng)


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.paths: list[Path] = []
        self.uses_random = False

    def error(self, message: str, token: _Token) -> IntrinsicSyntaxError:
        return IntrinsicSyntaxError(message, self.text, token.pos + 1)

    def next(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, type_: TokenType, what: str) -> _Token:
        token = self.next()
        if token.type != type_:
            raise self.error(f"expected {what}, found {_describe(token)}", token)
        return token

    def parse(self) -> _Call:
        call = self.call(self.expect("name", "an intrinsic function name (States.*)"))
        token = self.next()
        if token.type != "eof":
            raise self.error(f"unexpected {_describe(token)} after the function call", token)
        return call

    def call(self, name_token: _Token) -> _Call:
        name = name_token.text
        function = FUNCTIONS.get(name)
        if function is None:
            raise self.error(f"unknown intrinsic function {name!r}", name_token)
        self.uses_random = self.uses_random or name in USES_RANDOM
        self.expect("lparen", f"'(' after {name}")
        args: list[_Node] = []
        token = self.next()
        if token.type != "rparen":
            self.i -= 1
            while True:
                args.append(self.argument(name, first=not args))
                token = self.next()
                if token.type == "rparen":
                    break
                if token.type != "comma":
                    raise self.error(f"expected ',' or ')', found {_describe(token)}", token)
        low, high = ARITY[name]
        if len(args) < low or (high is not None and len(args) > high):
            raise self.error(f"{name} {_arity_text(low, high)}, got {len(args)}", name_token)
        return _Call(name, function, tuple(args))

    def number(self, token: _Token) -> int | float:
        value = _number_value(token.text)
        if value is None:
            raise self.error(
                f"number {_shorten(token.text)} is out of range (not a finite double)", token
            )
        return value

    def argument(self, function: str, *, first: bool) -> _Node:
        token = self.next()
        if token.type == "string":
            if first and function == "States.Format":
                # the split template stands where the string would: only States.Format reads it
                return _Const(cast("JSON", _template(token.text)))
            return _Const(_unescape(token.text))
        if token.type == "number":
            return _Const(self.number(token))
        if token.type == "const":
            return _Const(_CONSTS[token.text])
        if token.type == "path":
            try:
                path = compile_path(token.text)
            except PathSyntaxError as e:
                raise self.error(f"invalid path {token.text!r}: {e}", token) from None
            self.paths.append(path)
            return _PathArg(path)
        if token.type == "name":
            return self.call(token)
        raise self.error(f"expected an argument, found {_describe(token)}", token)


def _number_value(text: str) -> int | float | None:
    """A number literal's value, or None when no double can hold it (``1e999``,
    ``-1e400``... and so every integer literal of more than 309 digits). AWS reads
    intrinsic arguments as JSON numbers; one that is infinite is not JSON, so such a
    literal is refused with the definition rather than failing at run time."""
    magnitude = float(text)  # float() reads any length of digits; it overflows to inf
    if not math.isfinite(magnitude):
        return None
    return magnitude if any(c in text for c in ".eE") else int(text)


def _describe(token: _Token) -> str:
    if token.type == "eof":
        return "the end of the text"
    if token.type == "string":
        return f"string '{token.text}'"
    return repr(token.text)


def _shorten(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:10]}...{text[-10:]} ({len(text)} characters)"


def _arity_text(low: int, high: int | None) -> str:
    def args(k: int) -> str:
        return f"{k} argument{'' if k == 1 else 's'}"

    if high is None:
        return f"takes at least {args(low)}"
    if low == high:
        return f"takes {args(low)}"
    return f"takes {low} to {args(high)}"


# --------------------------------------------------------------------------- public


@dataclass(frozen=True, slots=True)
class Intrinsic:
    """A compiled intrinsic function call; ``evaluate`` it against the state's data."""

    text: str
    name: str
    paths: tuple[Path, ...]
    uses_random: bool
    _root: _Call

    @property
    def returns_string(self) -> bool:
        """True when the outermost function always returns a string (ErrorPath/CausePath)."""
        return self.name in STRING_RESULT_FUNCTIONS

    def evaluate(self, resolve: Resolve, *, random: _random.Random | None = None) -> JSON:
        """Evaluate; ``resolve`` reads a path argument (its PathNotFound propagates unchanged).

        ``random`` feeds States.MathRandom and States.UUID; when None a fresh generator is
        seeded from the OS.  Failures raise ``StateFailure("States.IntrinsicFailure", ...)``.
        """
        rng = random
        if rng is None and self.uses_random:
            rng = _random.Random()
        return _evaluate(self._root, resolve, rng)

    def __str__(self) -> str:
        return self.text


def compile_intrinsic(text: str) -> Intrinsic:
    """Compile ``States.Name(arg, ...)``; raise IntrinsicSyntaxError (with a column) if invalid."""
    parser = _Parser(text)
    root = parser.parse()
    return Intrinsic(text, root.name, tuple(parser.paths), parser.uses_random, root)
