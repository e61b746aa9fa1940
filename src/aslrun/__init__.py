"""aslrun: run AWS Step Functions state machines (Amazon States Language) locally.

import aslrun
sm = aslrun.load("examples/classroom.asl.json")
ex = sm.run({"start": "...", "end": "..."}, handlers={...},
            clock=aslrun.VirtualClock(start="2026-11-30T12:00:00Z"))
assert ex.status == "SUCCEEDED"
"""

from __future__ import annotations

from aslrun.api import Execution, StateMachine, load

# Bound after the submodule is imported, so ``aslrun.definition.validate`` is the function
# (``aslrun.definition.validate.iter_diagnostics`` and friends stay importable from the module).
from aslrun.definition.validate import validate
from aslrun.errors import (
    AslrunError,
    DefinitionError,
    Diagnostic,
    InvalidExecutionInput,
    LoadError,
    StatesError,
)
from aslrun.handlers.modules import handler
from aslrun.handlers.registry import HandlerContext, ResourceRegistry
from aslrun.runtime.clock import RealClock, VirtualClock
from aslrun.server import mock_boto3
from aslrun.service import StepFunctions

TaskFailed = StatesError
"""Raise ``TaskFailed(error, cause)`` from a handler to fail its Task with that error name."""

__all__ = [
    "AslrunError",
    "DefinitionError",
    "Diagnostic",
    "Execution",
    "HandlerContext",
    "InvalidExecutionInput",
    "LoadError",
    "RealClock",
    "ResourceRegistry",
    "StateMachine",
    "StatesError",
    "StepFunctions",
    "TaskFailed",
    "VirtualClock",
    "handler",
    "load",
    "mock_boto3",
    "validate",
]


def __dir__() -> list[str]:
    """Only the public names: the subpackages imported above are attributes of the package
    (``aslrun.api`` keeps working) but not part of its documented surface."""
    return sorted(__all__)


del annotations  # the __future__ feature object, bound by the import above; not API
