"""Execution history in GetExecutionHistory's shape, with AWS's event names and numbering.

Events are recorded cheaply (payloads kept as values) and rendered to AWS's dict shape, with
payloads as compact JSON text, only when someone reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aslrun._json import JSON, dumps
from aslrun.errors import StatesError
from aslrun.runtime.clock import to_datetime

__all__ = [
    "DETAILS_KEY",
    "MAX_EVENTS",
    "TERMINAL_EVENTS",
    "History",
    "HistoryEvent",
    "HistoryLimitReached",
    "Payload",
    "history_limit_cause",
]

MAX_EVENTS = 25000
"""AWS's hard quota of events in one execution's history."""
TERMINAL_EVENTS = frozenset(
    {"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"}
)


def history_limit_cause(limit: int) -> str:
    """The cause AWS gives an execution failed by the history quota."""
    return f"The execution reached the maximum number of history events ({limit})."


class HistoryLimitReached(Exception):
    """Raised by ``History.add`` when an event would exceed the quota: it unwinds the
    running process (``Proc.resume`` catches it) and ``end()`` fails the execution."""

    def __init__(self, end: Callable[[], None]) -> None:
        super().__init__("history event limit reached")
        self.end = end


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
    """The events of one execution, numbered from 1 in the order they happen.

    ``limit``: AWS's quota of events.  The event numbered ``limit`` may only be the
    execution's last (ExecutionSucceeded ...); any other event there is refused: with
    ``on_limit`` set (a top-level execution), ``HistoryLimitReached(on_limit)`` unwinds the
    process and the execution fails; without (a Distributed Map child), a ``States.Runtime``
    failure ends the child.  Once refused, later events are dropped silently.
    """

    __slots__ = ("events", "forgotten", "limit", "listener", "on_limit", "overflowed")

    def __init__(self, limit: int = MAX_EVENTS) -> None:
        self.events: list[HistoryEvent] = []
        self.listener: Callable[[HistoryEvent], None] | None = None  # told of each new event
        self.limit = limit
        self.on_limit: Callable[[], None] | None = None
        self.overflowed = False
        self.forgotten = 0  # events dropped by ``forget`` (a service's history retention)

    def add(
        self, timestamp: float, type: str, previous: int, details: dict[str, Any] | None = None
    ) -> int:
        """Record an event; return its id."""
        events = self.events
        event_id = len(events) + 1
        if event_id >= self.limit and type not in TERMINAL_EVENTS:
            return self._overflow()
        event = HistoryEvent(event_id, previous, timestamp, type, details)
        events.append(event)
        if self.listener is not None:
            self.listener(event)
        return event_id

    def _overflow(self) -> int:
        if self.overflowed:  # the execution is ending: what its states still record is dropped
            return len(self.events)
        self.overflowed = True
        if self.on_limit is not None:
            raise HistoryLimitReached(self.on_limit)
        raise StatesError("States.Runtime", history_limit_cause(self.limit))

    def forget(self) -> None:
        """Drop the events (they stay counted in ``len``): an ended execution under a
        service's ``history="summary"`` or ``"none"`` retention."""
        self.forgotten += len(self.events)
        self.events = []
        self.listener = self.on_limit = None

    def __len__(self) -> int:
        return self.forgotten + len(self.events)

    def __iter__(self) -> Iterator[HistoryEvent]:
        return iter(self.events)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.events]
