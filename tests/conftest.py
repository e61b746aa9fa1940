"""Shared helpers for the engine tests: run a definition on a VirtualClock and read its history.

Every execution starts at ``START`` (2026-01-01T00:00:00Z) so expected timestamps can be written
as offsets in simulated seconds: ``at(60)`` is one minute after the start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import aslrun

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
REGION, ACCOUNT = "us-east-1", "123456789012"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
"""Prefix of a legacy Lambda function ARN in the test account."""
INVOKE = "arn:aws:states:::lambda:invoke"


def run(
    definition: Mapping[str, Any] | str,
    input: Any = None,
    handlers: Mapping[str, Callable[..., Any]] | None = None,
    *,
    name: str = "exec",
    machine: str = "StateMachine",
    seed: int | None = None,
    start: datetime | str = START,
) -> aslrun.Execution:
    """Load ``definition`` and run it to its end on a VirtualClock starting at ``start``."""
    sm = aslrun.load(definition, name=machine, region=REGION, account=ACCOUNT)
    return sm.run(
        input, handlers=handlers or {}, clock=aslrun.VirtualClock(start=start), name=name, seed=seed
    )


def machine(states: Mapping[str, Any], start_at: str | None = None, **top: Any) -> dict[str, Any]:
    """A definition from its States (StartAt defaults to the first state)."""
    return {"StartAt": start_at or next(iter(states)), "States": dict(states), **top}


def at(seconds: float) -> datetime:
    """The aware UTC datetime ``seconds`` of simulated time after START."""
    return START + timedelta(seconds=seconds)


def types(ex: aslrun.Execution) -> list[str]:
    return [e["type"] for e in ex.history]


def events(ex: aslrun.Execution, type_: str) -> list[dict[str, Any]]:
    return [e for e in ex.history if e["type"] == type_]


def offsets(ex: aslrun.Execution, type_: str) -> list[float]:
    """Simulated seconds after START of every event of ``type_``."""
    return [(e["timestamp"] - START).total_seconds() for e in events(ex, type_)]
