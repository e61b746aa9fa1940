"""The States.* intrinsic functions: one plain function each, in the literal ``FUNCTIONS`` table.

Every function takes its evaluated arguments and the execution's random source (only
States.MathRandom and States.UUID use it) and returns a JSON value.  Invalid arguments raise
``StateFailure("States.IntrinsicFailure", detail)``.

AWS runs these on the JVM, and some results show it:

* States.Format renders non-string arguments the way Java's ``toString`` does: objects as
  ``{a=1, b=[x, y]}``, arrays as ``[1, 2]``, strings inside them unquoted, doubles as ``1.0E20``
  outside ``[1e-3, 1e7)`` (recorded: ``{"Arg1": 1, "Arg2": []}`` formats as ``{Arg1=1, Arg2=[]}``);
* States.MathAdd and States.MathRandom round number arguments with ``Math.round`` (half up:
  ``-0.5`` -> ``0``, ``-1.5`` -> ``-1``, ``2.5`` -> ``3``) and need 32-bit integers;
* States.StringSplit splits like ``java.util.StringTokenizer``: every character of the second
  argument is a delimiter and empty pieces are dropped;
* equality in States.ArrayContains and States.ArrayUnique is Jackson's ``JsonNode.equals``:
  deep, key order ignored, and ``1``, ``1.0`` and ``true`` are three different values.

Those Java behaviours live in :mod:`aslrun.lang.java_compat`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Final, TypeAlias, TypeGuard

from aslrun._json import JSON, MAX_DEPTH, dumps, json_type_name
from aslrun.errors import StateFailure
from aslrun.lang.java_compat import JavaRandom, java_double, java_round, java_string, json_key

__all__ = [
    "ARITY",
    "FUNCTIONS",
    "MAX_JSON_DEPTH",
    "STRING_RESULT_FUNCTIONS",
    "USES_RANDOM",
    "FormatTemplate",
    "IntrinsicFunction",
    "JavaRandom",
    "java_double",
    "java_round",
    "java_string",
    "nesting_depth",
]

IntrinsicFunction: TypeAlias = Callable[[Sequence[JSON], "random.Random | None"], JSON]
"""``fn(args, rng) -> result``; ``rng`` is only guaranteed for the functions in USES_RANDOM."""

INTRINSIC_FAILURE: Final = "States.IntrinsicFailure"
_MAX_TEXT: Final = 10_000  # Base64Encode/Base64Decode/Hash input limit, in characters
_MAX_RANGE: Final = 1_000  # States.ArrayRange result limit, in items
_INT_MIN: Final = -(2**31)
_INT_MAX: Final = 2**31 - 1
MAX_JSON_DEPTH: Final = MAX_DEPTH  # 256: aslrun's one bound on JSON nesting (_json)
"""States.StringToJson refuses JSON text nested deeper than this (arrays and objects).

AWS's JSON parser (Jackson) has a nesting limit of its own (1,000 by default since 2.15);
500 keeps every later step (copies, encoding, history) well inside Python's stack."""


class FormatTemplate(tuple[str, ...]):
    """A literal States.Format template split at its placeholders: ``'a{}b'`` -> ``('a', 'b')``.

    Escapes (``\\{``) are already decoded, so escaped braces are never placeholders.
    """

    __slots__ = ()


def _fail(name: str, problem: str) -> StateFailure:
    return StateFailure(INTRINSIC_FAILURE, f"Invalid arguments in {name}: {problem}")


def _show(value: JSON) -> str:
    try:
        text = dumps(value)
    except ValueError:  # an integer past 4,300 digits: shown as Java prints it
        text = java_string(value)
    return f"{json_type_name(value)} {text}"


def _is_int(value: JSON) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: JSON) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _want_array(name: str, value: JSON, what: str = "the first argument") -> list[JSON]:
    if not isinstance(value, list):
        raise _fail(name, f"{what} must be an array, but was {_show(value)}")
    return value


def _want_object(name: str, value: JSON, what: str) -> dict[str, JSON]:
    if not isinstance(value, dict):
        raise _fail(name, f"{what} must be a JSON object, but was {_show(value)}")
    return value


def _want_string(name: str, value: JSON, what: str = "the argument") -> str:
    if not isinstance(value, str):
        raise _fail(name, f"{what} must be a string, but was {_show(value)}")
    return value


