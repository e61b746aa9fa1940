"""Execution history in GetExecutionHistory's shape, with AWS's event names and numbering.

Events are recorded cheaply and rendered to AWS's dict shape, with payloads as compact JSON
text, only when someone reads them.  A ``History`` keeps its events in columns, not one
object each: the timestamp, an interned type code and the previous event id in arrays, and
two slots holding what the details need.  The common kinds keep no details dict: a state
entered or exited keeps its name and payload value; a Task or Lambda event keeps a ``Shape``
(its fixed fields, shared by every execution that records the same ones) and its payload.
Rarer kinds keep the details dict given to ``add``.  ``HistoryEvent`` objects are made only
when read (and, as each event is recorded, when a ``listener`` is set).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
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
    "Shape",
    "event_from",
    "history_limit_cause",
    "shape",
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


# ----------------------------------------------------------------------------------------------
# Event types, interned as small codes shared by every history

_TYPES: list[str] = []  # code -> event type
_CODES: dict[str, int] = {}  # event type -> code
_STATE_KEY: list[str] = []  # code -> "input" (*StateEntered), "output" (*StateExited) or ""
_DETAILS_KEYS: list[str | None] = []  # code -> its *EventDetails key (``_details_key``)
_ENTERED: dict[str, int] = {}  # state type -> the code of its *StateEntered
_EXITED: dict[str, int] = {}  # state type -> the code of its *StateExited


def _code(type: str) -> int:
    code = _CODES.get(type)
    if code is None:
        code = len(_TYPES)
        type = sys.intern(type)
        _TYPES.append(type)
        _CODES[type] = code
        entered, exited = type.endswith("StateEntered"), type.endswith("StateExited")
        _STATE_KEY.append("input" if entered else "output" if exited else "")
        _DETAILS_KEYS.append(_details_key(type))
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
        """``_render(self.details(value))``, made directly."""
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
        found = _SHAPES[k] = Shape(_code(type), before, key, payload, after)
    return found


def _compact(type: str, details: dict[str, Any]) -> tuple[Shape, Any] | None:
    """``details`` as a ``Shape`` and a value, when they hold one ``Payload`` or one ``int``
    (a Map iteration's index) and otherwise text fields; else None.  (The shared fields are
    text only: a shared ``Shape`` must not take 1 for True.)"""
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


def _details(code: int, a: Any, b: Any) -> dict[str, Any] | None:
    """An event's details from its two slots (see ``History``)."""
    if a.__class__ is str:
        return {"name": a, _STATE_KEY[code]: Payload(b)}
    if a.__class__ is Shape:
        shaped: Shape = a
        return shaped.details(b)
    details: dict[str, Any] | None = a
    return details


def event_from(
    event_id: int, previous: int, timestamp: float, code: int, a: Any, b: Any
) -> HistoryEvent:
    """The event ``History._record`` is given: type ``code``, details in slots ``a``, ``b``."""
    return HistoryEvent(event_id, previous, timestamp, _TYPES[code], _details(code, a, b))


# ----------------------------------------------------------------------------------------------
# The history of one execution


