"""AWS's payload limits and aslrun's nesting limit, applied to execution inputs and to the
values states build.

AWS refuses an execution input over 256 KiB (StartExecution: ``InvalidExecutionInput``) and
fails a state whose output (or whose input after Parameters) is over 256 KiB with
``States.DataLimitExceeded``.  aslrun adds one limit of its own: a value nested deeper than
``MAX_DEPTH`` levels is refused the same way (``InvalidExecutionInput`` for the execution
input, ``States.Runtime`` for a state's output), so that no walk over it can exhaust Python's
stack.
"""

from __future__ import annotations

from typing import Any

from aslrun._json import (
    JSON,
    MAX_DEPTH,
    MAX_PAYLOAD_BYTES,
    JsonTooDeep,
    JsonValueError,
    check_value,
    dumps,
    nesting_depth,
)
from aslrun.errors import InvalidExecutionInput, StateFailure, StatesError

__all__ = [
    "check_execution_input",
    "check_state_output",
    "data_limit_exceeded",
    "small_bound",
]


def check_execution_input(value: JSON) -> None:
    """Refuse an execution input AWS would refuse (not JSON, over 256 KiB) or that nests
    deeper than aslrun follows, with ``InvalidExecutionInput`` saying what and where."""
    bound = _flat_bound(value)
    if bound is not None and bound <= MAX_PAYLOAD_BYTES:
        return  # a small flat value of JSON scalars: nothing to refuse
    try:
        size = check_value(value)
    except JsonTooDeep as e:
        raise InvalidExecutionInput(f"the execution input is not valid: {e}") from None
    except JsonValueError as e:
        raise InvalidExecutionInput(f"the execution input is not JSON: {e}") from None
    if size > MAX_PAYLOAD_BYTES:
        raise InvalidExecutionInput(
            f"the execution input is {size} bytes; the maximum is {MAX_PAYLOAD_BYTES} bytes"
        )


def data_limit_exceeded(name: str) -> StatesError:
    """AWS's failure for a result or output over 256 KiB (``name``: the state or task)."""
    return StatesError(
        "States.DataLimitExceeded",
        f"The state/task '{name}' returned a result with a size exceeding the maximum number "
        "of bytes service limit.",
    )


def check_state_output(name: str, value: JSON, bound: int | None = None) -> None:
    """Fail the state ``name`` whose output is over 256 KiB (``States.DataLimitExceeded``,
    as AWS) or nests deeper than ``MAX_DEPTH`` (``States.Runtime``, aslrun's own limit).

    Runs on most states, so the common case (a small value) is one short walk that bounds
    the size without encoding it (``bound``: that walk's answer, when the caller took it);
    anything else is walked for depth and measured by the C encoder.
    """
    if bound is None:
        bound = small_bound(value)
    if 0 <= bound <= MAX_PAYLOAD_BYTES:
        return
    _check_built_value(name, value)


_NODE_BUDGET = 512
"""Members the short walk visits before it leaves a value to the exact check."""


def small_bound(value: JSON) -> int:
    """At most how many UTF-8 bytes ``value``'s JSON text takes, when it is small (at most
    ``_NODE_BUDGET`` members, less than ``MAX_DEPTH`` deep, JSON scalars bounded below);
    -1 otherwise.  Nested containers wait on a stack made only when there is one."""
    kind = type(value)
    if kind is not dict and kind is not list:
        bound = _scalar_bound(value)
        return -1 if bound is None else bound
    node: Any = value
    depth = 1
    total = nodes = 0
    stack: list[tuple[Any, int]] | None = None
    while True:
        nodes += len(node)
        if nodes > _NODE_BUDGET or depth >= MAX_DEPTH:
            return -1
        total += len(node) + 2
        if type(node) is dict:
            members = node.values()
            for key in node:
                if type(key) is not str:
                    return -1
                total += 6 * len(key) + 4  # "key": and a comma
        else:
            members = node
        for member in members:
            kind = type(member)
            if kind is str:
                total += 6 * len(member) + 2  # \uXXXX is the longest form of one character
            elif kind is dict or kind is list:
                if stack is None:
                    stack = []
                stack.append((member, depth + 1))
            elif kind is int:
                if not -_SMALL_INT < member < _SMALL_INT:
                    return -1
                total += 20
            elif kind is bool or member is None:
                total += 5
            elif kind is float and member - member == 0:  # NaN and Infinity are not JSON
                total += 24
            else:
                return -1
        if not stack:
            return total
        if total > MAX_PAYLOAD_BYTES:
            return -1
        node, depth = stack.pop()


def _check_built_value(name: str, value: JSON) -> None:
    bound = _flat_bound(value)
    if bound is not None and bound <= MAX_PAYLOAD_BYTES:
        return
    if nesting_depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise StateFailure(
            "States.Runtime",
            f"The state's output nests more than {MAX_DEPTH} levels deep (aslrun's limit).",
        )
    try:
        text = dumps(value)
    except (TypeError, ValueError):
        try:
            check_value(value)
        except JsonValueError as e:
            raise StateFailure("States.Runtime", f"The state's output is not JSON: {e}") from None
        raise  # check_value finds every value dumps refuses
    if _over_limit(text):
        raise data_limit_exceeded(name)


_SCALAR_BOUND = {bool: 5, type(None): 4}
"""UTF-8 bytes of a scalar's JSON text, at most (str, int and float are bounded below)."""
_SMALL_INT = 10**18


def _flat_bound(value: JSON) -> int | None:
    """At most how many bytes ``value``'s JSON text takes, if it is a scalar or an object or
    array of scalars; None when it holds containers (or numbers the bound does not cover)."""
    if isinstance(value, dict):
        total = 1
        for key, member in value.items():
            size = _scalar_bound(member)
            if size is None or type(key) is not str:
                return None
            total += 6 * len(key) + 4 + size  # "key": and a comma
        return total
    if isinstance(value, list):
        total = 1
        for member in value:
            size = _scalar_bound(member)
            if size is None:
                return None
            total += size + 1
        return total
    return _scalar_bound(value)


def _scalar_bound(value: Any) -> int | None:
    """A JSON scalar's bound (untyped: ``value`` is tested through ``kind``, which mypy does
    not follow, and a check per state stays one type() call)."""
    kind = type(value)
    if kind is str:
        return 6 * len(value) + 2  # \uXXXX is the longest form of one character
    if kind is int:
        return 20 if -_SMALL_INT < value < _SMALL_INT else None
    if kind is float:
        return 24 if value - value == 0 else None  # NaN and Infinity are not JSON
    return _SCALAR_BOUND.get(kind)


def _over_limit(text: str) -> bool:
    """Whether JSON text is over 256 KiB in UTF-8, encoding it only when it must."""
    if len(text) > MAX_PAYLOAD_BYTES:
        return True  # every character is at least one byte
    if len(text) * 4 <= MAX_PAYLOAD_BYTES or text.isascii():
        return False  # at most four bytes a character
    return len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES
