"""The Choice comparison operators: one table of name, test function and operand kind.

:data:`SPECS` is the grammar of a JSONPath Choice Rule's comparison: every operator AWS
accepts, the function that evaluates it and the kind of operand it takes.  Validation
(:mod:`aslrun.definition.validate.choice`), compilation (:mod:`aslrun.lang.choice_compile`)
and evaluation (:mod:`aslrun.lang.choice`) all read it; nothing else spells the grammar.

A ``*Path`` operator is its base operator's function with a ``path`` operand (read from the
data, not written in the definition).  ``StringMatches`` and the ``Is*`` type tests have no
``*Path`` form.  Timestamps follow the RFC 3339 profile AWS parses (see :func:`parse_timestamp`),
both for a written operand and for the value compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Final, Literal, TypeAlias, TypeGuard

from aslrun._json import JSON

__all__ = [
    "OPERATORS",
    "SPECS",
    "Operand",
    "Operator",
    "OperatorSpec",
    "epoch_seconds",
    "instant",
    "is_number",
    "operand_ok",
    "parse_timestamp",
]

Operator: TypeAlias = Callable[[JSON, JSON], bool]
Operand: TypeAlias = Literal["string", "number", "boolean", "timestamp", "path"]


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


def _fields(text: object) -> tuple[datetime, str, int] | None:
    """(the naive date and time, fraction digits, offset minutes) of a valid timestamp, or
    None."""
    if type(text) is not str:
        return None if not isinstance(text, str) else _fields(str(text))
    m = _TIMESTAMP.fullmatch(text)
    if m is None:
        return None
    offset_minutes = 0
    if m[8] != "Z":
        offset_mins = int(m[11])
        if offset_mins > 59:
            return None
        offset_minutes = int(m[10]) * 60 + offset_mins
        if offset_minutes > _MAX_OFFSET_MINUTES:
            return None
        if m[9] == "-":
            offset_minutes = -offset_minutes
    try:
        naive = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))
    except ValueError:  # month 13, February 30, hour 24, second 60 ...
        return None
    return naive, m[7] or "", offset_minutes


def _whole_seconds(naive: datetime, offset_minutes: int) -> int:
    days = naive.toordinal() - _EPOCH_ORDINAL
    clock = naive.hour * 3600 + naive.minute * 60 + naive.second
    return days * 86400 + clock - offset_minutes * 60


_EPOCH_ORDINAL: Final = datetime(1970, 1, 1).toordinal()


def _parse(text: object) -> tuple[datetime, Decimal] | None:
    """(aware datetime, exact POSIX instant in seconds) or None."""
    fields = _fields(text)
    if fields is None:
        return None
    naive, fraction, offset_minutes = fields
    zone = timezone(timedelta(minutes=offset_minutes))
    micro = int((fraction + "000000")[:6])
    value = naive.replace(microsecond=micro, tzinfo=zone)
    whole = _whole_seconds(naive, offset_minutes)
    instant = Decimal(whole) + (Decimal("0." + fraction) if fraction else Decimal(0))
    return value, instant


def epoch_seconds(text: object) -> float | None:
    """Epoch seconds of a timestamp as AWS accepts it (what ``parse_timestamp(text)
    .timestamp()`` gives, to the last bit), or None.  A Wait's TimestampPath reads one per
    execution: no ``datetime`` with a zone and no ``Decimal`` are made."""
    fields = _fields(text)
    if fields is None:
        return None
    naive, fraction, offset_minutes = fields
    whole = _whole_seconds(naive, offset_minutes)
    if not fraction:
        return float(whole)
    micro = int((fraction + "000000")[:6])
    return (whole * 1_000_000 + micro) / 1_000_000  # exact division, as total_seconds()


def instant(value: JSON) -> Decimal | None:
    parsed = _parse(value)
    return None if parsed is None else parsed[1]


# --------------------------------------------------------------------------- operators


def is_number(value: JSON) -> TypeGuard[int | float]:
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
    return is_number(a) and is_number(b) and a == b


def _numeric_less_than(a: JSON, b: JSON) -> bool:
    return is_number(a) and is_number(b) and a < b


def _numeric_greater_than(a: JSON, b: JSON) -> bool:
    return is_number(a) and is_number(b) and a > b


def _numeric_less_than_equals(a: JSON, b: JSON) -> bool:
    return is_number(a) and is_number(b) and a <= b


def _numeric_greater_than_equals(a: JSON, b: JSON) -> bool:
    return is_number(a) and is_number(b) and a >= b


def _boolean_equals(a: JSON, b: JSON) -> bool:
    return isinstance(a, bool) and isinstance(b, bool) and a == b


def _timestamp_equals(a: JSON, b: JSON) -> bool:
    x, y = instant(a), instant(b)
    return x is not None and y is not None and x == y


def _timestamp_less_than(a: JSON, b: JSON) -> bool:
    x, y = instant(a), instant(b)
    return x is not None and y is not None and x < y


def _timestamp_greater_than(a: JSON, b: JSON) -> bool:
    x, y = instant(a), instant(b)
    return x is not None and y is not None and x > y


def _timestamp_less_than_equals(a: JSON, b: JSON) -> bool:
    x, y = instant(a), instant(b)
    return x is not None and y is not None and x <= y


def _timestamp_greater_than_equals(a: JSON, b: JSON) -> bool:
    x, y = instant(a), instant(b)
    return x is not None and y is not None and x >= y


def _is_null(a: JSON, expected: JSON) -> bool:
    return (a is None) is expected


def _is_present(a: JSON, expected: JSON) -> bool:
    # Called only for a value that was found; evaluate() answers for a missing one.
    return expected is True


def _is_numeric(a: JSON, expected: JSON) -> bool:
    return is_number(a) is expected


def _is_string(a: JSON, expected: JSON) -> bool:
    return isinstance(a, str) is expected


def _is_boolean(a: JSON, expected: JSON) -> bool:
    return isinstance(a, bool) is expected


def _is_timestamp(a: JSON, expected: JSON) -> bool:
    return (instant(a) is not None) is expected


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """One comparison operator: its test ``f(variable_value, operand)`` and operand kind."""

    name: str
    test: Operator
    operand: Operand


# Base operators that also have a ``*Path`` form: (name, test, kind of the written operand).
_WITH_PATH: Final[tuple[tuple[str, Operator, Operand], ...]] = (
    ("StringEquals", _string_equals, "string"),
    ("StringLessThan", _string_less_than, "string"),
    ("StringGreaterThan", _string_greater_than, "string"),
    ("StringLessThanEquals", _string_less_than_equals, "string"),
    ("StringGreaterThanEquals", _string_greater_than_equals, "string"),
    ("NumericEquals", _numeric_equals, "number"),
    ("NumericLessThan", _numeric_less_than, "number"),
    ("NumericGreaterThan", _numeric_greater_than, "number"),
    ("NumericLessThanEquals", _numeric_less_than_equals, "number"),
    ("NumericGreaterThanEquals", _numeric_greater_than_equals, "number"),
    ("BooleanEquals", _boolean_equals, "boolean"),
    ("TimestampEquals", _timestamp_equals, "timestamp"),
    ("TimestampLessThan", _timestamp_less_than, "timestamp"),
    ("TimestampGreaterThan", _timestamp_greater_than, "timestamp"),
    ("TimestampLessThanEquals", _timestamp_less_than_equals, "timestamp"),
    ("TimestampGreaterThanEquals", _timestamp_greater_than_equals, "timestamp"),
)
# Operators without a ``*Path`` form.
_WITHOUT_PATH: Final[tuple[tuple[str, Operator, Operand], ...]] = (
    ("StringMatches", _string_matches, "string"),
    ("IsNull", _is_null, "boolean"),
    ("IsPresent", _is_present, "boolean"),
    ("IsNumeric", _is_numeric, "boolean"),
    ("IsString", _is_string, "boolean"),
    ("IsBoolean", _is_boolean, "boolean"),
    ("IsTimestamp", _is_timestamp, "boolean"),
)

SPECS: Final[Mapping[str, OperatorSpec]] = {
    **{name: OperatorSpec(name, test, kind) for name, test, kind in _WITH_PATH},
    **{f"{name}Path": OperatorSpec(f"{name}Path", test, "path") for name, test, _ in _WITH_PATH},
    **{name: OperatorSpec(name, test, kind) for name, test, kind in _WITHOUT_PATH},
}
"""Every JSONPath comparison operator by name."""

OPERATORS: Final[Mapping[str, Operator]] = {name: spec.test for name, spec in SPECS.items()}
"""Every JSONPath comparison operator: ``f(variable_value, operand) -> bool``."""


def operand_ok(kind: Operand, value: JSON) -> bool:
    """Whether a written operand has the kind its operator takes (a path is any string here;
    its syntax is checked by the path compiler)."""
    if kind in ("string", "path"):
        return isinstance(value, str)
    if kind == "number":
        return is_number(value)
    if kind == "boolean":
        return isinstance(value, bool)
    return instant(value) is not None
