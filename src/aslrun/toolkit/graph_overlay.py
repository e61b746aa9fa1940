"""What an execution did to each state, read from its history (GetExecutionHistory's events).

Every event names its predecessor (``previousEventId``), so each event is traced back to the
state it belongs to (the nearest ``*StateEntered`` up the chain), and each ``*StateEntered`` to
the transition that led to it.  A failure event (``TaskFailed``, ``LambdaFunctionFailed``,
``ParallelStateFailed`` ...) is *retried* when the next attempt follows it, *caught* when the
state exits after it (a Catcher led on), and *failed* otherwise.

AWS records the first state an execution enters with ``previousEventId`` 0 rather than the
``ExecutionStarted`` event's id (1): a ``*StateEntered`` event with no predecessor follows
``ExecutionStarted``.  (Branches and iterations name their ``ParallelStateStarted`` or
``MapIterationStarted``, so only the top level's first state has 0.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from aslrun.toolkit.graph_model import END, START

__all__ = ["OUTCOMES", "Outcome", "Overlay", "StateRecord", "events_of", "read_history"]

Outcome = Literal[
    "succeeded", "failed", "caught", "retried", "in-progress", "aborted", "not-reached"
]
OUTCOMES: Final[tuple[Outcome, ...]] = (
    "succeeded",
    "failed",
    "caught",
    "retried",
    "in-progress",
    "aborted",
    "not-reached",
)
_ATTEMPTS: Final = frozenset(
    {
        "TaskScheduled",
        "LambdaFunctionScheduled",
        "ActivityScheduled",
        "ParallelStateStarted",
        "MapStateStarted",
    }
)
_CONTAINER_END: Final = {"ParallelStateFailed": "Parallel", "MapStateFailed": "Map"}


@dataclass(frozen=True, slots=True)
class StateRecord:
    """A state's counts over the execution (a Map's processor states: over all iterations)."""

    entered: int = 0
    exited: int = 0
    retried: int = 0
    caught: int = 0
    failed: int = 0
    aborted: int = 0

    @property
    def outcome(self) -> Outcome:
        if self.failed:
            return "failed"
        if self.caught:
            return "caught"
        if self.aborted:
            return "aborted"
        if self.retried:
            return "retried"
        if self.exited:
            return "succeeded"
        return "in-progress" if self.entered else "not-reached"


@dataclass(frozen=True, slots=True)
class Overlay:
    """Per state name, what happened; and the transitions taken (state names, START, END)."""

    states: Mapping[str, StateRecord]
    taken: frozenset[tuple[str, str]]
    caught_taken: frozenset[tuple[str, str]]
    status: str

    def outcome(self, name: str) -> Outcome:
        record = self.states.get(name)
        return "not-reached" if record is None else record.outcome


def events_of(data: Any) -> list[Mapping[str, Any]]:
    """The event list of a history in any shape we print or AWS returns.

    A list of events; ``{"events": [...]}`` (GetExecutionHistory); or ``{"history": [...]}``
    (``aslrun run --output json --history``).
    """
    if isinstance(data, Mapping):
        for key in ("events", "history"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list) or not all(
        isinstance(e, Mapping) and "type" in e and "id" in e for e in data
    ):
        raise ValueError(
            "not an execution history: expected a list of events with 'id' and 'type' "
            "(or an object with 'events' or 'history')"
        )
    return list(data)


def _name(event: Mapping[str, Any]) -> str | None:
    for key in ("stateEnteredEventDetails", "stateExitedEventDetails"):
        details = event.get(key)
        if isinstance(details, Mapping) and "name" in details:
            return str(details["name"])
    return None


class _Reader:
    def __init__(self, events: Sequence[Mapping[str, Any]]) -> None:
        self.by_id = {int(e["id"]): e for e in events}
        started = next((int(e["id"]) for e in events if e["type"] == "ExecutionStarted"), 0)
        self.previous: dict[int, int] = {}
        self.children: dict[int, list[Mapping[str, Any]]] = {}
        for e in events:
            prev = int(e.get("previousEventId", 0))
            if prev == 0 and str(e["type"]).endswith("StateEntered"):
                prev = started  # AWS: the first state entered records 0, following the start
            self.previous[int(e["id"])] = prev
            self.children.setdefault(prev, []).append(e)
        self.owners: dict[int, str | None] = {}

    def before(self, event: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The event ``event`` follows (``None``: none, or not in the history)."""
        return self.by_id.get(self.previous.get(int(event["id"]), 0))

    def owner(self, event_id: int) -> str | None:
        """The state an event belongs to: the nearest ``*StateEntered`` up the chain."""
        chain: list[int] = []
        found: str | None = None
        current = event_id
        while current in self.by_id and current not in self.owners:
            event = self.by_id[current]
            kind = str(event["type"])
            if kind.endswith("StateEntered"):
                found = _name(event)
                break
            if kind.endswith("StateExited"):
                break
            chain.append(current)
            current = self.previous.get(current, 0)
        else:
            found = self.owners.get(current)
        for item in chain:
            self.owners[item] = found
        return found

    def container(self, event_id: int, kind: str) -> str | None:
        """The Parallel/Map state a ``ParallelStateFailed``/``MapStateFailed`` belongs to."""
        depth = 0
        current = self.previous.get(event_id, 0)
        while current in self.by_id:
            event = self.by_id[current]
            if event["type"] == f"{kind}StateFailed":
                depth += 1
            elif event["type"] == f"{kind}StateEntered":
                if depth == 0:
                    return _name(event)
                depth -= 1
            current = self.previous.get(current, 0)
        return None

    def fate(self, event_id: int) -> Literal["retried", "caught", "failed"]:
        for child in self.children.get(event_id, ()):
            kind = str(child["type"])
            if kind.endswith("StateExited"):
                return "caught"
            if kind in _ATTEMPTS:
                return "retried"
        return "failed"


