"""The functions Step Functions adds to JSONata: ``$partition``, ``$range``, ``$hash``,
``$random``, ``$uuid`` and ``$parse``.

Plain functions over plain JSON values; :mod:`aslrun.lang.jsonata` binds them for each
evaluation (the ones that need the clock or the random source) or once per compiled
expression (the pure ones). Nothing here is registered globally.

Facts used (AWS "Transforming data with JSONata in Step Functions", and AWS behaviour
measured in floci-io/floci#2662): ``$partition([1,2,3,4], 2)`` is ``[[1,2],[3,4]]``;
``$range(0, 6, 2)`` is ``[0,2,4,6]`` (the end is included when a step lands on it);
a non-integer argument is truncated toward zero (``$range(-1.7, 2, 1)`` is ``[-1,0,1,2]``,
``$partition(a, 2.9)`` chunks by 2); a one-element range is the bare number
(``$range(3, 3, 1)`` is ``3``); ``$range`` without a step or with a step against the
direction, ``$partition`` of an empty array or by 0, and ``$hash`` without an algorithm are
undefined, while ``$partition(a, -1)`` fails; ``$range`` builds at most 360,145 elements
(one more is AWS's "Expression evaluation memory limit exceeded", floci-io/floci#2676,
measured on AWS in us-east-1 with TestState);
``$hash("input", "SHA-1")`` is ``"140f86aae51ab9e1cda9b4254fe98a74eb54c1a1"`` and the
algorithm is one of MD5, SHA-1, SHA-256, SHA-384, SHA-512; ``$random(42)`` is
``java.util.Random(42).nextDouble()`` = ``0.7275636800328681``; ``$uuid()`` is a v4 UUID.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import uuid
from collections.abc import Mapping
from typing import Final, TypeGuard

from aslrun._json import JSON, json_type_name
from aslrun.lang.intrinsic_functions import MAX_JSON_DEPTH, nesting_depth

__all__ = [
    "HASH_ALGORITHMS",
    "MAX_RANGE_ELEMENTS",
    "FunctionArgumentError",
    "MemoryLimitExceeded",
    "NumberOutOfRange",
    "hash_",
    "java_random_double",
    "parse",
    "partition",
    "random_",
    "range_",
    "uuid4",
]

HASH_ALGORITHMS: Final[Mapping[str, str]] = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
"""AWS's algorithm names (exact case) -> hashlib names."""

MAX_RANGE_ELEMENTS: Final = 360_145
"""The most elements one ``$range`` call builds on AWS: ``$range(1, 360145, 1)`` succeeds and
``$range(1, 360146, 1)`` fails with the memory limit (floci-io/floci#2737, measured on AWS)."""

_JAVA_MULTIPLIER: Final = 0x5DEECE66D
_JAVA_ADDEND: Final = 0xB
_JAVA_MASK: Final = (1 << 48) - 1
_LONG_MIN: Final = -(1 << 63)
_LONG_MAX: Final = (1 << 63) - 1


class FunctionArgumentError(ValueError):
    """An extra function was called with arguments it does not accept."""


class NumberOutOfRange(Exception):
    """A JSON number past the largest double (JSONata's D1001)."""


class MemoryLimitExceeded(ValueError):
    """An extra function would build a value past AWS's evaluation memory limit."""


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _show(value: JSON) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _truncated(value: JSON, what: str) -> int:
    """A numeric argument truncated toward zero, as AWS reads a non-integer one."""
    if not _is_number(value) or not math.isfinite(value):
        raise FunctionArgumentError(f"{what} must be a number, but was: {_show(value)}")
    return int(value)


def partition(array: JSON, size: JSON) -> JSON:
    """``$partition(array, size)``: chunks of ``size`` items; the last may be shorter.
    An empty array or a size of 0 is undefined (``None``); a negative size fails."""
    if not isinstance(array, list):
        raise FunctionArgumentError(
            f"The first argument of $partition must be an array, but was: {json_type_name(array)}"
        )
    chunk = _truncated(size, "The chunk size of $partition")
    if chunk < 0:
        raise FunctionArgumentError(
            f"The chunk size of $partition must be a positive integer, but was: {chunk}"
        )
    if chunk == 0 or not array:
        return None
    return [array[i : i + chunk] for i in range(0, len(array), chunk)]


