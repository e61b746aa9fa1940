"""Coverage of a state machine by executions: states entered, transitions taken, Choice rules
and Defaults chosen, Catchers and Retriers exercised, Parallel branches run, Map iterations.

Everything is read from an execution's history (the ``previousEventId`` chain says which
event led to which) and the definition, so any execution counts: the service's, one from
``StateMachine.run``, or a history recorded on AWS.  Which Choice rule led on is not in the
history (AWS records only the state entered next); when only one rule (or the Default) leads
to that state it is that one, and when several do, the rules are evaluated again, in order,
on the input the Choice state was entered with (JSONPath rules; a JSONata rule that cannot be
re-evaluated is credited to the first rule leading there).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from aslrun.runtime.retry import matches
from aslrun.toolkit.coverage_choice import walk_states as _walk
from aslrun.toolkit.coverage_choice import which_rule

__all__ = ["KINDS", "CoverageCollector", "MachineCoverage", "Point"]

KINDS: Final = ("state", "transition", "choice", "default", "catch", "retry", "branch")
"""The kinds of coverage point; every kind but ``state`` is a branch, as in coverage.py."""

Point = tuple[str, str, str]
"""(kind, state name, detail): ``("choice", "IsDone", "1")`` is rule #1 (0-based) of IsDone,
``("transition", "A", "B")`` the ``Next`` from A to B, ``("state", "A", "")`` state A."""


def _points(name: str, state: Mapping[str, Any]) -> Iterator[tuple[Point, str]]:
    yield ("state", name, ""), name
    nxt = state.get("Next")
    if isinstance(nxt, str):
        yield ("transition", name, nxt), f"{name} -> {nxt}"
    for i, rule in enumerate(state.get("Choices") or []):
        target = rule.get("Next") if isinstance(rule, Mapping) else None
        yield ("choice", name, str(i)), f"{name} rule #{i + 1} -> {target}"
    if isinstance(state.get("Default"), str):
        yield ("default", name, ""), f"{name} Default -> {state['Default']}"
    for i, catcher in enumerate(state.get("Catch") or []):
        errors = ", ".join(catcher.get("ErrorEquals") or []) if isinstance(catcher, Mapping) else ""
        yield ("catch", name, str(i)), f"{name} Catch #{i + 1} [{errors}]"
    for i, retrier in enumerate(state.get("Retry") or []):
        errors = ", ".join(retrier.get("ErrorEquals") or []) if isinstance(retrier, Mapping) else ""
        yield ("retry", name, str(i)), f"{name} Retry #{i + 1} [{errors}]"
    for i, _ in enumerate(state.get("Branches") or []):
        yield ("branch", name, str(i)), f"{name} branch #{i + 1}"


def _details(event: Mapping[str, Any]) -> Mapping[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, Mapping):
            return value
    return {}


def _is_failure(kind: str) -> bool:
    return kind.endswith(("Failed", "TimedOut")) and not kind.startswith(("Execution", "Map"))


@dataclass
class MachineCoverage:
    """One state machine's coverage points and how often executions hit each."""

    name: str
    definition: Mapping[str, Any]
    labels: dict[Point, str] = field(default_factory=dict)
    hits: Counter[Point] = field(default_factory=Counter)
    executions: int = 0
    map_iterations: Counter[str] = field(default_factory=Counter)
    taken: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.states: dict[str, Mapping[str, Any]] = dict(_walk(self.definition.get("States", {})))
        for name, state in self.states.items():
            self.labels.update(_points(name, state))
        self._branch_of: dict[str, tuple[str, int]] = {}
        for name, state in self.states.items():
            for i, branch in enumerate(state.get("Branches") or []):
                start = branch.get("StartAt") if isinstance(branch, Mapping) else None
                if isinstance(start, str):
                    self._branch_of[start] = (name, i)

    # -- reading a history ------------------------------------------------------------------

    def add(self, history: Iterable[Mapping[str, Any]]) -> None:
        """Count one execution's history (GetExecutionHistory's ``events``)."""
        from aslrun.toolkit.graph_overlay import read_history  # noqa: PLC0415 - loaded on use

        events = list(history)
        self.taken |= read_history(events).taken
        by_id = {int(e["id"]): e for e in events}
        self.executions += 1
        for event in events:
            kind = str(event["type"])
            prev = by_id.get(int(event.get("previousEventId", 0)))
            if kind.endswith("StateEntered"):
                self._entered(event, prev, by_id)
            elif kind == "MapIterationStarted":
                self.map_iterations[str(_details(event).get("name", ""))] += 1
            elif _is_failure(kind) and kind != "FailStateEntered":
                self._maybe_retried(event, events, by_id)

    def _hit(self, point: Point) -> None:
        if point in self.labels:
            self.hits[point] += 1

    def _entered(
        self, event: Mapping[str, Any], prev: Mapping[str, Any] | None, by_id: Mapping[int, Any]
    ) -> None:
        name = str(_details(event).get("name"))
        self._hit(("state", name, ""))
        if name in self._branch_of:
            parent, index = self._branch_of[name]
            self._hit(("branch", parent, str(index)))
        if prev is None:
            return
        if not str(prev["type"]).endswith("StateExited"):
            return
        source = str(_details(prev).get("name"))
        state = self.states.get(source, {})
        before = by_id.get(int(prev.get("previousEventId", 0)))
        before_kind = "" if before is None else str(before["type"])
        if before is not None and (
            _is_failure(before_kind) or before_kind in ("ParallelStateFailed", "MapStateFailed")
        ):
            self._caught(source, state, str(_details(before).get("error", "")))
        elif state.get("Type") == "Choice":
            self._choice(source, state, name, by_id, prev)
        else:
            self._hit(("transition", source, name))

    def _caught(self, source: str, state: Mapping[str, Any], error: str) -> None:
        for i, catcher in enumerate(state.get("Catch") or []):
            if matches(catcher.get("ErrorEquals") or [], error):
                self._hit(("catch", source, str(i)))
                return

    def _choice(
        self,
        source: str,
        state: Mapping[str, Any],
        target: str,
        by_id: Mapping[int, Any],
        exited: Mapping[str, Any],
    ) -> None:
        rules = [r for r in state.get("Choices") or [] if isinstance(r, Mapping)]
        leading = [i for i, r in enumerate(rules) if r.get("Next") == target]
        default = state.get("Default") == target
        if len(leading) + int(default) == 1:
            point = ("choice", source, str(leading[0])) if leading else ("default", source, "")
            self._hit(point)
            return
        entered = _entry_of(exited, by_id)
        chosen = _reevaluate(self.definition, source, entered)
        if chosen is None:
            if default and not leading:
                self._hit(("default", source, ""))
            elif leading:
                self._hit(("choice", source, str(leading[0])))
            return
        self._hit(("default", source, "") if chosen < 0 else ("choice", source, str(chosen)))

    def _maybe_retried(
        self, failure: Mapping[str, Any], events: list[Mapping[str, Any]], by_id: Mapping[int, Any]
    ) -> None:
        """A failure followed (in its chain) by a new attempt rather than the state's exit or
        the execution's end: the first Retrier matching its error was exercised."""
        fid = int(failure["id"])
        children = [e for e in events if int(e.get("previousEventId", 0)) == fid]
        if not children or any(
            str(c["type"]).endswith(("StateExited", "StateFailed", "StateAborted"))
            or str(c["type"]).startswith("Execution")
            for c in children
        ):
            return
        owner = _entry_of(failure, by_id)
        if owner is None:
            return
        name = str(_details(owner).get("name"))
        error = str(_details(failure).get("error", ""))
        for i, retrier in enumerate(self.states.get(name, {}).get("Retry") or []):
            if matches(retrier.get("ErrorEquals") or [], error):
                self._hit(("retry", name, str(i)))
                return

    # -- results ----------------------------------------------------------------------------

    def counts(self) -> dict[str, tuple[int, int]]:
        """Per kind: (points, points hit)."""
        out: dict[str, tuple[int, int]] = {}
        for kind in KINDS:
            points = [p for p in self.labels if p[0] == kind]
            out[kind] = (len(points), sum(1 for p in points if self.hits[p]))
        return out

    def percent(self) -> float:
        total = len(self.labels)
        return 100.0 if total == 0 else 100.0 * sum(1 for p in self.labels if self.hits[p]) / total

    def missing(self) -> list[str]:
        return [label for p, label in self.labels.items() if not self.hits[p]]


