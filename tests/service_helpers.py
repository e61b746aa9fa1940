"""Helpers for the service tests: a ``StepFunctions`` on a VirtualClock at ``START``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from aslrun.runtime.clock import VirtualClock
from aslrun.service import StepFunctions

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
PREFIX = "arn:aws:states:us-east-1:123456789012"
SM = f"{PREFIX}:stateMachine:"
EX = f"{PREFIX}:execution:"
ROLE = "arn:aws:iam::123456789012:role/service-role/StepFunctions-{}-role"

WAIT_60 = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "Seconds": 60, "Next": "P"},
        "P": {"Type": "Pass", "End": True},
    },
}
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def at(seconds: float) -> datetime:
    """``seconds`` of simulated time after START."""
    return START + timedelta(seconds=seconds)


def service(**options: Any) -> StepFunctions:
    options.setdefault("seed", 7)
    return StepFunctions(clock=VirtualClock(START), **options)


def machine(sfn: StepFunctions, definition: Any = None, name: str = "m", **kw: Any) -> str:
    text = json.dumps(definition if definition is not None else WAIT_60)
    arn: str = sfn.create_state_machine(name=name, definition=text, **kw)["stateMachineArn"]
    return arn
