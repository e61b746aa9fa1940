"""Choice state rules (JSONPath mode): compiled once, evaluated with AWS's semantics.

A top-level rule is a :class:`ChoiceRule` (``Next``, an optional ``Assign``) around a test
node: a :class:`Comparison` (``Variable`` plus one comparison operator) or a Boolean
:class:`And` / :class:`Or` / :class:`Not`.  Every comparison operator is a plain function
in :data:`OPERATORS`; each ``*Path`` operator is the same function as its base operator,
its right-hand value read from the data by a path instead of written in the definition.

Semantics kept here (the recorded AWS executions and the States Language spec agree):

* a value of the wrong type makes a comparison false, never an error: ``true`` is not
  numeric, ``NumericEquals`` finds ``1`` and ``1.0`` equal, a string that is not an
  RFC 3339 timestamp never matches a ``Timestamp*`` operator;
* a ``Variable`` path that finds nothing makes ``IsPresent`` false (``IsPresent: false``
  true); with any other operator, and for a ``*Path`` value that finds nothing, the state
  fails with ``States.Runtime``, detail
  ``Invalid path '$.x': The choice state's condition path references an invalid value.``;
* strings compare ordinally by UTF-16 code unit, as Java's ``String.compareTo`` does;
* timestamps compare as instants (``...T19:00:55+01:00`` equals ``...T18:00:55Z``).

JSONata rules (``Condition``) are compiled and evaluated elsewhere; this module only keeps
the compiled condition as an opaque ``ChoiceRule.condition``.

Compiling rules from JSON (:func:`compile_rule`, :func:`compile_choices`,
:class:`FieldCompiler`) lives in :mod:`aslrun.lang.choice_compile`; this module re-exports it.
"""

from __future__ import annotations

import re
from calendar import timegm
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal, TypeAlias

from aslrun._json import JSON
from aslrun.errors import StateFailure
from aslrun.lang.paths import Path, PathNotFound

if TYPE_CHECKING:
    from aslrun.lang.choice_compile import FieldCompiler, compile_choices, compile_rule

__all__ = [
    "OPERATORS",
    "And",
    "ChoiceRule",
    "Comparison",
    "FieldCompiler",
    "Not",
    "Or",
    "Test",
    "choose",
    "compile_choices",
    "compile_rule",
    "evaluate",
    "invalid_path_detail",
    "parse_timestamp",
]

Location: TypeAlias = tuple[str | int, ...]
QueryLanguage: TypeAlias = Literal["JSONPath", "JSONata"]
Operator: TypeAlias = Callable[[JSON, JSON], bool]

_COMPILE_NAMES: Final = frozenset({"FieldCompiler", "compile_choices", "compile_rule"})


