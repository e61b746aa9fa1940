"""Execution history in GetExecutionHistory's shape, with AWS's event names and numbering.

Events are recorded cheaply and rendered to AWS's dict shape, with payloads as compact JSON
text, only when someone reads them.  A ``History`` keeps its events in columns, not one
object each: the timestamp, an interned type code and the previous event id, and
two slots holding what the details need.  The common kinds keep no details dict: a state
entered or exited keeps its name and payload value; a Task or Lambda event keeps a ``Shape``
(its fixed fields, shared by every execution that records the same ones) and its payload.
Rarer kinds keep the details dict given to ``add``.  ``HistoryEvent`` objects are made only
when read (and, as each event is recorded, when a ``listener`` is set).  What an event is
(its type codes, ``Shape``, ``HistoryEvent``, ``Payload``) is ``runtime/events.py``'s.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from aslrun._json import JSON, dumps
from aslrun.errors import StatesError
from aslrun.runtime.clock import to_datetime
from aslrun.runtime.events import (
    CODES,
    DETAILS_KEY,
    DETAILS_KEYS,
    ENTERED,
    EXITED,
    STATE_KEY,
    TYPES,
    HistoryEvent,
    Payload,
    Shape,
    compact,
    details_of,
    event_from,
    render_details,
    shape,
    type_code,
)

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


# ----------------------------------------------------------------------------------------------
# The history of one execution


class History:
    """The events of one execution, numbered from 1 in the order they happen.

    ``limit``: AWS's quota of events.  The event numbered ``limit`` may only be the
    execution's last (ExecutionSucceeded ...); any other event there is refused: with
    ``on_limit`` set (a top-level execution), ``HistoryLimitReached(on_limit)`` unwinds the
    process and the execution fails; without (a Distributed Map child), a ``States.Runtime``
    failure ends the child.  Once refused, later events are dropped silently.

    Columns, one entry per event: ``_times`` (timestamps), ``_codes`` (type codes),
    ``_previous`` (previous event ids) and two slots per event in ``_slots``: (state name,
    payload value) for a *StateEntered/*StateExited recorded by ``state_entered`` or
    ``state_exited``, (``Shape``, value) for one recorded by ``shaped``, (details dict or
    None, None) for one recorded by ``add``.  ``listener`` (when set) is given each event as
    it is recorded.
    """

    __slots__ = (
        "_codes",
        "_previous",
        "_slots",
        "_times",
        "forgotten",
        "limit",
        "listener",
        "on_limit",
        "overflowed",
    )

    def __init__(self, limit: int = MAX_EVENTS) -> None:
        # Lists while the execution runs (a list's append is the cheapest), typed arrays once
        # it has ended (``close``): 8 + 2 + 4 bytes an event, no object kept per timestamp.
        self._times: list[float] | array[float] = []
        self._codes: list[int] | array[int] = []
        self._previous: list[int] | array[int] = []
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
            found = compact(type, details)
            if found is not None:
                return self._record(timestamp, found[0].code, previous, *found)
        code = CODES.get(type)
        if code is None:
            code = type_code(type)
        return self._record(timestamp, code, previous, details, None)

    def state_entered(
        self, timestamp: float, state_type: str, previous: int, name: str, value: JSON
    ) -> int:
        """Record ``<state_type>StateEntered`` with details ``{"name", "input"}``."""
        code = ENTERED.get(state_type)
        if code is None:
            code = ENTERED[state_type] = type_code(f"{state_type}StateEntered")
        times = self._times
        event_id = len(times) + 1
        if event_id >= self.limit or self.listener is not None or not self._inline:
            return self._record(timestamp, code, previous, name, value)
        times.append(timestamp)  # _record's work, inline: this is the commonest event
        self._codes.append(code)
        self._previous.append(previous)
        slots = self._slots
        slots.append(name)
        slots.append(value)
        return event_id

    def state_exited(
        self, timestamp: float, state_type: str, previous: int, name: str, value: JSON
    ) -> int:
        """Record ``<state_type>StateExited`` with details ``{"name", "output"}``."""
        code = EXITED.get(state_type)
        if code is None:
            code = EXITED[state_type] = type_code(f"{state_type}StateExited")
        times = self._times
        event_id = len(times) + 1
        if event_id >= self.limit or self.listener is not None or not self._inline:
            return self._record(timestamp, code, previous, name, value)
        times.append(timestamp)
        self._codes.append(code)
        self._previous.append(previous)
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
        if event_id >= self.limit and TYPES[code] not in TERMINAL_EVENTS:
            return self._overflow()
        times.append(timestamp)
        self._codes.append(code)
        self._previous.append(previous)
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
            self._codes.append(type_code(e.type))
            self._previous.append(e.previous_event_id)
            self._slots.append(e.details)
            self._slots.append(None)

    def close(self) -> None:
        """The execution has ended: nothing more to tell (no cycle kept), and the columns
        made compact (typed arrays, trimmed to their length)."""
        self.listener = self.on_limit = None
        self._times = array("d", self._times)
        self._codes = array("H", self._codes)
        self._previous = array("i", self._previous)
        self._slots = self._slots[:]

    def forget(self) -> None:
        """Drop the events (they stay counted in ``len``): an ended execution under a
        service's ``history="summary"`` or ``"none"`` retention."""
        self.forgotten += len(self._times)
        self._times = []
        self._codes = []
        self._previous = []
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
        code = self._codes[index]
        slots = self._slots
        details = details_of(code, slots[2 * index], slots[2 * index + 1])
        previous = self._previous[index]
        return HistoryEvent(index + 1, previous, self._times[index], TYPES[code], details)

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
        code = self._codes[index]
        out: dict[str, Any] = {
            "timestamp": to_datetime(self._times[index]),
            "type": TYPES[code],
            "id": index + 1,
            "previousEventId": self._previous[index],
        }
        key = DETAILS_KEYS[code]
        a = self._slots[2 * index]
        if key is None or a is None:
            return out
        if a.__class__ is str:
            k = STATE_KEY[code]
            value = dumps(self._slots[2 * index + 1])
            out[key] = {"name": a, k: value, f"{k}Details": {"truncated": False}}
        elif a.__class__ is Shape:
            shaped: Shape = a
            out[key] = shaped.render(self._slots[2 * index + 1])
        else:
            out[key] = render_details(a)
        return out

    def as_dicts(self) -> list[dict[str, Any]]:
        return [self.render(i) for i in range(len(self._times))]
