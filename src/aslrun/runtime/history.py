"""Execution history in GetExecutionHistory's shape, with AWS's event names and numbering.

Events are recorded cheaply (payloads kept as values) and rendered to AWS's dict shape, with
payloads as compact JSON text, only when someone reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aslrun._json import JSON, dumps
from aslrun.runtime.clock import to_datetime

__all__ = ["DETAILS_KEY", "History", "HistoryEvent", "Payload"]


class Payload:
    """A JSON value in an event, rendered as text (with ``*Details.truncated``) on demand."""

    __slots__ = ("value",)

    def __init__(self, value: JSON) -> None:
        self.value = value


def _details_key(event_type: str) -> str | None:
    key = DETAILS_KEY.get(event_type)
    if key is not None:
        return key
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return None


DETAILS_KEY: Mapping[str, str | None] = {
    "ExecutionStarted": "executionStartedEventDetails",
    "ExecutionSucceeded": "executionSucceededEventDetails",
    "ExecutionFailed": "executionFailedEventDetails",
    "ExecutionTimedOut": "executionTimedOutEventDetails",
    "ExecutionAborted": "executionAbortedEventDetails",
    "ActivityScheduled": "activityScheduledEventDetails",
    "ActivityStarted": "activityStartedEventDetails",
    "ActivitySucceeded": "activitySucceededEventDetails",
    "ActivityFailed": "activityFailedEventDetails",
    "ActivityTimedOut": "activityTimedOutEventDetails",
    "ActivityScheduleFailed": "activityScheduleFailedEventDetails",
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskStarted": "taskStartedEventDetails",
    "TaskSubmitted": "taskSubmittedEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "TaskStartFailed": "taskStartFailedEventDetails",
    "LambdaFunctionScheduled": "lambdaFunctionScheduledEventDetails",
    "LambdaFunctionStarted": None,
    "LambdaFunctionSucceeded": "lambdaFunctionSucceededEventDetails",
    "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
    "LambdaFunctionTimedOut": "lambdaFunctionTimedOutEventDetails",
    "LambdaFunctionScheduleFailed": "lambdaFunctionScheduleFailedEventDetails",
    "LambdaFunctionStartFailed": "lambdaFunctionStartFailedEventDetails",
    "MapStateStarted": "mapStateStartedEventDetails",
    "MapIterationStarted": "mapIterationStartedEventDetails",
    "MapIterationSucceeded": "mapIterationSucceededEventDetails",
    "MapIterationFailed": "mapIterationFailedEventDetails",
    "MapIterationAborted": "mapIterationAbortedEventDetails",
    "MapRunStarted": "mapRunStartedEventDetails",
    "MapRunFailed": "mapRunFailedEventDetails",
    "EvaluationFailed": "evaluationFailedEventDetails",
}


class HistoryEvent:
    """One recorded event; ``as_dict()`` gives GetExecutionHistory's shape."""

    __slots__ = ("details", "id", "previous_event_id", "timestamp", "type")

    def __init__(
        self,
        id: int,
        previous_event_id: int,
        timestamp: float,
        type: str,
        details: dict[str, Any] | None,
    ) -> None:
        self.id = id
        self.previous_event_id = previous_event_id
        self.timestamp = timestamp
        self.type = type
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "timestamp": to_datetime(self.timestamp),
            "type": self.type,
            "id": self.id,
            "previousEventId": self.previous_event_id,
        }
        key = _details_key(self.type)
        if key is not None and self.details is not None:
            out[key] = _render(self.details)
        return out


def _render(details: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in details.items():
        if isinstance(v, Payload):
            text = dumps(v.value)
            out[k] = text
            out[f"{k}Details"] = {"truncated": False}
        elif isinstance(v, dict):
            out[k] = _render(v)
        else:
            out[k] = v
    return out


class History:
    """The events of one execution, numbered from 1 in the order they happen."""

    __slots__ = ("events", "listener")

    def __init__(self) -> None:
        self.events: list[HistoryEvent] = []
        self.listener: Callable[[HistoryEvent], None] | None = None  # told of each new event

    def add(
        self, timestamp: float, type: str, previous: int, details: dict[str, Any] | None = None
    ) -> int:
        """Record an event; return its id."""
        events = self.events
        event_id = len(events) + 1
        event = HistoryEvent(event_id, previous, timestamp, type, details)
        events.append(event)
        if self.listener is not None:
            self.listener(event)
        return event_id

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[HistoryEvent]:
        return iter(self.events)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.events]