def _entry_of(event: Mapping[str, Any], by_id: Mapping[int, Any]) -> Mapping[str, Any] | None:
    """The StateEntered event that ``event`` descends from in the previousEventId chain."""
    seen = 0
    current = by_id.get(int(event.get("previousEventId", 0)))
    while current is not None and seen < len(by_id):
        if str(current["type"]).endswith("StateEntered"):
            return current  # type: ignore[no-any-return]
        current = by_id.get(int(current.get("previousEventId", 0)))
        seen += 1
    return None


def _reevaluate(
    definition: Mapping[str, Any], name: str, entered: Mapping[str, Any] | None
) -> int | None:
    """The index of the Choice rule that matches the state's recorded input (-1: none, so
    the Default), or None when the rules cannot be evaluated again offline."""
    if entered is None:
        return None
    try:
        data = json.loads(str(_details(entered).get("input", "null")))
    except ValueError:
        return None
    return which_rule(definition, name, data)


class CoverageCollector:
    """Coverage across many executions, per state machine (keyed by name and definition)."""

    def __init__(self) -> None:
        self.machines: dict[str, MachineCoverage] = {}

    def add(self, definition: Any, history: Iterable[Mapping[str, Any]], name: str = "") -> None:
        """Count one execution: ``definition`` is an ASL dict or a StateMachine."""
        if not isinstance(definition, Mapping):
            name = name or str(getattr(definition, "name", ""))
            definition = getattr(definition, "definition", definition)
        if not isinstance(definition, Mapping):
            raise TypeError("expected an ASL definition (a dict) or a StateMachine")
        key = json.dumps(definition, sort_keys=True, default=str)
        name = name or "StateMachine"
        found = self.machines.get(key)
        if found is None:
            taken = {m.name for m in self.machines.values()}
            unique, n = name, 1
            while unique in taken:  # another definition under the same name: a new row
                n += 1
                unique = f"{name} #{n}"
            found = self.machines[key] = MachineCoverage(unique, definition)
        found.add(history)

    def add_execution(self, machine: Any, execution: Any) -> None:
        self.add(machine, execution.history)

    def __iter__(self) -> Iterator[MachineCoverage]:
        return iter(sorted(self.machines.values(), key=lambda m: m.name))

    def percent(self) -> float:
        total = sum(len(m.labels) for m in self.machines.values())
        hit = sum(1 for m in self.machines.values() for p in m.labels if m.hits[p])
        return 100.0 if total == 0 else 100.0 * hit / total
