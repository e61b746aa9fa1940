"""Reading a ``definition=`` argument: JSON text as AWS takes it, a dict, or a path.

Only a ``pathlib.Path`` (any ``os.PathLike``) is read as a file, so only a file may use the
loader's ``${...}`` sources; a ``str`` is always definition text and a dict a parsed one, both
taken literally, as AWS takes them (a server passing client text through can never be made
to read a file).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aslrun._json import dumps
from aslrun.api import StateMachine, load
from aslrun.definition.build import parse_machine
from aslrun.errors import DefinitionError, Diagnostic, LoadError
from aslrun.service.errors import InvalidDefinition, validation_error

__all__ = ["MAX_DEFINITION", "aws_location", "compile_definition", "read_definition"]

MAX_DEFINITION = 1048576


def aws_location(diagnostic: Diagnostic) -> str:
    """A diagnostic's location as AWS writes it: ``/States/Fetch/Retry/0``."""
    return "/" + "/".join(str(p) for p in diagnostic.path)


def _message(problems: list[Diagnostic]) -> str:
    text = ", ".join(f"{p.code}: {p.message} at {aws_location(p)}" for p in problems)
    return f"Invalid State Machine Definition: '{text}'"


def read_definition(definition: object) -> tuple[str, dict[str, Any]]:
    """The definition's text (as it will be described) and its parsed value."""
    if isinstance(definition, Mapping):
        value = dict(definition)
        return dumps(value), value
    if isinstance(definition, os.PathLike):
        return _read_path(Path(definition))
    if not isinstance(definition, str):
        raise validation_error("definition", None, "Member must be a string")
    if not definition:
        raise validation_error(
            "definition", None, "Member must have length greater than or equal to 1"
        )
    if len(definition) > MAX_DEFINITION:
        raise validation_error(
            "definition", None, f"Member must have length less than or equal to {MAX_DEFINITION}"
        )
    try:
        value = json.loads(definition)
    except ValueError as e:
        hint = ""
        if _looks_like_path(definition):  # text is never read as a file: say how to
            hint = " (a str is definition text; pass pathlib.Path(...) to read a file)"
        raise InvalidDefinition(
            f"Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {e}'{hint}"
        ) from None
    if not isinstance(value, dict):
        raise InvalidDefinition(
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: "
            "A state machine definition must be a JSON object at /'"
        )
    return definition, value


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and len(text) < 4096 and text.endswith((".json", ".yaml", ".yml"))


def _read_path(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        sm = load(path)
    except DefinitionError as e:
        raise InvalidDefinition(_message(e.problems)) from None
    except LoadError as e:
        raise InvalidDefinition(
            f"Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {e}'"
        ) from None
    value = dict(sm.definition)
    return dumps(value), value


def compile_definition(
    value: Mapping[str, Any], *, name: str, region: str, account: str, type: str
) -> StateMachine:
    """Validate and compile; ``InvalidDefinition`` with every error, as AWS lists them."""
    try:  # one pass: checked and built
        machine = parse_machine(value)
    except DefinitionError as e:
        raise InvalidDefinition(_message(e.problems)) from None
    return StateMachine(value, machine, name=name, region=region, account=account, type=type)
