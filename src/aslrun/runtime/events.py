"""What one history event is: ``HistoryEvent`` (GetExecutionHistory's shape when read),
``Payload``, the event types interned as small codes, and ``Shape``: the fixed fields of a
compact event's details, shared by every execution that records the same ones.

``runtime/history.py`` keeps an execution's events in columns and makes ``HistoryEvent``s from
them when read; the tables here are what lets it keep a type as a code and details as a shape
and a value (``details_of``, ``Shape.render``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from typing import Any

from aslrun._json import JSON, dumps
from aslrun.runtime.clock import to_datetime

__all__ = [
    "CODES",
    "DETAILS_KEY",
    "DETAILS_KEYS",
    "ENTERED",
    "EXITED",
    "STATE_KEY",
    "TYPES",
    "HistoryEvent",
    "Payload",
    "Shape",
    "compact",
    "details_of",
    "event_from",
    "render_details",
    "shape",
    "type_code",
]


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
    """One recorded event; ``as_dict()`` gives GetExecutionHistory's shape.  A ``History``
    makes these when read: it keeps its events in columns."""

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
            out[key] = render_details(self.details)
        return out


def render_details(details: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in details.items():
        if isinstance(v, Payload):
            text = dumps(v.value)
            out[k] = text
            out[f"{k}Details"] = {"truncated": False}
        elif isinstance(v, dict):
            out[k] = render_details(v)
        else:
            out[k] = v
    return out


# ----------------------------------------------------------------------------------------------
# Event types, interned as small codes shared by every history

TYPES: list[str] = []  # code -> event type
CODES: dict[str, int] = {}  # event type -> code
STATE_KEY: list[str] = []  # code -> "input" (*StateEntered), "output" (*StateExited) or ""
DETAILS_KEYS: list[str | None] = []  # code -> its *EventDetails key (``_details_key``)
ENTERED: dict[str, int] = {}  # state type -> the code of its *StateEntered
EXITED: dict[str, int] = {}  # state type -> the code of its *StateExited


_REGISTERING = threading.Lock()  # a new type's code is taken once, whichever thread asks


def type_code(type: str) -> int:
    code = CODES.get(type)
    if code is None:
        with _REGISTERING:
            code = CODES.get(type)
            if code is None:
                code = _register(sys.intern(type))
    return code


def _register(type: str) -> int:
    code = len(TYPES)
    TYPES.append(type)
    entered, exited = type.endswith("StateEntered"), type.endswith("StateExited")
    STATE_KEY.append("input" if entered else "output" if exited else "")
    DETAILS_KEYS.append(_details_key(type))
    CODES[type] = code  # last: a reader finding the code finds its tables filled
    return code


class Shape:
    """The fixed part of a compact event's details: the type, the fields before and after
    the one that varies (``key``), and whether that one is a payload (rendered as JSON text
    with ``*Details``) or a plain value.  Made by ``shape()``, which shares equal ones."""

    __slots__ = ("after", "before", "code", "key", "payload")

    def __init__(
        self,
        code: int,
        before: tuple[tuple[str, Any], ...],
        key: str,
        payload: bool,
        after: tuple[tuple[str, Any], ...],
    ) -> None:
        self.code = code
        self.before = before
        self.key = key
        self.payload = payload
        self.after = after

    def render(self, value: Any) -> dict[str, Any]:
        """``render_details(self.details(value))``, made directly."""
        out = dict(self.before)
        key = self.key
        if self.payload:
            out[key] = dumps(value)
            out[f"{key}Details"] = {"truncated": False}
        else:
            out[key] = value
        if self.after:
            out.update(self.after)
        return out

    def details(self, value: Any) -> dict[str, Any]:
        """The details dict ``History.add`` would have been given."""
        out = dict(self.before)
        out[self.key] = Payload(value) if self.payload else value
        if self.after:
            out.update(self.after)
        return out


_SHAPES: dict[tuple[Any, ...], Shape] = {}
_MAX_SHAPES = 4096  # distinct shapes kept for sharing (a TimeoutSecondsPath may vary them)


def shape(
    type: str,
    before: tuple[tuple[str, Any], ...],
    key: str,
    *,
    payload: bool = True,
    after: tuple[tuple[str, Any], ...] = (),
) -> Shape:
    """The shared ``Shape`` of events of ``type`` whose details are the fields ``before``,
    then ``key`` (a ``Payload`` of the value given to ``History.shaped`` when ``payload``, else
    the value itself), then the fields ``after``.  The fields' values are ``str`` or ``int``
    (not ``bool`` or ``float``: equal shapes are shared, and ``1 == True == 1.0``)."""
    k = (type, before, key, payload, after)
    found = _SHAPES.get(k)
    if found is None:
        if len(_SHAPES) >= _MAX_SHAPES:  # the events recorded keep theirs
            _SHAPES.clear()
        found = _SHAPES[k] = Shape(type_code(type), before, key, payload, after)
    return found


def compact(type: str, details: dict[str, Any]) -> tuple[Shape, Any] | None:
    """``details`` as a ``Shape`` and a value, when they hold one ``Payload`` or one ``int``
    (a Map iteration's index) and otherwise text fields; else None.  (The shared fields are
    text only: a shared ``Shape`` must not take 1 for True.)"""
    if len(details) == 1:  # {"output": Payload(...)}, {"length": 3} ...
        ((only, given),) = details.items()
        cls = given.__class__
        if cls is Payload:
            return shape(type, (), only), given.value
        return (shape(type, (), only, payload=False), given) if cls is int else None
    key: str | None = None
    value: Any = None
    payload = False
    before: tuple[tuple[str, Any], ...] = ()
    after: tuple[tuple[str, Any], ...] = ()
    for k, v in details.items():
        cls = v.__class__
        if cls is str:
            if key is None:
                before += ((k, v),)
            else:
                after += ((k, v),)
        elif cls is Payload or cls is int:
            if key is not None:
                return None
            key, payload = k, cls is Payload
            value = v.value if payload else v
        else:
            return None
    if key is None:
        return None
    return shape(type, before, key, payload=payload, after=after), value


def details_of(code: int, a: Any, b: Any) -> dict[str, Any] | None:
    """An event's details from its two slots (see ``History``)."""
    if a.__class__ is str:
        return {"name": a, STATE_KEY[code]: Payload(b)}
    if a.__class__ is Shape:
        shaped: Shape = a
        return shaped.details(b)
    details: dict[str, Any] | None = a
    return details


def event_from(
    event_id: int, previous: int, timestamp: float, code: int, a: Any, b: Any
) -> HistoryEvent:
    """The event ``History._record`` is given: type ``code``, details in slots ``a``, ``b``."""
    return HistoryEvent(event_id, previous, timestamp, TYPES[code], details_of(code, a, b))
