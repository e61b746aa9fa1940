"""The JSONPath forms AWS accepts (its paths are Jayway JsonPath) beyond plain reference paths.

:mod:`aslrun.lang.paths` walks plain paths itself and hands everything else here, where it is
rewritten into jsonpath-ng's extended grammar, parsed once, and then checked node by node:
validation accepts exactly what evaluation supports.

Jayway forms accepted (AWS developer guide "Paths"; Jayway's README):

* a dot before a bracket: ``$.['a b']`` (AWS's own example), ``$.[?(@.OU > 0)]``, ``$.[0]``;
* filters with ``&&``, ``||``, ``!``, comparisons against literals or paths, and regular
  expressions ``=~ /pattern/flags`` (flags ``i``, ``m``, ``s``) that, as Jayway's
  ``matches()``, must match the whole string; they run on RE2 (:mod:`aslrun.lang.regex`);
* a trailing function: ``length()``, ``min()``, ``max()``, ``avg()``, ``sum()``,
  ``stddev()``, ``keys()``, ``first()``, ``last()`` (Jayway's numeric functions return
  doubles: ``$.n.sum()`` of ``[1, 2]`` is ``3.0``).

A dotted name with backticks (`` $[*].`parent` ``) is, as in Jayway, just a property name
(jsonpath-ng's `` `parent` ``/`` `this` ``/`` `len` `` extensions do not exist on AWS).

Refused with :class:`PathSyntaxError` (jsonpath-ng parses them, Jayway and AWS do not have
them): ``&`` intersections,
``|`` unions, sorting (``[/k]``), arithmetic, ``where``, and the filter operators ``in``,
``nin``, ``subsetof``, ``anyof``, ``noneof``, ``size``, ``empty``.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from typing import Any, Final

from jsonpath_ng import jsonpath as _jp
from jsonpath_ng.ext import filter as _filter
from jsonpath_ng.ext.parser import parse as _parse

from aslrun._json import JSON
from aslrun.lang.regex import SafePattern, UnsafePatternError, compile_safe

__all__ = ["FUNCTIONS", "JaywayError", "compile_jayway", "split_function"]


class JaywayError(ValueError):
    """A path that is not JSONPath AWS accepts, or that aslrun cannot evaluate."""


_FUNCTION_AT_END: Final = re.compile(r"\.([a-z]+)\(\)\s*$")
_REGEX_LITERAL: Final = re.compile(r"=~\s*/((?:[^/\\]|\\.)*)/([a-z]*)")
_PLACEHOLDER: Final = "__aslrun_regex_{}__"
_BACKTICK_NAME: Final = re.compile(r"(?<!\.)\.([^.\[\]()'\"\s]*`[^.\[\]()'\"\s]*)")


def split_function(rest: str) -> tuple[str, str | None]:
    """``('.a.b', 'length')`` for ``'.a.b.length()'``; unknown functions are refused."""
    m = _FUNCTION_AT_END.search(rest)
    if m is None:
        if re.search(r"\.[A-Za-z]+\([^)]*\)\s*$", rest):
            raise JaywayError("functions with arguments (concat, append, index) are not supported")
        return rest, None
    name = m.group(1)
    if name not in FUNCTIONS:
        known = ", ".join(f"{f}()" for f in FUNCTIONS)
        raise JaywayError(f"unknown function {name}(); Jayway's are {known}")
    return rest[: m.start()], name


def _outside_quotes(text: str) -> list[bool]:
    """For each character, whether it lies outside a quoted string."""
    flags: list[bool] = []
    quote: str | None = None
    escaped = False
    for ch in text:
        if quote is not None:
            flags.append(False)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
        else:
            flags.append(ch not in "'\"")
            if ch in "'\"":
                quote = ch
    return flags


def _normalise(rest: str) -> tuple[str, list[SafePattern]]:
    """Jayway's spelling rewritten for jsonpath-ng: ``.[`` -> ``[``, regex literals -> named
    placeholders (compiled here, put back after parsing)."""
    patterns: list[SafePattern] = []

    def regex(m: re.Match[str]) -> str:
        body, flags = m.group(1).replace("\\/", "/"), m.group(2)
        if set(flags) - set("ims"):
            raise JaywayError(f"unsupported regular expression flags {flags!r} (i, m, s)")
        if "s" in flags:
            body = "(?s)" + body
        try:
            patterns.append(compile_safe(body, ignore_case="i" in flags, multiline="m" in flags))
        except UnsafePatternError as exc:
            raise JaywayError(str(exc)) from None
        return f"=~ '{_PLACEHOLDER.format(len(patterns) - 1)}'"

    rest = _REGEX_LITERAL.sub(regex, rest)
    rest = _BACKTICK_NAME.sub(lambda m: f"['{m.group(1)}']", rest)
    outside = _outside_quotes(rest)
    out: list[str] = []
    for i, ch in enumerate(rest):
        if (
            ch == "."
            and outside[i]
            and rest[i + 1 : i + 2] == "["
            and (i == 0 or rest[i - 1] != ".")
        ):
            continue  # '$.[' is '$[' (but '$..[' stays a deep scan)
        if outside[i] and (ch == "`" or (ch == "|" and "||" not in rest[i - 1 : i + 2])):
            raise JaywayError(f"{ch!r} is not JSONPath syntax that AWS accepts")
        out.append(ch)
    return "".join(out), patterns


class _FullMatch(_filter.Expression):
    """``@.x =~ /re/``: Jayway's ``Matcher.matches()`` (the whole string), on RE2."""

    def __init__(self, target: Any, pattern: SafePattern) -> None:
        super().__init__(target, "=~", pattern.pattern)
        self.regex = pattern

    def find(self, datum: Any) -> list[Any]:
        found = self.target.find(_jp.DatumInContext.wrap(datum))
        return [m for m in found if isinstance(m.value, str) and self.regex.fullmatch(m.value)]


