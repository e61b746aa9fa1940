"""What an execution did, read from its history in the terms a test asserts on.

``path`` (state names in the order entered), ``calls`` (each invocation of a Task state: its
input and simulated time, and how it ended), ``state_input`` / ``state_output``.  Events are
attributed to states by following ``previousEventId``: each event follows the previous event
of its own thread (the top level, a Parallel branch, a Map iteration), so interleaved branches
are told apart.  ``aslrun.Execution`` offers these as ``ex.path``, ``ex.calls(...)``,
``ex.state_input(...)`` and ``ex.state_output(...)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from aslrun._json import JSON

__all__ = ["Call", "StateNotReached", "calls", "path", "state_input", "state_of", "state_output"]

Event = Mapping[str, Any]

_SCHEDULED: Final = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")
_SUCCEEDED: Final = ("TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded")
_FAILED: Final = (
    "TaskFailed",
    "LambdaFunctionFailed",
    "ActivityFailed",
    "TaskTimedOut",
    "LambdaFunctionTimedOut",
    "ActivityTimedOut",
    "TaskStartFailed",
    "TaskSubmitFailed",
    "LambdaFunctionStartFailed",
    "LambdaFunctionScheduleFailed",
    "ActivityScheduleFailed",
)


class StateNotReached(AssertionError):
    """The execution never entered (or never left) the state a test asked about."""


@dataclass(frozen=True, slots=True)
class Call:
    """One invocation of a Task state's resource (each retry attempt is its own call).

    ``input``: what was sent (the Task's parameters; a Lambda function ARN's payload);
    ``at``: the simulated time it was scheduled; ``output`` (when it succeeded) or ``error``
    and ``cause`` (when it failed or timed out); ``ended``: when its answer came, if it came.
    """

    input: JSON
    at: datetime
    output: JSON = None
    error: str | None = None
    cause: str | None = None
    ended: datetime | None = None


def _details(event: Event) -> Mapping[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, Mapping):
            return value
    return {}


def _json(text: object) -> JSON:
    if not isinstance(text, str):
        return None
    try:
        value: JSON = json.loads(text)
    except ValueError:
        return text
    return value


def state_of(history: Sequence[Event]) -> dict[int, str]:
    """Each event's id -> the state it belongs to (events before any state: absent)."""
    owner: dict[int, str] = {}
    for event in history:
        kind = str(event["type"])
        if kind.endswith(("StateEntered", "StateExited")):
            owner[event["id"]] = str(_details(event).get("name"))
            continue
        previous = owner.get(event.get("previousEventId", 0))
        if previous is not None and not kind.startswith("Execution"):
            owner[event["id"]] = previous
    return owner


def path(history: Sequence[Event]) -> list[str]:
    """The names of the states entered, in the order entered."""
    return [
        str(_details(e).get("name")) for e in history if str(e["type"]).endswith("StateEntered")
    ]


def calls(history: Sequence[Event], state: str) -> list[Call]:
    """Each invocation ``state`` made, in order; its result or error when it has ended."""
    owner = state_of(history)
    found: list[Call] = []
    pending: dict[int, int] = {}  # the last event of an open call -> its index in found
    for event in history:
        if owner.get(event["id"]) != state:
            continue
        kind = event["type"]
        details = _details(event)
        if kind in _SCHEDULED:
            raw = details.get("parameters", details.get("input"))
            found.append(Call(input=_json(raw), at=event["timestamp"]))
            pending[event["id"]] = len(found) - 1
            continue
        index = pending.pop(event.get("previousEventId", 0), None)
        if index is None:
            continue
        if kind not in _SUCCEEDED and kind not in _FAILED:  # TaskStarted, TaskSubmitted ...
            pending[event["id"]] = index
            continue
        call = found[index]
        succeeded = kind in _SUCCEEDED
        found[index] = Call(
            input=call.input,
            at=call.at,
            output=_json(details.get("output")) if succeeded else None,
            error=None if succeeded else details.get("error"),
            cause=None if succeeded else details.get("cause"),
            ended=event["timestamp"],
        )
    return found


def _visits(history: Sequence[Event], state: str, suffix: str) -> Iterator[Event]:
    for event in history:
        if str(event["type"]).endswith(suffix) and _details(event).get("name") == state:
            yield event


def state_input(history: Sequence[Event], state: str, index: int = -1) -> JSON:
    """The input ``state`` was entered with (``index``: which entry; the last by default)."""
    return _payload(history, state, index, "StateEntered", "input", "entered")


def state_output(history: Sequence[Event], state: str, index: int = -1) -> JSON:
    """The output ``state`` left with (``index``: which exit; the last by default)."""
    return _payload(history, state, index, "StateExited", "output", "left")


def _payload(
    history: Sequence[Event], state: str, index: int, suffix: str, field: str, verb: str
) -> JSON:
    visits = list(_visits(history, state, suffix))
    try:
        event = visits[index]
    except IndexError:
        taken = " -> ".join(path(history)) or "no state"
        times = f"{len(visits)} time{'' if len(visits) == 1 else 's'}"
        raise StateNotReached(
            f"state '{state}' was {verb} {times}, so there is no visit {index}; "
            f"the execution's path: {taken}"
        ) from None
    return _json(_details(event).get(field))
