"""JSON helpers: the JSON type, compact dumps as AWS writes them, deep copy, sizes."""

from __future__ import annotations

import json
from typing import Any, TypeAlias

__all__ = [
    "JSON",
    "MAX_PAYLOAD_BYTES",
    "deep_copy",
    "dumps",
    "json_type_name",
    "size_in_bytes",
]

MAX_PAYLOAD_BYTES = 256 * 1024
"""AWS's limit for an execution's input, a state's result or output, and one variable."""

JSON: TypeAlias = Any
"""A JSON value: dict, list, str, int, float, bool or None."""

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dumps(value: JSON) -> str:
    """Compact JSON as AWS writes it: no spaces, key order kept, numbers as they are."""
    return _ENCODER.encode(value)


def size_in_bytes(value: JSON) -> int:
    """The UTF-8 size of a value's compact JSON text (the unit of AWS's payload limits)."""
    # A lone surrogate (JSON text may escape one: "\ud800") counts as Java's encoder writes
    # it, one replacement byte, instead of failing the encoding.
    return len(dumps(value).encode("utf-8", errors="replace"))


def deep_copy(value: JSON) -> JSON:
    """Copy a JSON value (faster than copy.deepcopy for plain JSON)."""
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value


def json_type_name(value: JSON) -> str:
    """AWS's name for a value's JSON type (used in error causes)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
