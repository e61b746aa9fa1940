"""JSON helpers: the JSON type, compact dumps as AWS writes them, deep copy, sizes, limits.

Every helper here works at any nesting depth: the fast paths are the C encoder and plain
recursion, and a value too deep for Python's stack falls back to an iterative walk, so a deep
value is refused with a located message (``check_value``) and never crashes with
``RecursionError``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from json import encoder as _json_encoder
from typing import Any, NoReturn, TypeAlias, TypeVar, cast

__all__ = [
    "JSON",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_PAYLOAD_BYTES",
    "JsonTooDeep",
    "JsonValueError",
    "check_value",
    "deep_copy",
    "dumps",
    "json_type_name",
    "loads",
    "nesting_depth",
    "size_in_bytes",
    "utf8_size",
]

MAX_PAYLOAD_BYTES = 256 * 1024
"""AWS's limit for an execution's input, a state's result or output, and one variable."""

MAX_DEPTH = 256
"""aslrun's own limit on how deeply a JSON value nests (objects and arrays; a scalar is 0).

AWS documents no nesting limit; this one keeps every recursive walk (JSONPath, intrinsics,
JSONata) far from Python's recursion limit.  An execution input deeper than this is refused;
a state whose output is deeper fails with States.Runtime."""

MAX_INT_DIGITS = 4300
"""The most digits an integer may have: Python's limit for converting int to and from text."""

JSON: TypeAlias = "bool | int | float | str | list[JSON] | dict[str, JSON] | None"
"""A JSON value: dict, list, str, int, float, bool or None.

A function that only reads a value may take ``Mapping[str, JSON]`` or ``Sequence[JSON]``
(covariant: a ``dict[str, str]`` is one); one that builds or stores a value uses these."""

_J = TypeVar("_J", bound=JSON)

Location = tuple["str | int", ...]


class JsonValueError(ValueError):
    """A value JSON cannot hold (NaN, a huge integer, a cycle, too deep, not a JSON type).

    ``path`` locates the offending part inside the value (empty for the value itself).
    """

    def __init__(self, message: str, path: Location = ()) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{_where(path)}{message}")


class JsonTooDeep(JsonValueError):
    """A value nested deeper than aslrun follows (``MAX_DEPTH``)."""


def _where(path: Location) -> str:
    if not path:
        return ""
    from aslrun.errors import format_location  # noqa: PLC0415 - aslrun.errors imports this module

    return f"at {format_location(path)}: "


# ----------------------------------------------------------------------------------------------
# Encoding


