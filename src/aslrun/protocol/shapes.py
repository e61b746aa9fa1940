"""Requests checked against an operation's input shape; responses written by its output shape.

Checks follow AWS's JSON services: a value of the wrong JSON type is a
``SerializationException`` (the request could not be read), a value of the right type that
breaks a constraint of the model (a missing required member, a length or value bound, an enum)
is one line of a ``ValidationException``::

    2 validation errors detected: Value null at 'stateMachineArn' failed to satisfy constraint:
    Member must not be null; Value '1001' at 'maxResults' failed to satisfy constraint: Member
    must have value less than or equal to 1000

Members are located as AWS locates them: ``loggingConfiguration.level``, list items from 1
(``tags.1.member.key``).  Sensitive members (inputs, outputs, definitions, error texts) are not
echoed.  Members the model does not know are ignored, as AWS ignores them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from aslrun.service.errors import StepFunctionsError, ValidationException

__all__ = ["SerializationException", "check_input", "encode_output"]

# Enum sets whose order in AWS's message was recorded (it is not the model's order).
_RECORDED_ENUM_ORDER: Final[Mapping[str, tuple[str, ...]]] = {
    # test_sfn_api.snapshot.json, test_state_machine_status_filter (ListExecutions)
    "ExecutionStatus": (
        "SUCCEEDED",
        "TIMED_OUT",
        "PENDING_REDRIVE",
        "ABORTED",
        "FAILED",
        "RUNNING",
    ),
}

# Patterns of the model in Java syntax, as Python patterns.
_PATTERNS: Final[Mapping[str, str]] = {
    r"\p{ASCII}*": r"[\x00-\x7f]*",
}

_TOKEN_NAMES: Final[Mapping[type, str]] = {
    str: "STRING_VALUE",
    int: "NUMBER_VALUE",
    float: "NUMBER_VALUE",
}

_TARGET_NAMES: Final[Mapping[str, str]] = {
    "string": "String",
    "integer": "Integer",
    "long": "Long",
    "float": "Float",
    "double": "Double",
    "boolean": "Boolean",
    "timestamp": "Date",
    "structure": "Structure",
    "list": "List",
    "map": "Map",
    "blob": "ByteBuffer",
}


class SerializationException(StepFunctionsError):
    """The request body is not JSON, or a member has the wrong JSON type."""


def check_input(shape: Any, body: object) -> dict[str, Any]:
    """The request's members the model knows, once they satisfy the input ``shape``;
    raises ``SerializationException`` or a ``ValidationException`` as AWS would."""
    if not isinstance(body, dict):
        raise SerializationException(_token_message(body, "Structure"))
    if shape is None:
        return {}
    problems: list[str] = []
    known = _check_structure(shape, body, "", problems)
    if problems:
        count = len(problems)
        noun = "validation error" if count == 1 else "validation errors"
        raise ValidationException(f"{count} {noun} detected: {'; '.join(problems)}")
    return known


def _check_structure(
    shape: Any, value: dict[str, Any], path: str, problems: list[str]
) -> dict[str, Any]:
    known: dict[str, Any] = {}
    required = set(shape.required_members)
    for name, member in shape.members.items():
        where = f"{path}.{name}" if path else name
        item = value.get(name)
        if item is None:
            if name in required:
                problems.append(_problem(None, where, "Member must not be null", False))
            continue
        known[name] = _check_value(member, item, where, problems)
    return known


def _check_value(shape: Any, value: object, where: str, problems: list[str]) -> Any:
    kind = shape.type_name
    _check_type(kind, value)
    sensitive = bool(shape.metadata.get("sensitive"))
    if kind == "structure":
        assert isinstance(value, dict)
        return _check_structure(shape, value, where, problems)
    if kind == "list":
        assert isinstance(value, list)
        _check_length(shape, value, len(value), where, problems, sensitive)
        return [
            _check_value(shape.member, item, f"{where}.{i}.member", problems)
            for i, item in enumerate(value, 1)
            if item is not None
        ]
    if kind == "map":
        assert isinstance(value, dict)
        _check_length(shape, value, len(value), where, problems, sensitive)
        return {
            k: _check_value(shape.value, v, f"{where}.{k}", problems)
            for k, v in value.items()
            if v is not None
        }
    if kind == "string":
        assert isinstance(value, str)
        _check_string(shape, value, where, problems, sensitive)
    elif kind in ("integer", "long", "float", "double"):
        _check_number(shape, value, where, problems, sensitive)
        if kind in ("integer", "long"):
            return int(value)  # type: ignore[call-overload]  # checked: an integral number
    return value


def _check_type(kind: str, value: object) -> None:
    ok = {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "integer": _is_integer(value),
        "long": _is_integer(value),
        "float": _is_number(value),
        "double": _is_number(value),
        "timestamp": _is_number(value) or isinstance(value, str),
        "structure": isinstance(value, dict),
        "map": isinstance(value, dict),
        "list": isinstance(value, list),
    }.get(kind, True)
    if not ok:
        raise SerializationException(_token_message(value, _TARGET_NAMES.get(kind, kind)))


def _is_integer(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _token_message(value: object, target: str) -> str:
    """Coral's wording for a JSON token it cannot read as the member's type (recorded for
    DynamoDB: ``NUMBER_VALUE cannot be converted to String``)."""
    if isinstance(value, dict):
        return "Start of structure or map found where not expected."
    if isinstance(value, list):
        return "Start of list found where not expected."
    if isinstance(value, bool):
        token = "TRUE_VALUE" if value else "FALSE_VALUE"
    else:
        token = _TOKEN_NAMES.get(type(value), "VALUE")
    return f"{token} cannot be converted to {target}"


def _check_string(shape: Any, value: str, where: str, problems: list[str], sensitive: bool) -> None:
    _check_length(shape, value, len(value), where, problems, sensitive)
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        allowed = _RECORDED_ENUM_ORDER.get(shape.name, tuple(enum))
        problems.append(
            _problem(
                value,
                where,
                f"Member must satisfy enum value set: [{', '.join(allowed)}]",
                sensitive,
            )
        )
    pattern = shape.metadata.get("pattern")
    if pattern is not None and not _matches(pattern, value):
        problems.append(
            _problem(
                value,
                where,
                f"Member must satisfy regular expression pattern: {pattern}",
                sensitive,
            )
        )


def _matches(pattern: str, value: str) -> bool:
    python = _PATTERNS.get(pattern, pattern)
    try:
        return re.fullmatch(python, value) is not None
    except re.error:  # a Java-only construct: the service itself decides
        return True


def _check_length(
    shape: Any, value: object, length: int, where: str, problems: list[str], sensitive: bool
) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if high is not None and length > high:
        problems.append(
            _problem(
                value, where, f"Member must have length less than or equal to {high}", sensitive
            )
        )
    if low is not None and length < low:
        problems.append(
            _problem(
                value, where, f"Member must have length greater than or equal to {low}", sensitive
            )
        )


def _check_number(
    shape: Any, value: object, where: str, problems: list[str], sensitive: bool
) -> None:
    assert isinstance(value, (int, float))
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if high is not None and value > high:
        problems.append(
            _problem(
                value, where, f"Member must have value less than or equal to {high}", sensitive
            )
        )
    if low is not None and value < low:
        problems.append(
            _problem(
                value, where, f"Member must have value greater than or equal to {low}", sensitive
            )
        )


def _problem(value: object, where: str, constraint: str, sensitive: bool) -> str:
    if value is None:
        shown = " null"
    elif sensitive:
        shown = ""
    else:
        shown = f" '{_java_text(value)}'"
    return f"Value{shown} at '{where}' failed to satisfy constraint: {constraint}"


def _java_text(value: object) -> str:
    """A value as Java's ``toString`` writes it in AWS's messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(_java_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java_text(v)}" for k, v in value.items()) + "}"
    return str(value)


# -- responses ----------------------------------------------------------------------------------


def encode_output(shape: Any, value: Mapping[str, Any]) -> dict[str, Any]:
    """A service result as the JSON protocol writes it: members of the output shape only,
    timestamps as epoch seconds (a JSON number, milliseconds as its fraction)."""
    if shape is None:
        return {}
    out = _encode(shape, value)
    assert isinstance(out, dict)
    return out


def _encode(shape: Any, value: object) -> object:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {
            k: _encode(members[k], v) for k, v in value.items() if k in members and v is not None
        }
    if kind == "list" and isinstance(value, (list, tuple)):
        return [_encode(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, Mapping):
        return {k: _encode(shape.value, v) for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, datetime):
        return round(value.timestamp(), 3)
    return value