class History:
    """The events of one execution, numbered from 1 in the order they happen.

    ``limit``: AWS's quota of events.  The event numbered ``limit`` may only be the
    execution's last (ExecutionSucceeded ...); any other event there is refused: with
    ``on_limit`` set (a top-level execution), ``HistoryLimitReached(on_limit)`` unwinds the
    process and the execution fails; without (a Distributed Map child), a ``States.Runtime``
    failure ends the child.  Once refused, later events are dropped silently.

    Columns, one entry per event: ``_times`` (timestamps), ``_meta`` (type code << 32 |
    previous event id) and two slots per event in ``_slots``: (state name, payload value)
    for a *StateEntered/*StateExited recorded by ``state_entered``/``state_exited``,
    (``Shape``, value) for one recorded by ``shaped``, (details dict or None, None) for one
    recorded by ``add``.  ``listener`` (when set) is given each event as it is recorded.
    """

    __slots__ = (
        "_meta",
        "_slots",
        "_times",
        "forgotten",
        "limit",
        "listener",
        "on_limit",
        "overflowed",
    )

    def __init__(self, limit: int = MAX_EVENTS) -> None:
        self._times = array("d")
        self._meta = array("q")
        self._slots: list[Any] = []
        self.listener: Callable[[HistoryEvent], None] | None = None  # told of each new event
        self.limit = limit
        self.on_limit: Callable[[], None] | None = None
        self.overflowed = False
        self.forgotten = 0  # events dropped by ``forget`` (a service's history retention)

    # -- recording -------------------------------------------------------------------------

    def add(
        self, timestamp: float, type: str, previous: int, details: dict[str, Any] | None = None
    ) -> int:
        """Record an event; return its id.  Details with one ``Payload`` or ``int`` and
        otherwise text fields are kept compact, as ``shaped`` keeps them."""
        if details:
            compact = _compact(type, details)
            if compact is not None:
                return self._record(timestamp, compact[0].code, previous, *compact)
        code = _CODES.get(type)
        if code is None:
            code = _code(type)
        return self._record(timestamp, code, previous, details, None)

    def state_entered(
        self, timestamp: float, state_type: str, previous: int, name: str, value: JSON
    ) -> int:
        """Record ``<state_type>StateEntered`` with details ``{"name", "input"}``."""
        code = _ENTERED.get(state_type)
        if code is None:
            code = _ENTERED[state_type] = _code(f"{state_type}StateEntered")
        times = self._times
        event_id = len(times) + 1
        if event_id >= self.limit or self.listener is not None or not self._inline:
            return self._record(timestamp, code, previous, name, value)
        times.append(timestamp)  # _record's work, inline: this is the commonest event
        self._meta.append(code << 32 | previous)
        slots = self._slots
        slots.append(name)
        slots.append(value)
        return event_id

    def state_exited(
        self, timestamp: float, state_type: str, previous: int, name: str, value: JSON
    ) -> int:
        """Record ``<state_type>StateExited`` with details ``{"name", "output"}``."""
        code = _EXITED.get(state_type)
        if code is None:
            code = _EXITED[state_type] = _code(f"{state_type}StateExited")
        times = self._times
        event_id = len(times) + 1
        if event_id >= self.limit or self.listener is not None or not self._inline:
            return self._record(timestamp, code, previous, name, value)
        times.append(timestamp)
        self._meta.append(code << 32 | previous)
        slots = self._slots
        slots.append(name)
        slots.append(value)
        return event_id

    def shaped(self, timestamp: float, previous: int, shape: Shape, value: Any) -> int:
        """Record an event of ``shape`` (see ``shape()``) whose varying field is ``value``."""
        return self._record(timestamp, shape.code, previous, shape, value)

    _inline = True
    """False in a subclass whose ``_record`` must see every event (durable replay)."""

    def _record(self, timestamp: float, code: int, previous: int, a: Any, b: Any) -> int:
        times = self._times
        event_id = len(times) + 1
        if event_id >= self.limit and _TYPES[code] not in TERMINAL_EVENTS:
            return self._overflow()
        times.append(timestamp)
        self._meta.append(code << 32 | previous)
        slots = self._slots
        slots.append(a)
        slots.append(b)
        if self.listener is not None:
            self.listener(event_from(event_id, previous, timestamp, code, a, b))
        return event_id

    def _overflow(self) -> int:
        if self.overflowed:  # the execution is ending: what its states still record is dropped
            return len(self._times)
        self.overflowed = True
        if self.on_limit is not None:
            raise HistoryLimitReached(self.on_limit)
        raise StatesError("States.Runtime", history_limit_cause(self.limit))

    def load(self, events: Iterable[HistoryEvent]) -> None:
        """Append events recorded elsewhere (a durable store's), as they are: nobody is told."""
        for e in events:
            self._times.append(e.timestamp)
            self._meta.append(_code(e.type) << 32 | e.previous_event_id)
            self._slots.append(e.details)
            self._slots.append(None)

    def close(self) -> None:
        """The execution has ended: nothing more to tell (no cycle kept), and the columns
        trimmed to their length."""
        self.listener = self.on_limit = None
        self._times = self._times[:]
        self._meta = self._meta[:]
        self._slots = self._slots[:]

    def forget(self) -> None:
        """Drop the events (they stay counted in ``len``): an ended execution under a
        service's ``history="summary"`` or ``"none"`` retention."""
        self.forgotten += len(self._times)
        self._times = array("d")
        self._meta = array("q")
        self._slots = []
        self.listener = self.on_limit = None

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.forgotten + len(self._times)

    @property
    def kept(self) -> int:
        """How many events are kept (``len`` less those forgotten)."""
        return len(self._times)

    def event(self, index: int) -> HistoryEvent:
        """The kept event at ``index`` (0 is the first kept; negative counts from the end)."""
        if index < 0:
            index += len(self._times)
        meta = self._meta[index]
        code = meta >> 32
        slots = self._slots
        details = _details(code, slots[2 * index], slots[2 * index + 1])
        return HistoryEvent(index + 1, meta & 0xFFFFFFFF, self._times[index], _TYPES[code], details)

    def __iter__(self) -> Iterator[HistoryEvent]:
        index = 0
        while index < len(self._times):  # as a list's iterator: events added meanwhile too
            yield self.event(index)
            index += 1

    @property
    def events(self) -> list[HistoryEvent]:
        """The kept events, made now (a new list each time)."""
        return [self.event(i) for i in range(len(self._times))]

    def render(self, index: int) -> dict[str, Any]:
        """``event(index).as_dict()``, made directly from the columns."""
        if index < 0:
            index += len(self._times)
        meta = self._meta[index]
        code = meta >> 32
        out: dict[str, Any] = {
            "timestamp": to_datetime(self._times[index]),
            "type": _TYPES[code],
            "id": index + 1,
            "previousEventId": meta & 0xFFFFFFFF,
        }
        key = _DETAILS_KEYS[code]
        a = self._slots[2 * index]
        if key is None or a is None:
            return out
        if a.__class__ is str:
            k = _STATE_KEY[code]
            value = dumps(self._slots[2 * index + 1])
            out[key] = {"name": a, k: value, f"{k}Details": {"truncated": False}}
        elif a.__class__ is Shape:
            shaped: Shape = a
            out[key] = shaped.render(self._slots[2 * index + 1])
        else:
            out[key] = _render(a)
        return out

    def as_dicts(self) -> list[dict[str, Any]]:
        return [self.render(i) for i in range(len(self._times))]