def _not_serializable(o: object) -> NoReturn:
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_encode_str: Callable[[str], str] = _json_encoder.encode_basestring
_make_c_encoder: Any = getattr(_json_encoder, "c_make_encoder", None)  # CPython's C encoder
_C_ENCODE: Callable[[Any, int], list[str]] | None = (
    _make_c_encoder(  # no cycle markers: a cycle ends in the iterative walk
        None, _not_serializable, _encode_str, None, ":", ",", False, False, False
    )
    if _make_c_encoder is not None
    else None
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(value: JSON) -> str:
    """Compact JSON as AWS writes it: no spaces, key order kept, numbers as they are.

    Raises ``TypeError`` for a value of no JSON type, ``ValueError`` for NaN, Infinity, an
    integer over ``MAX_INT_DIGITS`` digits or a cycle.  A lone surrogate is written as its
    ``\\uXXXX`` escape, so the text always encodes to UTF-8.
    """
    text = _encode(value)
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def _encode(value: JSON) -> str:
    """The compact JSON text, lone surrogates left as they are."""
    try:
        return "".join(_C_ENCODE(value, 0)) if _C_ENCODE is not None else _ENCODER.encode(value)
    except RecursionError:
        return _dumps_iterative(value)


def _scalar_text(v: object) -> str:
    if isinstance(v, str):
        return _encode_str(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError("Out of range float values are not JSON compliant")
        return float.__repr__(v)
    _not_serializable(v)


def _key_text(k: object) -> str:
    if isinstance(k, str):
        return _encode_str(k)
    if k is None or isinstance(k, (bool, int, float)):
        return _encode_str(_scalar_text(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def _dumps_iterative(value: JSON) -> str:
    """``dumps`` without recursion, for values nested deeper than Python's stack allows."""
    out: list[str] = []
    stack: list[tuple[Iterator[Any], bool, int]] = []
    open_ids: set[int] = set()
    first = True

    def emit(v: object) -> None:
        nonlocal first
        if isinstance(v, (dict, list, tuple)):
            if id(v) in open_ids:
                raise ValueError("Circular reference detected")
            open_ids.add(id(v))
            if isinstance(v, dict):
                out.append("{")
                stack.append((iter(v.items()), True, id(v)))
            else:
                out.append("[")
                stack.append((iter(v), False, id(v)))
            first = True
        else:
            out.append(_scalar_text(v))

    emit(value)
    while stack:
        it, is_dict, ident = stack[-1]
        item: Any = next(it, _END)
        if item is _END:
            stack.pop()
            open_ids.discard(ident)
            out.append("}" if is_dict else "]")
            first = False
            continue
        if not first:
            out.append(",")
        first = False
        if is_dict:
            out.append(_key_text(item[0]) + ":")
            emit(item[1])
        else:
            emit(item)
    return "".join(out)


_END = object()


def size_in_bytes(value: JSON) -> int:
    """The UTF-8 size of a value's compact JSON text (the unit of AWS's payload limits)."""
    return utf8_size(_encode(value))


def utf8_size(text: str) -> int:
    """The UTF-8 size of JSON text.  A lone surrogate (JSON text may escape one: "\\ud800")
    counts as Java's encoder writes it, one replacement byte, instead of failing."""
    return len(text) if text.isascii() else len(text.encode("utf-8", errors="replace"))


def loads(text: str | bytes) -> JSON:
    """Parse JSON text strictly; numbers keep their form (``1.0`` stays a float).

    Raises ``JsonValueError`` (a ValueError) for what JSON or aslrun cannot hold: ``NaN`` and
    ``Infinity`` (not JSON), an integer over ``MAX_INT_DIGITS`` digits, nesting past what
    the parser can follow; ``json.JSONDecodeError`` for a syntax error.
    """
    try:
        value: JSON = json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int)
    except RecursionError:
        raise JsonTooDeep(
            f"the JSON text nests too deeply (aslrun accepts at most {MAX_DEPTH} levels)"
        ) from None
    return value


def _reject_constant(name: str) -> NoReturn:
    raise JsonValueError(f"{name} is not a JSON number")


def _parse_int(digits: str) -> int:
    count = len(digits) - digits.startswith("-")
    if count > MAX_INT_DIGITS:
        raise JsonValueError(f"an integer of {count} digits (aslrun allows {MAX_INT_DIGITS})")
    return int(digits)


# ----------------------------------------------------------------------------------------------
# Walking values


def deep_copy(value: _J) -> _J:
    """Copy a JSON value (faster than copy.deepcopy for plain JSON), at any depth: the copy
    has the type of the original (a dict's copy is a dict)."""
    try:
        return cast("_J", _copy(value))
    except RecursionError:
        return cast("_J", _copy_iterative(value))


def _copy(value: JSON) -> JSON:
    node: Any = value  # dispatched on type(node): plain types by identity, a handler's input
    kind = type(node)  # is copied on every call
    if kind is dict:
        return {k: _copy(v) for k, v in node.items()}
    if kind is list:
        return [_copy(v) for v in node]
    if kind is str or kind is int or kind is bool or kind is float or node is None:
        return value
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return value


def _copy_iterative(value: JSON) -> JSON:
    if not isinstance(value, (dict, list)):
        return value
    root: dict[str, JSON] | list[JSON] = {} if isinstance(value, dict) else []
    pending: list[tuple[Any, Any]] = [(value, root)]
    open_ids: set[int] = {id(value)}  # a cycle would make the copy infinite
    while pending:
        source, target = pending.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for k, v in items:
            if isinstance(v, (dict, list)):
                if id(v) in open_ids:
                    raise ValueError("Circular reference detected")
                open_ids.add(id(v))
                child: Any = {} if isinstance(v, dict) else []
                pending.append((v, child))
            else:
                child = v
            if isinstance(target, dict):
                target[k] = child
            else:
                target.append(child)
    return root


def nesting_depth(value: JSON, limit: int = MAX_DEPTH) -> int:
    """How deeply ``value`` nests (a scalar is 0, ``[]`` is 1), at most ``limit + 1``: the
    walk stops as soon as it is past ``limit`` (so a cycle ends it too).

    Level by level, without bookkeeping per node (values are trees in practice, and this runs
    on state outputs); a value that shares containers so much that a level grows past
    ``_LEVEL_BUDGET`` nodes is walked again with one visit per container and depth."""
    if not isinstance(value, (dict, list, tuple)):
        return 0
    level: list[Any] = [value]
    depth = 0
    visited = 0
    while level:
        depth += 1
        if depth > limit:
            return depth
        visited += len(level)
        if visited > _LEVEL_BUDGET:
            return _shared_nesting_depth(value, limit)
        below: list[Any] = []
        for node in level:
            for child in node.values() if isinstance(node, dict) else node:
                kind = type(child)  # plain types by identity: this runs on big outputs
                if kind is dict or kind is list:
                    below.append(child)
                elif kind is str or kind is int or kind is bool or kind is float or child is None:
                    continue
                elif isinstance(child, (dict, list, tuple)):
                    below.append(child)
        level = below
    return depth


_LEVEL_BUDGET = 1_000_000
"""Nodes the level walk visits before it falls back to the walk that visits shared
containers once (a 256 KiB payload has far fewer)."""


def _shared_nesting_depth(value: JSON, limit: int) -> int:
    deepest = 0
    reached: dict[int, int] = {}  # a container shared by several parents is walked once per depth
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if reached.get(id(node), 0) >= depth:
            continue
        reached[id(node)] = depth
        if depth > deepest:
            deepest = depth
            if depth > limit:
                break
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list, tuple)):
                stack.append((child, depth + 1))
    return deepest


def check_value(value: JSON, *, max_depth: int = MAX_DEPTH) -> int:
    """Check that ``value`` is JSON aslrun can hold; return its size in bytes.

    Raises ``JsonValueError`` with the location of the first problem: a type JSON does not
    have, NaN or Infinity, an integer over ``MAX_INT_DIGITS`` digits, a cycle, or nesting
    deeper than ``max_depth``.
    """
    depth = nesting_depth(value, max_depth)
    if depth > max_depth:
        raise JsonTooDeep(f"it nests more than {max_depth} levels deep (aslrun's limit)")
    try:
        return size_in_bytes(value)
    except (TypeError, ValueError):
        pass
    path, problem = _first_problem(value)
    raise JsonValueError(problem, path)


def _first_problem(value: JSON) -> tuple[Location, str]:
    """Where and what the first part JSON cannot hold is (a cycle if nothing else)."""
    stack: list[tuple[Location, Any]] = [((), value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, dict):
            for k, child in reversed(list(v.items())):
                if not isinstance(k, str):
                    return path, f"an object key of type {type(k).__name__} (keys are strings)"
                stack.append(((*path, k), child))
        elif isinstance(v, (list, tuple)):
            stack.extend(((*path, i), child) for i, child in reversed(list(enumerate(v))))
        elif isinstance(v, float) and not math.isfinite(v):
            return path, f"{v!r} is not a JSON number (JSON has no NaN or Infinity)"
        elif isinstance(v, int) and not isinstance(v, bool) and _too_many_digits(v):
            return path, f"an integer of more than {MAX_INT_DIGITS} digits (aslrun's limit)"
        elif not isinstance(v, (str, int, float, type(None))):
            return path, f"a value of type {type(v).__name__}, which JSON does not have"
    return (), "the value refers to itself (a cycle)"


def _too_many_digits(v: int) -> bool:
    # bit_length first: the exact test converts nothing to text but is costly on big numbers
    return v.bit_length() >= 14_000 and abs(v) >= 10**MAX_INT_DIGITS


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
