"""Mocked results checked against the real service's response shape (botocore's models).

The modes are those of TestState's ``mock.fieldValidationMode`` (Step Functions API reference,
``MockInput``):

- ``STRICT``: "All required fields must be present, and all present fields must conform to the
  API's schema";
- ``PRESENT``: "All present fields must conform to the API's schema";
- ``NONE``: "No validation is performed".

A field the API does not have is not checked (AWS accepts ``{"random": "json"}`` as an
EventBridge PutEvents result in STRICT mode).  Field names are the service's members with the
first letter upper-cased, as Step Functions returns them (``ExecutionArn`` for
``executionArn``).  A shape is known for a request-response call of an optimized integration
(``arn:aws:states:::lambda:invoke``, ``sqs:sendMessage`` ...) and for an AWS SDK integration
(``arn:aws:states:::aws-sdk:dynamodb:getItem``); ``.sync`` and ``.waitForTaskToken`` results,
a Lambda function ARN's payload and activities have none, and are not checked.  Blobs (a
Lambda ``Payload``) and documents take any JSON value; enumerations and lengths are not checked.

botocore ships the models: it is the optional dependency ``aslrun[botocore]``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, Final

from aslrun.definition.model import Machine, MapState, ParallelState, TaskState
from aslrun.errors import Diagnostic
from aslrun.handlers.registry import MissingDependencyError, ResourceInfo
from aslrun.toolkit.mockconfig import MockConfig, MockReturn, MockTestCase

__all__ = ["EXTRA", "MODES", "check_returns", "check_value", "operation_for", "require_botocore"]

MODES: Final = ("STRICT", "PRESENT", "NONE")
EXTRA: Final = "aslrun[botocore]"

_SERVICES: Final = {
    # Step Functions' service names where botocore's differ
    "states": "stepfunctions",
    "sfn": "stepfunctions",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
    "bedrockruntime": "bedrock-runtime",
    "bedrock": "bedrock-runtime",  # the optimized bedrock:invokeModel
}
_TYPES: Final = {
    "structure": "an object",
    "map": "an object",
    "list": "an array",
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "float": "a number",
    "double": "a number",
    "boolean": "a boolean",
    "timestamp": "a timestamp (a string or a number)",
}

Loc = tuple[str | int, ...]


def require_botocore(mode: str) -> None:
    """Refuse STRICT/PRESENT before anything runs when botocore is not installed."""
    if mode == "NONE":
        return
    try:
        import botocore  # noqa: F401, PLC0415  (optional dependency: aslrun[botocore])
    except ImportError:
        raise MissingDependencyError(
            f"checking mocked responses ({mode}) needs botocore's service models, and botocore "
            f"is not installed: install {EXTRA} (pip install '{EXTRA}'), or choose the "
            "validation mode NONE"
        ) from None


def operation_for(info: ResourceInfo) -> tuple[str, str] | None:
    """``(botocore service, operation)`` whose response a Task's result is, or None."""
    if info.kind != "service" or info.pattern:
        return None
    service = info.resource_type.removeprefix("aws-sdk:")
    action = info.resource
    if not service or not action:
        return None
    return _SERVICES.get(service, service), action[0].upper() + action[1:]


@functools.lru_cache(maxsize=64)
def _output_shape(service: str, operation: str) -> Any:
    from botocore.exceptions import DataNotFoundError, UnknownServiceError  # noqa: PLC0415 - botocore, optional
    from botocore.model import OperationNotFoundError, ServiceModel  # noqa: PLC0415 - botocore, optional

    try:
        model = ServiceModel(_loader().load_service_model(service, "service-2"), service)
        return model.operation_model(operation).output_shape
    except (DataNotFoundError, UnknownServiceError, OperationNotFoundError):
        return None


@functools.lru_cache(maxsize=1)
def _loader() -> Any:
    from botocore.loaders import create_loader  # noqa: PLC0415 - botocore, optional

    return create_loader()


def check_value(value: Any, shape: Any, mode: str, path: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Each ``(location, message)`` where ``value`` does not conform to botocore ``shape``."""
    kind = shape.type_name
    if kind in ("blob", "document"):
        return
    if not _conforms(value, kind):
        field = _field(path)
        what = f"Field '{field}'" if field else "The result"
        yield path, f"{what} must be {_TYPES.get(kind, kind)}"
        return
    if kind == "structure":
        members = {name[0].upper() + name[1:]: member for name, member in shape.members.items()}
        if mode == "STRICT":
            for name in shape.required_members:
                cased = name[0].upper() + name[1:]
                if cased not in value:
                    yield (*path, cased), f"Required field '{_field((*path, cased))}' is missing"
        for key, item in value.items():
            member = members.get(key)
            if member is not None:  # fields the API does not have are not checked
                yield from check_value(item, member, mode, (*path, key))
    elif kind == "list":
        for index, item in enumerate(value):
            yield from check_value(item, shape.member, mode, (*path, index))
    elif kind == "map":
        for key, item in value.items():
            yield from check_value(item, shape.value, mode, (*path, key))


def _conforms(value: Any, kind: str) -> bool:
    if kind in ("structure", "map"):
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind in ("integer", "long"):
        return isinstance(value, int)
    if kind in ("float", "double"):
        return isinstance(value, (int, float))
    if kind == "timestamp":
        return isinstance(value, (str, int, float))
    return True


def _field(path: Loc) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def check_returns(
    config: MockConfig, case: MockTestCase, definition: Machine, mode: str
) -> list[Diagnostic]:
    """Every ``Return`` of ``case``'s mocked states that does not have its service's shape."""
    if mode == "NONE":
        return []
    require_botocore(mode)
    tasks = dict(_tasks(definition))
    out: list[Diagnostic] = []
    for state, response in case.states.items():
        task = tasks.get(state)
        operation = None if task is None else operation_for(task.info)
        if operation is None:
            continue
        shape = _output_shape(*operation)
        if shape is None:
            continue
        for first, last, outcome in config.responses[response].spans:
            if not isinstance(outcome, MockReturn):
                continue
            key = str(first) if first == last else f"{first}-{last}"
            where: Loc = ("MockedResponses", response, key, "Return")
            for path, message in check_value(outcome.value, shape, mode):
                out.append(
                    Diagnostic(
                        (*where, *path),
                        f"Mock result schema validation error: {message} "
                        f"({operation[0]} {operation[1]}'s response, for the Task state "
                        f"'{state}'; mode {mode})",
                        code="MOCK_RESULT_SCHEMA",
                    )
                )
    return out


def _tasks(machine: Machine) -> Iterator[tuple[str, TaskState]]:
    for name, state in machine.states.items():
        if isinstance(state, TaskState):
            yield name, state
        elif isinstance(state, ParallelState):
            for branch in state.branches:
                yield from _tasks(branch)
        elif isinstance(state, MapState) and state.processor is not None:
            yield from _tasks(state.processor)