def _is_failure(kind: str) -> bool:
    if kind.startswith(("MapIteration", "MapRun", "Execution")):
        return False
    return kind.endswith(("Failed", "TimedOut")) or kind == "EvaluationFailed"


def read_history(history: Iterable[Mapping[str, Any]]) -> Overlay:
    """Read an execution's events into an :class:`Overlay`."""
    events = list(history)
    reader = _Reader(events)
    counts: dict[str, dict[str, int]] = {}
    taken: set[tuple[str, str]] = set()
    caught: set[tuple[str, str]] = set()
    status = "RUNNING"

    def bump(name: str | None, field: str) -> None:
        if name is not None:
            slot = counts.setdefault(name, {})
            slot[field] = slot.get(field, 0) + 1

    for event in events:
        kind = str(event["type"])
        event_id = int(event["id"])
        prev = reader.before(event)
        if kind.endswith("StateEntered"):
            name = _name(event)
            bump(name, "entered")
            if kind == "FailStateEntered":
                bump(name, "failed")
            _transition(reader, prev, name, taken, caught)
        elif kind.endswith("StateExited"):
            bump(_name(event), "exited")
        elif kind.endswith("StateAborted"):
            bump(reader.owner(event_id), "aborted")
        elif kind in _CONTAINER_END:
            owner = reader.container(event_id, _CONTAINER_END[kind])
            bump(owner, reader.fate(event_id))
        elif _is_failure(kind):
            bump(reader.owner(event_id), reader.fate(event_id))
        elif kind.startswith("Execution") and kind != "ExecutionStarted":
            status = kind.removeprefix("Execution").upper().replace("TIMEDOUT", "TIMED_OUT")
            if (
                prev is not None
                and _name(prev)
                and (kind == "ExecutionSucceeded" or prev["type"] == "FailStateEntered")
            ):
                taken.add((str(_name(prev)), END))
    records = {name: StateRecord(**c) for name, c in counts.items()}
    return Overlay(records, frozenset(taken), frozenset(caught), status)


def _transition(
    reader: _Reader,
    prev: Mapping[str, Any] | None,
    name: str | None,
    taken: set[tuple[str, str]],
    caught: set[tuple[str, str]],
) -> None:
    if prev is None or name is None:
        return
    kind = str(prev["type"])
    if kind == "ExecutionStarted":
        taken.add((START, name))
    elif kind.endswith("StateExited") and _name(prev) is not None:
        source = str(_name(prev))
        taken.add((source, name))
        before = reader.before(prev)
        if before is not None and (
            _is_failure(str(before["type"])) or before["type"] in _CONTAINER_END
        ):
            caught.add((source, name))
