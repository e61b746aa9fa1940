"""The service's errors: one class per AWS error code, all under :class:`StepFunctionsError`.

The class name and ``.code`` are the code AWS returns (``ExecutionAlreadyExists`` ...), the
message is AWS's text, and ``.http_status`` the status the JSON protocol answers with (400 for
all but the two the API reference documents otherwise).
"""

from __future__ import annotations

from aslrun import errors as _base
from aslrun.errors import AslrunError

__all__ = [
    "ActivityAlreadyExists",
    "ActivityDoesNotExist",
    "ConflictException",
    "ExecutionAlreadyExists",
    "ExecutionDoesNotExist",
    "ExecutionLimitExceeded",
    "InvalidArn",
    "InvalidDefinition",
    "InvalidExecutionInput",
    "InvalidName",
    "InvalidOutput",
    "InvalidToken",
    "MissingRequiredParameter",
    "ResourceNotFound",
    "StateMachineAlreadyExists",
    "StateMachineDeleting",
    "StateMachineDoesNotExist",
    "StateMachineTypeNotSupported",
    "StepFunctionsError",
    "TaskDoesNotExist",
    "TaskTimedOut",
    "ValidationException",
    "validation_error",
]


class StepFunctionsError(AslrunError):
    """An error the Step Functions API answers with; ``code`` is AWS's error code."""

    code = "StepFunctionsError"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __init_subclass__(cls) -> None:
        cls.code = cls.__name__

    def to_json(self) -> dict[str, str]:
        """The body the JSON 1.0 protocol answers with."""
        return {"__type": self.code, "message": self.message}


class ActivityAlreadyExists(StepFunctionsError):
    """Activity already exists."""


class ActivityDoesNotExist(StepFunctionsError):
    """The specified activity does not exist."""


class ConflictException(StepFunctionsError):
    """Concurrent updates would leave a resource inconsistent."""

    http_status = 409


class ExecutionAlreadyExists(StepFunctionsError):
    """Same execution name, different input (or the execution has closed)."""


class ExecutionDoesNotExist(StepFunctionsError):
    """The specified execution does not exist."""


class ExecutionLimitExceeded(StepFunctionsError):
    """The maximum number of running executions has been reached."""


class InvalidArn(StepFunctionsError):
    """The provided Amazon Resource Name (ARN) is not valid."""


class InvalidDefinition(StepFunctionsError):
    """The provided Amazon States Language definition is not valid."""


class InvalidExecutionInput(StepFunctionsError, _base.InvalidExecutionInput):
    """The provided JSON input data is not valid (also an ``aslrun.InvalidExecutionInput``)."""


class InvalidName(StepFunctionsError):
    """The provided name is not valid."""


class InvalidOutput(StepFunctionsError):
    """The provided JSON output data is not valid."""


class InvalidToken(StepFunctionsError):
    """The provided token is not valid."""


class MissingRequiredParameter(StepFunctionsError):
    """Request is missing a required parameter."""


class ResourceNotFound(StepFunctionsError):
    """Could not find the referenced resource."""


class StateMachineAlreadyExists(StepFunctionsError):
    """A state machine with the same name but a different definition or role ARN exists."""


class StateMachineDeleting(StepFunctionsError):
    """The specified state machine is being deleted."""


class StateMachineDoesNotExist(StepFunctionsError):
    """The specified state machine does not exist."""


class StateMachineTypeNotSupported(StepFunctionsError):
    """State machine type is not supported."""


class TaskDoesNotExist(StepFunctionsError):
    """The activity does not exist."""


class TaskTimedOut(StepFunctionsError):
    """The task token has either expired or the task has already been closed."""


class ValidationException(StepFunctionsError):
    """The input does not satisfy the constraints specified by an AWS service."""


def validation_error(field: str, value: object, constraint: str) -> ValidationException:
    """AWS's ``1 validation error detected`` message for one member (``value`` None: a
    sensitive member, whose value AWS does not echo)."""
    shown = "" if value is None else f" '{value}'"
    return ValidationException(
        f"1 validation error detected: Value{shown} at '{field}' failed to satisfy "
        f"constraint: {constraint}"
    )