def __getattr__(name: str) -> object:
    """Re-export the compile half on first use.

    :mod:`aslrun.lang.choice_compile` imports the model and operators from this module, so
    importing it here lazily keeps the import graph one-way in either import order.
    """
    if name in _COMPILE_NAMES:
        from aslrun.lang import choice_compile as _choice_compile  # noqa: PLC0415 - it imports this module

        value: object = getattr(_choice_compile, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class Comparison:
    """``Variable`` compared by ``operator`` with ``value`` (a compiled Path for ``*Path``)."""

    variable: Path
    operator: str
    value: JSON | Path


@dataclass(frozen=True, slots=True)
class And:
    """True when every rule is true (evaluated in order, stopping at the first false)."""

    rules: tuple[Test, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """True when any rule is true (evaluated in order, stopping at the first true)."""

    rules: tuple[Test, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The inverse of ``rule``."""

    rule: Test


Test: TypeAlias = "Comparison | And | Or | Not"


@dataclass(frozen=True, slots=True)
class ChoiceRule:
    """A top-level Choice Rule.

    ``test`` is set in JSONPath mode; in JSONata mode ``test`` is None and ``condition``
    holds whatever the JSONata compiler made of ``Condition``.  ``assign`` and ``output``
    are opaque too (compiled by the data-flow module).  ``where`` locates the rule.
    """

    test: Test | None
    next: str
    assign: object | None
    where: Location
    condition: object | None = None
    output: object | None = None


# --------------------------------------------------------------------------- timestamps

_TIMESTAMP: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
_MAX_OFFSET_MINUTES: Final = 18 * 60  # Java's ZoneOffset range, as AWS parses offsets


def parse_timestamp(text: str) -> datetime | None:
    """Parse a timestamp as AWS accepts it, or return None.

    The RFC 3339 profile of ISO 8601: ``YYYY-MM-DDThh:mm:ss``, optional fractional seconds,
    then an uppercase ``Z`` or a numeric ``+hh:mm`` / ``-hh:mm`` offset; the ``T`` is
    uppercase.  The result is timezone-aware; fractions finer than a microsecond are
    truncated.
    """
    parsed = _parse(text)
    return None if parsed is None else parsed[0]


def _parse(text: object) -> tuple[datetime, Decimal] | None:
    """(aware datetime, exact POSIX instant in seconds) or None."""
    if not isinstance(text, str):
        return None
    m = _TIMESTAMP.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    fraction = m.group(7) or ""
    offset_minutes = 0
    if m.group(8) != "Z":
        offset_hours, offset_mins = int(m.group(10)), int(m.group(11))
        if offset_mins > 59:
            return None
        offset_minutes = offset_hours * 60 + offset_mins
        if offset_minutes > _MAX_OFFSET_MINUTES:
            return None
        if m.group(9) == "-":
            offset_minutes = -offset_minutes
    try:
        zone = timezone(timedelta(minutes=offset_minutes))
        micro = int((fraction + "000000")[:6])
        value = datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except ValueError:  # month 13, February 30, hour 24, second 60 ...
        return None
    whole = timegm((year, month, day, hour, minute, second)) - offset_minutes * 60
    instant = Decimal(whole) + (Decimal("0." + fraction) if fraction else Decimal(0))
    return value, instant


def _instant(value: JSON) -> Decimal | None:
    parsed = _parse(value)
    return None if parsed is None else parsed[1]


# --------------------------------------------------------------------------- operators


def _is_number(value: JSON) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _utf16(text: str) -> bytes:
    """Big-endian UTF-16 bytes sort exactly as Java compares strings (by code unit)."""
    return text.encode("utf-16-be", "surrogatepass")


def _string_equals(a: JSON, b: JSON) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a == b


def _string_less_than(a: JSON, b: JSON) -> bool:
    return isinstance(a, str) and isinstance(b, str) and _utf16(a) < _utf16(b)


def _string_greater_than(a: JSON, b: JSON) -> bool:
    return isinstance(a, str) and isinstance(b, str) and _utf16(a) > _utf16(b)


def _string_less_than_equals(a: JSON, b: JSON) -> bool:
    return isinstance(a, str) and isinstance(b, str) and _utf16(a) <= _utf16(b)


def _string_greater_than_equals(a: JSON, b: JSON) -> bool:
    return isinstance(a, str) and isinstance(b, str) and _utf16(a) >= _utf16(b)


def _pattern_pieces(pattern: str) -> list[str]:
    """Split a StringMatches pattern at its unescaped ``*``; unescape ``\\*`` and ``\\\\``.

    ``["a", "b"]`` means ``a*b``; a single piece means no wildcard at all.  (An open
    escape is refused when the rule is compiled; here it stands for itself.)
    """
    pieces = [""]
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n and pattern[i + 1] in "*\\":
            pieces[-1] += pattern[i + 1]
            i += 2
            continue
        if ch == "*":
            pieces.append("")
        else:
            pieces[-1] += ch
        i += 1
    return pieces


def _string_matches(a: JSON, b: JSON) -> bool:
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    pieces = _pattern_pieces(b)
    if len(pieces) == 1:
        return a == pieces[0]
    first, *middle, last = pieces
    if len(a) < len(first) + len(last) or not a.startswith(first) or not a.endswith(last):
        return False
    pos, end = len(first), len(a) - len(last)
    for piece in middle:  # leftmost matches are optimal when '*' is the only wildcard
        found = a.find(piece, pos, end)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def _numeric_equals(a: JSON, b: JSON) -> bool:
    return _is_number(a) and _is_number(b) and a == b


def _numeric_less_than(a: JSON, b: JSON) -> bool:
    return _is_number(a) and _is_number(b) and a < b


def _numeric_greater_than(a: JSON, b: JSON) -> bool:
    return _is_number(a) and _is_number(b) and a > b


def _numeric_less_than_equals(a: JSON, b: JSON) -> bool:
    return _is_number(a) and _is_number(b) and a <= b


def _numeric_greater_than_equals(a: JSON, b: JSON) -> bool:
    return _is_number(a) and _is_number(b) and a >= b


def _boolean_equals(a: JSON, b: JSON) -> bool:
    return isinstance(a, bool) and isinstance(b, bool) and a == b


def _timestamp_equals(a: JSON, b: JSON) -> bool:
    x, y = _instant(a), _instant(b)
    return x is not None and y is not None and x == y


def _timestamp_less_than(a: JSON, b: JSON) -> bool:
    x, y = _instant(a), _instant(b)
    return x is not None and y is not None and x < y


def _timestamp_greater_than(a: JSON, b: JSON) -> bool:
    x, y = _instant(a), _instant(b)
    return x is not None and y is not None and x > y


def _timestamp_less_than_equals(a: JSON, b: JSON) -> bool:
    x, y = _instant(a), _instant(b)
    return x is not None and y is not None and x <= y


def _timestamp_greater_than_equals(a: JSON, b: JSON) -> bool:
    x, y = _instant(a), _instant(b)
    return x is not None and y is not None and x >= y


def _is_null(a: JSON, expected: JSON) -> bool:
    return (a is None) is expected


def _is_present(a: JSON, expected: JSON) -> bool:
    # Called only for a value that was found; evaluate() answers for a missing one.
    return expected is True


def _is_numeric(a: JSON, expected: JSON) -> bool:
    return _is_number(a) is expected


def _is_string(a: JSON, expected: JSON) -> bool:
    return isinstance(a, str) is expected


def _is_boolean(a: JSON, expected: JSON) -> bool:
    return isinstance(a, bool) is expected


def _is_timestamp(a: JSON, expected: JSON) -> bool:
    return (_instant(a) is not None) is expected


OPERATORS: Final[Mapping[str, Operator]] = {
    "StringEquals": _string_equals,
    "StringEqualsPath": _string_equals,
    "StringLessThan": _string_less_than,
    "StringLessThanPath": _string_less_than,
    "StringGreaterThan": _string_greater_than,
    "StringGreaterThanPath": _string_greater_than,
    "StringLessThanEquals": _string_less_than_equals,
    "StringLessThanEqualsPath": _string_less_than_equals,
    "StringGreaterThanEquals": _string_greater_than_equals,
    "StringGreaterThanEqualsPath": _string_greater_than_equals,
    "StringMatches": _string_matches,
    "NumericEquals": _numeric_equals,
    "NumericEqualsPath": _numeric_equals,
    "NumericLessThan": _numeric_less_than,
    "NumericLessThanPath": _numeric_less_than,
    "NumericGreaterThan": _numeric_greater_than,
    "NumericGreaterThanPath": _numeric_greater_than,
    "NumericLessThanEquals": _numeric_less_than_equals,
    "NumericLessThanEqualsPath": _numeric_less_than_equals,
    "NumericGreaterThanEquals": _numeric_greater_than_equals,
    "NumericGreaterThanEqualsPath": _numeric_greater_than_equals,
    "BooleanEquals": _boolean_equals,
    "BooleanEqualsPath": _boolean_equals,
    "TimestampEquals": _timestamp_equals,
    "TimestampEqualsPath": _timestamp_equals,
    "TimestampLessThan": _timestamp_less_than,
    "TimestampLessThanPath": _timestamp_less_than,
    "TimestampGreaterThan": _timestamp_greater_than,
    "TimestampGreaterThanPath": _timestamp_greater_than,
    "TimestampLessThanEquals": _timestamp_less_than_equals,
    "TimestampLessThanEqualsPath": _timestamp_less_than_equals,
    "TimestampGreaterThanEquals": _timestamp_greater_than_equals,
    "TimestampGreaterThanEqualsPath": _timestamp_greater_than_equals,
    "IsNull": _is_null,
    "IsPresent": _is_present,
    "IsNumeric": _is_numeric,
    "IsString": _is_string,
    "IsBoolean": _is_boolean,
    "IsTimestamp": _is_timestamp,
}
"""Every JSONPath comparison operator: ``f(variable_value, operand) -> bool``."""


# --------------------------------------------------------------------------- evaluation


def invalid_path_detail(path: Path) -> str:
    """AWS's detail when a Choice Rule path finds nothing (before the state prefix)."""
    return (
        f"Invalid path '{path.text}': "
        "The choice state's condition path references an invalid value."
    )


def evaluate(test: Test, resolve: Callable[[Path], JSON]) -> bool:
    """Evaluate a JSONPath test node.

    ``resolve`` reads a path from the state's effective input, the context object or the
    variables, and raises PathNotFound when a definite path finds nothing.  A missing
    path raises ``StateFailure("States.Runtime", invalid_path_detail(path))``, except for
    ``IsPresent``, which is then simply false (``IsPresent: false`` true).
    """
    if isinstance(test, Comparison):
        try:
            value = resolve(test.variable)
        except PathNotFound:
            if test.operator == "IsPresent":
                return test.value is False
            raise StateFailure("States.Runtime", invalid_path_detail(test.variable)) from None
        operand = test.value
        if isinstance(operand, Path):
            try:
                operand = resolve(operand)
            except PathNotFound:
                raise StateFailure("States.Runtime", invalid_path_detail(operand)) from None
        return OPERATORS[test.operator](value, operand)
    if isinstance(test, And):
        return all(evaluate(rule, resolve) for rule in test.rules)
    if isinstance(test, Or):
        return any(evaluate(rule, resolve) for rule in test.rules)
    return not evaluate(test.rule, resolve)


def choose(
    rules: Sequence[ChoiceRule],
    resolve: Callable[[Path], JSON],
    *,
    condition: Callable[[object], bool] | None = None,
) -> ChoiceRule | None:
    """The first rule that matches, or None (the engine then takes Default or fails).

    ``condition`` evaluates a JSONata rule's compiled ``Condition``; it is needed only
    for rules without a JSONPath ``test``.
    """
    for rule in rules:
        if rule.test is not None:
            if evaluate(rule.test, resolve):
                return rule
        elif condition is None:
            raise TypeError(f"rule at {rule.where!r} has a JSONata Condition; pass condition=")
        elif condition(rule.condition):
            return rule
    return None