def _want_int(name: str, value: JSON, what: str) -> int:
    if not _is_int(value):
        raise _fail(name, f"{what} must be an integer, but was {_show(value)}")
    return value


def _want_text(name: str, value: JSON, what: str = "the input string") -> str:
    text = _want_string(name, value, what)
    if len(text) > _MAX_TEXT:
        raise _fail(name, f"{what} must not exceed {_MAX_TEXT} characters, but has {len(text)}")
    return text


def _utf8(text: str) -> bytes:
    """UTF-8 bytes as Java's ``getBytes(UTF_8)`` makes them (a lone surrogate becomes ``?``)."""
    return text.encode("utf-8", errors="replace")


def _int32_arg(name: str, value: JSON, what: str) -> int:
    if not _is_number(value):
        raise _fail(name, f"{what} must be a number, but was {_show(value)}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(name, f"{what} must be a finite number")
        value = java_round(value)
    if not _INT_MIN <= value <= _INT_MAX:
        raise _fail(name, f"{what} must be between {_INT_MIN} and {_INT_MAX}, but was {value}")
    return int(value)


# --------------------------------------------------------------------------- the functions


def states_format(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.Format"
    template, values = args[0], args[1:]
    if isinstance(template, FormatTemplate):
        parts: Sequence[str] = template
    elif isinstance(template, str):
        parts = template.split("{}")
    else:
        raise _fail(name, f"the template must be a string, but was {_show(template)}")
    if len(parts) - 1 != len(values):
        raise _fail(
            name,
            f"the template has {len(parts) - 1} placeholder(s) '{{}}' "
            f"but {len(values)} value(s) were given",
        )
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out.append(java_string(value))
        out.append(part)
    return "".join(out)


def states_string_to_json(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    """Parse JSON text. Empty or blank text is ``null`` (recorded on AWS:
    ``States.StringToJson('')`` and ``(' ')`` give ``null``)."""
    name = "States.StringToJson"
    text = _want_string(name, args[0])
    if not text.strip():
        return None
    depth = nesting_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise _fail(
            name, f"the JSON text is nested {depth} levels deep, more than {MAX_JSON_DEPTH}"
        )
    try:
        parsed: JSON = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):  # RecursionError: a nesting limit below ours
        raise _fail(name, f"the string is not valid JSON: {text}") from None
    return parsed


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting of JSON text (outside strings), found without
    recursion so that no text can exhaust the stack before it is refused."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _reject_constant(token: str) -> JSON:
    raise ValueError(token)


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):  # 1e999: no JSON value holds it
        raise ValueError(token)
    return value


def states_json_to_string(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    try:
        return dumps(args[0])
    except ValueError as exc:  # an integer past 4,300 digits, a non-finite number
        raise _fail("States.JsonToString", f"the value cannot be written as JSON: {exc}") from None


def states_array(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    return list(args)


def states_array_partition(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.ArrayPartition"
    array = _want_array(name, args[0])
    size = args[1]
    if not _is_int(size) or size <= 0:
        raise _fail(name, f"the chunk size must be a positive integer, but was {_show(size)}")
    return [array[i : i + size] for i in range(0, len(array), size)]


def states_array_contains(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    array = _want_array("States.ArrayContains", args[0])
    wanted = json_key(args[1])
    return any(json_key(item) == wanted for item in array)


def states_array_range(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.ArrayRange"
    start = _want_int(name, args[0], "the start")
    end = _want_int(name, args[1], "the end")
    step = _want_int(name, args[2], "the step")
    if step == 0:
        raise _fail(name, "the step must not be 0")
    count = max(0, (end - start) // step + 1)
    if count > _MAX_RANGE:
        raise _fail(name, f"the range has {count} items, more than the maximum of {_MAX_RANGE}")
    return [start + i * step for i in range(count)]


def states_array_get_item(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.ArrayGetItem"
    array = _want_array(name, args[0])
    index = args[1]
    if not _is_int(index) or index < 0:
        raise _fail(name, f"the index must be a non-negative integer, but was {_show(index)}")
    if index >= len(array):
        raise _fail(name, f"the index {index} is out of bounds for an array of length {len(array)}")
    return array[index]


def states_array_length(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    return len(_want_array("States.ArrayLength", args[0], "the argument"))


def states_array_unique(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    array = _want_array("States.ArrayUnique", args[0], "the argument")
    seen: set[object] = set()
    out: list[JSON] = []
    for item in array:
        key = json_key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def states_base64_encode(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    text = _want_text("States.Base64Encode", args[0])
    return base64.b64encode(_utf8(text)).decode("ascii")


def states_base64_decode(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.Base64Decode"
    text = _want_text(name, args[0])
    padded = text + "=" * (-len(text) % 4) if "=" not in text else text
    try:
        data = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise _fail(name, f"the string is not valid Base64: {text}") from None
    return data.decode("utf-8", errors="replace")


_HASHES: Final[Mapping[str, str]] = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def states_hash(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.Hash"
    text = _want_text(name, args[0], "the data")
    algorithm = args[1]
    if not isinstance(algorithm, str) or algorithm not in _HASHES:
        known = ", ".join(_HASHES)
        raise _fail(name, f"the algorithm must be one of {known}, but was {_show(algorithm)}")
    return hashlib.new(_HASHES[algorithm], _utf8(text)).hexdigest()


def states_json_merge(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.JsonMerge"
    first = _want_object(name, args[0], "the first argument")
    second = _want_object(name, args[1], "the second argument")
    deep = args[2]
    if not isinstance(deep, bool):
        raise _fail(name, f"the deep-merge flag must be a boolean, but was {_show(deep)}")
    if deep:
        raise _fail(name, "deep merging is not supported; the third argument must be false")
    return {**first, **second}


def states_math_random(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.MathRandom"
    start = _int32_arg(name, args[0], "the start")
    end = _int32_arg(name, args[1], "the end")
    if start >= end:
        raise _fail(name, f"the start ({start}) must be less than the end ({end})")
    if len(args) > 2:
        seed = _want_int(name, args[2], "the seed")
        return start + JavaRandom(seed).next_int(end - start)
    return (rng or random.Random()).randrange(start, end)


def states_math_add(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.MathAdd"
    return _int32_arg(name, args[0], "the first argument") + _int32_arg(
        name, args[1], "the second argument"
    )


def states_string_split(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    name = "States.StringSplit"
    text = _want_string(name, args[0], "the string to split")
    delimiters = _want_string(name, args[1], "the delimiter")
    if not delimiters:
        return [text] if text else []
    pieces: list[JSON] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in delimiters:
            if i > start:
                pieces.append(text[start:i])
            start = i + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def states_uuid(args: Sequence[JSON], rng: random.Random | None) -> JSON:
    return str(uuid.UUID(int=(rng or random.Random()).getrandbits(128), version=4))


FUNCTIONS: Final[Mapping[str, IntrinsicFunction]] = {
    "States.Format": states_format,
    "States.StringToJson": states_string_to_json,
    "States.JsonToString": states_json_to_string,
    "States.Array": states_array,
    "States.ArrayPartition": states_array_partition,
    "States.ArrayContains": states_array_contains,
    "States.ArrayRange": states_array_range,
    "States.ArrayGetItem": states_array_get_item,
    "States.ArrayLength": states_array_length,
    "States.ArrayUnique": states_array_unique,
    "States.Base64Encode": states_base64_encode,
    "States.Base64Decode": states_base64_decode,
    "States.Hash": states_hash,
    "States.JsonMerge": states_json_merge,
    "States.MathRandom": states_math_random,
    "States.MathAdd": states_math_add,
    "States.StringSplit": states_string_split,
    "States.UUID": states_uuid,
}

ARITY: Final[Mapping[str, tuple[int, int | None]]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}
"""(minimum, maximum or None) argument counts, checked when an intrinsic is compiled."""

USES_RANDOM: Final = frozenset({"States.MathRandom", "States.UUID"})

STRING_RESULT_FUNCTIONS: Final = frozenset(
    {
        "States.Format",
        "States.JsonToString",
        "States.ArrayGetItem",
        "States.Base64Encode",
        "States.Base64Decode",
        "States.Hash",
        "States.UUID",
    }
)
"""Functions AWS allows in a Fail state's ErrorPath/CausePath (they can return a string)."""
