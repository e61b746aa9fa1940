"""Which states an execution is in now, read from its history.

Every thread of control (the top level, a Parallel branch, a Map iteration) chains its events
through ``previousEventId``.  So an event belongs to the state entry its previous event belongs
to; a ``*StateEntered`` opens an entry, a ``*StateExited``/``*StateAborted`` closes the entry it
belongs to, and closing a Parallel or Map closes whatever was still open inside it (a branch
that failed leaves its failed state without an exit event).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from aslrun.runtime.clock import to_datetime
from aslrun.runtime.history import HistoryEvent

__all__ = ["RunningState", "running_states"]


@dataclass(frozen=True, slots=True)
class RunningState:
    """A state an execution is in: its name and type, since when, and its entered event."""

    name: str
    type: str
    since: datetime
    entered_event_id: int


def running_states(events: Iterable[HistoryEvent]) -> list[RunningState]:
    """The states entered and not yet left, in the order they were entered."""
    owner: dict[int, int] = {}  # event id -> the open entry (its StateEntered id) it belongs to
    parent: dict[int, int] = {}  # entry -> the entry it runs inside
    open_entries: dict[int, HistoryEvent] = {}
    for event in events:
        kind = event.type
        inside = owner.get(event.previous_event_id, 0)
        if kind.endswith("StateEntered"):
            open_entries[event.id] = event
            parent[event.id] = inside
            owner[event.id] = event.id
        elif kind.endswith(("StateExited", "StateAborted")):
            _close(inside, open_entries, parent)
            owner[event.id] = parent.get(inside, 0)
        elif kind.startswith("Execution") and kind != "ExecutionStarted":
            open_entries.clear()
        elif inside:
            owner[event.id] = inside
    return [
        RunningState(
            str((e.details or {}).get("name", "")),
            e.type.removesuffix("StateEntered"),
            to_datetime(e.timestamp),
            e.id,
        )
        for e in open_entries.values()
    ]


def _close(entry: int, open_entries: dict[int, HistoryEvent], parent: dict[int, int]) -> None:
    if entry not in open_entries:
        return
    del open_entries[entry]
    for child in [c for c in open_entries if parent.get(c) == entry]:
        _close(child, open_entries, parent)