def range_(start: JSON, end: JSON, step: JSON = None) -> JSON:
    """``$range(start, end, step)``: from start towards end by step, end included if hit.
    Undefined (``None``) without a step or with a step against the direction; one element
    is the bare number, as AWS returns it."""
    first = _truncated(start, "The start of $range")
    last = _truncated(end, "The end of $range")
    if step is None:
        return None
    stride = _truncated(step, "The step of $range")
    if stride == 0:
        raise FunctionArgumentError("The step of $range must not be zero")
    if (last - first) * stride < 0:
        return None
    count = (last - first) // stride + 1
    if count > MAX_RANGE_ELEMENTS:
        raise MemoryLimitExceeded(f"$range would build {count} elements")
    if count == 1:
        return first
    return list(range(first, first + count * stride, stride))


def hash_(value: JSON, algorithm: JSON = None) -> JSON:
    """``$hash(value, algorithm)``: lowercase hex digest of the UTF-8 string; undefined
    (``None``) without an algorithm."""
    if not isinstance(value, str):
        raise FunctionArgumentError(
            f"The value to hash must be a string, but was: {json_type_name(value)}"
        )
    if algorithm is None:
        return None
    name = HASH_ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if name is None:
        allowed = ", ".join(HASH_ALGORITHMS)
        raise FunctionArgumentError(
            f"The hash algorithm must be one of {allowed}, but was: {_show(algorithm)}"
        )
    # A lone surrogate is written as Java's encoder writes it ('?'), not refused.
    return hashlib.new(name, value.encode("utf-8", errors="replace")).hexdigest()


def java_random_double(seed: int) -> float:
    """The first ``nextDouble()`` of ``new java.util.Random(seed)``, bit for bit."""
    state = (seed ^ _JAVA_MULTIPLIER) & _JAVA_MASK
    state = (state * _JAVA_MULTIPLIER + _JAVA_ADDEND) & _JAVA_MASK
    high = state >> (48 - 26)
    state = (state * _JAVA_MULTIPLIER + _JAVA_ADDEND) & _JAVA_MASK
    low = state >> (48 - 27)
    return ((high << 27) + low) * 2.0**-53


def random_(rng: random.Random, seed: JSON | None = None) -> float:
    """``$random([seed])``: unseeded draws from ``rng``; seeded is Java's ``Random(seed)``."""
    if seed is None:
        return rng.random()
    if not _is_number(seed) or not math.isfinite(seed):
        raise FunctionArgumentError(
            f"The seed of $random must be a number, but was: {json_type_name(seed)}"
        )
    # Java narrows a double seed to a long: truncation toward zero, saturating.
    return java_random_double(max(_LONG_MIN, min(_LONG_MAX, int(seed))))


def uuid4(rng: random.Random) -> str:
    """``$uuid()``: a version 4 UUID drawn from ``rng`` (reproducible with a seeded rng)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _parse_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):  # no double holds it: JSONata's "Number out of range"
        raise NumberOutOfRange(text)
    return number


def _no_constant(text: str) -> JSON:
    raise ValueError(f"{text} is not JSON")


def _parse_int(text: str) -> int | float:
    # Integers past Java's long range become doubles, as AWS's parser makes them.
    number = int(text)
    return number if _LONG_MIN <= number <= _LONG_MAX else float(text)


def parse(text: JSON) -> JSON:
    """``$parse(jsonString)``: the JSON value the string holds."""
    if not isinstance(text, str):
        raise FunctionArgumentError(
            f"The argument of $parse must be a string, but was: {json_type_name(text)}"
        )
    depth = nesting_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise FunctionArgumentError(
            f"The argument of $parse is nested {depth} levels deep, more than {MAX_JSON_DEPTH}"
        )
    try:
        parsed: JSON = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_no_constant
        )
    except ValueError as exc:
        raise FunctionArgumentError(f"The argument of $parse is not valid JSON: {exc}") from None
    return parsed
