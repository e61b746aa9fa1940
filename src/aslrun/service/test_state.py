"""``StepFunctions.test_state``: the offline TestState (``aslrun.toolkit.test_state``) with the
service's handlers and clock, refusals raised as the service's AWS-named exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aslrun.service import errors
from aslrun.toolkit.test_state import TestStateError, test_state

__all__ = ["service_test_state"]


_REQUEST_FIELDS = frozenset(
    {
        "definition",
        "roleArn",
        "input",
        "inspectionLevel",
        "revealSecrets",
        "variables",
        "stateName",
        "mock",
        "context",
        "stateConfiguration",
    }
)


def service_test_state(service: Any, request: Mapping[str, Any]) -> dict[str, Any]:
    """``StepFunctions.test_state``: the request's keyword arguments as boto3 names them;
    AWS's exceptions (``sfn.exceptions.ValidationException`` ...) for a refused request."""
    unknown = sorted(set(request) - _REQUEST_FIELDS)
    if unknown:
        raise errors.ValidationException(f"test_state: unknown parameter {unknown[0]!r}")
    if "definition" not in request:
        raise errors.MissingRequiredParameter("test_state: 'definition' is required")
    try:
        return test_state(
            **request,
            handlers=service.registry,
            start=service.clock.now(),
            seed=service.rng.randrange(2**32),
        )
    except TestStateError as exc:
        cls = getattr(errors, exc.code, errors.ValidationException)
        raise cls(exc.message) from None
