"""Execution input as StartExecution reads it: JSON text (numbers, strings and null too)."""

from __future__ import annotations

import json
import re
from typing import NoReturn

from aslrun._json import JSON, dumps
from aslrun.service.errors import InvalidExecutionInput, validation_error

__all__ = ["MAX_DATA", "check_text", "parse_input"]

MAX_DATA = 262144  # SensitiveData: input/output, in bytes of UTF-8


def check_text(field: str, value: object, limit: int) -> str | None:
    """A sensitive optional string member: None or a str within ``limit`` characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise validation_error(field, None, "Member must be a string")
    if len(value) > limit:
        raise validation_error(
            field, None, f"Member must have length less than or equal to {limit}"
        )
    return value


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"Non-standard token '{name}'")


# One decoder for every input: json.loads with an option builds a new decoder per call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def parse_input(input: JSON) -> tuple[str, JSON]:
    """The input's text (kept as given) and its value.  A non-str value is taken as the
    parsed input (a convenience boto3 does not have) and written as compact JSON."""
    if input is None:
        return "{}", {}
    if not isinstance(input, str):
        try:
            text = dumps(input)
        except (TypeError, ValueError) as e:
            raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{e}'") from None
        input = text
    assert isinstance(input, str)
    if len(input.encode("utf-8")) > MAX_DATA:
        raise validation_error(
            "input", None, f"Member must have length less than or equal to {MAX_DATA}"
        )
    if not input.strip():
        raise InvalidExecutionInput(
            "Invalid State Machine Execution Input: 'Invalid execution input.'"
        )
    try:
        if input.startswith("\ufeff"):  # json.loads's own refusal of a BOM, same text
            json.loads(input, parse_constant=_reject_constant)
        value = _DECODER.decode(input)
    except ValueError as e:
        raise InvalidExecutionInput(
            f"Invalid State Machine Execution Input: '{_jackson_message(input, e)}'"
        ) from None
    return input, value


_TOKEN = re.compile(r"[^\s\[\]{},:\"]+")


def _jackson_message(text: str, error: ValueError) -> str:
    """AWS parses with Jackson; its wording for the two commonest mistakes (recorded), Python's
    for the rest."""
    if isinstance(error, json.JSONDecodeError):
        at = error.pos
        if error.msg == "Expecting value":
            token = _TOKEN.match(text, at)
            if token is not None:
                return (
                    f"Unrecognized token '{token.group()}': was expecting (JSON String, Number, "
                    "Array, Object or token 'null', 'true' or 'false')"
                )
        if error.msg.startswith("Expecting property name") and at < len(text):
            ch = text[at]
            return (
                f"Unexpected character ('{ch}' (code {ord(ch)})): was expecting double-quote "
                "to start field name"
            )
        return f"{error.msg}: line {error.lineno} column {error.colno}"
    return str(error)