class _JaywayFilter(_filter.Filter):
    """Jayway applies a filter on an object to the object itself (RFC 9535, which jsonpath-ng
    follows, applies it to the object's members); on an array, to each item."""

    def find(self, datum: Any) -> list[Any]:
        datum = _jp.DatumInContext.wrap(datum)
        if isinstance(datum.value, dict):
            return [datum] if all(e.find(datum) for e in self.expressions) else []
        if isinstance(datum.value, list):
            return list(super().find(datum))  # type: ignore[no-untyped-call]
        return []


_LEAVES: Final = (_jp.Root, _jp.This, _jp.Fields, _jp.Index, _jp.Slice, _jp.Wildcard)


def _check(node: Any, patterns: list[SafePattern], in_filter: bool) -> Any:
    """Refuse what evaluation cannot do; put the compiled regular expressions in place."""
    kind = type(node)
    if kind in _LEAVES:
        if kind is _jp.This and not in_filter:
            raise JaywayError("'@' is only meaningful inside a filter")
        return node
    if kind in (_jp.Child, _jp.Descendants):
        node.left = _check(node.left, patterns, in_filter)
        node.right = _check(node.right, patterns, in_filter)
        return node
    if kind is _filter.Filter:
        return _JaywayFilter([_check(e, patterns, True) for e in node.expressions])
    if kind in (_filter.And, _filter.Or):
        node.operands = [_check(e, patterns, True) for e in node.operands]
        return node
    if kind is _filter.Expression:
        return _check_expression(node, patterns)
    raise JaywayError(f"{node} is not JSONPath that AWS accepts")


def _check_expression(node: Any, patterns: list[SafePattern]) -> Any:
    node.target = _check(node.target, patterns, True)
    if isinstance(node.value, _jp.JSONPath):
        node.value = _check(node.value, patterns, True)
    if node.op != "=~":
        return node
    value = node.value
    m = re.fullmatch(_PLACEHOLDER.format(r"(\d+)"), value) if isinstance(value, str) else None
    if m is not None:
        return _FullMatch(node.target, patterns[int(m.group(1))])
    if not isinstance(value, str):
        raise JaywayError("'=~' needs a regular expression: /pattern/")
    try:
        return _FullMatch(node.target, compile_safe(value))
    except UnsafePatternError as exc:
        raise JaywayError(str(exc)) from None


def compile_jayway(rest: str) -> Any:
    """Parse ``$`` + ``rest`` (the part after ``$``, ``$$`` or ``$name``), function removed."""
    text, patterns = _normalise(rest)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # jsonpath-ng warns about syntax we then refuse
            expr = _parse("$" + text)
    except Exception as exc:  # jsonpath-ng raises its own errors and bare Exception alike
        raise JaywayError(str(exc)) from None
    return _check(expr, patterns, False)


# --------------------------------------------------------------------------- functions


def _numbers(name: str, value: JSON) -> list[float]:
    items = value if isinstance(value, list) else []
    numbers = [float(v) for v in items if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numbers:
        raise JaywayError("Aggregation function attempted to calculate value using empty array")
    return numbers


def _stddev(name: str, value: JSON) -> float:
    numbers = _numbers(name, value)
    mean = sum(numbers) / len(numbers)
    return math.sqrt(max(0.0, sum(x * x for x in numbers) / len(numbers) - mean * mean))


def _length(name: str, value: JSON) -> JSON:
    return len(value) if isinstance(value, (list, dict)) else None


def _keys(name: str, value: JSON) -> JSON:
    return list(value) if isinstance(value, dict) else None


def _end(index: int) -> Callable[[str, JSON], JSON]:
    def pick(name: str, value: JSON) -> JSON:
        return value[index] if isinstance(value, list) and value else None

    return pick


FUNCTIONS: Final[dict[str, Callable[[str, JSON], JSON]]] = {
    "length": _length,
    "min": lambda n, v: min(_numbers(n, v)),
    "max": lambda n, v: max(_numbers(n, v)),
    "avg": lambda n, v: sum(_numbers(n, v)) / len(_numbers(n, v)),
    "sum": lambda n, v: math.fsum(_numbers(n, v)),
    "stddev": _stddev,
    "keys": _keys,
    "first": _end(0),
    "last": _end(-1),
}
"""Jayway's functions without arguments: ``fn(name, value) -> result``."""
