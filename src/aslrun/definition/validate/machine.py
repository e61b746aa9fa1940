"""The rules about a whole (sub-)machine: its fields, state names, transitions, terminal states.

The load walk (:mod:`aslrun.definition.validate`) runs these on each state machine, Parallel
branch and Map item processor it enters; the per-state rules are in :mod:`.states`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from aslrun.definition.validate.checks import JSONATA, JSONPATH, check_int, error
from aslrun.errors import Diagnostic

__all__ = ["Scope", "graph", "machine_fields", "processor_config", "state_name"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Scope:
    """Where the walk is: a state machine or sub-machine (a Parallel branch, a Map processor)."""

    body: Mapping[str, Any]
    path: Loc
    top_language: str
    depth: int
    kind: Literal["root", "branch", "processor"]


_MACHINE_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "root": frozenset(
        {"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"}
    ),
    "branch": frozenset({"StartAt", "States", "Comment", "QueryLanguage"}),
    "processor": frozenset({"StartAt", "States", "Comment", "ProcessorConfig"}),
}
_TERMINAL_TYPES = ("Succeed", "Fail")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def machine_fields(machine: Scope) -> Iterator[Diagnostic]:
    body, path = machine.body, machine.path
    for key in body:
        if key not in _MACHINE_FIELDS[machine.kind]:
            yield error((*path, key), f"Field '{key}' is not supported")
    if not isinstance(body.get("StartAt"), str):
        yield error((*path, "StartAt"), "The field 'StartAt' is required (a state name)")
    states = body.get("States")
    if not isinstance(states, dict) or not states:
        yield error((*path, "States"), "The field 'States' must be a non-empty object")
    if "Comment" in body and not isinstance(body["Comment"], str):
        yield error((*path, "Comment"), "The field 'Comment' must be a string")
    if machine.kind == "root":
        if "Version" in body and not isinstance(body["Version"], str):
            yield error(("Version",), "The field 'Version' must be a string")
        if "TimeoutSeconds" in body:
            yield from check_int(None, body["TimeoutSeconds"], ("TimeoutSeconds",), 1)
        if "QueryLanguage" in body and body["QueryLanguage"] not in (JSONPATH, JSONATA):
            yield error(
                ("QueryLanguage",), "The field 'QueryLanguage' must be 'JSONPath' or 'JSONata'"
            )


def state_name(name: Any, path: Loc, names: dict[str, Loc]) -> Iterator[Diagnostic]:
    if not isinstance(name, str):
        yield error(path, f"State name {name!r} must be a string", "INVALID_STATE_NAME")
        return
    if not 0 < len(name) <= 80:
        yield error(
            path,
            f"State name must be 1 to 80 characters (this one has {len(name)})",
            "INVALID_STATE_NAME",
        )
    elif _CONTROL.search(name):
        yield error(path, "State name must not contain control characters", "INVALID_STATE_NAME")
    if name in names:
        where = ".".join(str(p) for p in names[name])
        yield error(
            path,
            f"State name '{name}' is used more than once (also at $.{where}); "
            "names must be unique across the whole state machine",
            "DUPLICATE_STATE_NAME",
        )
    else:
        names[name] = path


def processor_config(config: Any, path: Loc) -> Iterator[Diagnostic]:
    if config is None:
        return
    here = (*path, "ProcessorConfig")
    if not isinstance(config, dict):
        yield error(here, "The field 'ProcessorConfig' must be an object")
        return
    if config.get("Mode", "INLINE") not in ("INLINE", "DISTRIBUTED"):
        yield error((*here, "Mode"), "The field 'Mode' must be 'INLINE' or 'DISTRIBUTED'")
    if "ExecutionType" in config and config["ExecutionType"] not in ("STANDARD", "EXPRESS"):
        yield error(
            (*here, "ExecutionType"), "The field 'ExecutionType' must be 'STANDARD' or 'EXPRESS'"
        )


# -- transitions ---------------------------------------------------------------------


def _targets(state: Mapping[str, Any], path: Loc) -> Iterator[tuple[Loc, str]]:
    """Every state name a state may transition to, with where it is written."""
    if isinstance(state.get("Next"), str):
        yield (*path, "Next"), state["Next"]
    if state.get("Type") == "Choice":
        if isinstance(state.get("Default"), str):
            yield (*path, "Default"), state["Default"]
        choices = state.get("Choices")
        for i, rule in enumerate(choices if isinstance(choices, list) else []):
            if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
                yield (*path, "Choices", i, "Next"), rule["Next"]
    catch = state.get("Catch")
    if state.get("Type") in ("Task", "Parallel", "Map") and isinstance(catch, list):
        for i, catcher in enumerate(catch):
            if isinstance(catcher, dict) and isinstance(catcher.get("Next"), str):
                yield (*path, "Catch", i, "Next"), catcher["Next"]


def graph(machine: Scope, states: Mapping[str, Any]) -> Iterator[Diagnostic]:
    """MISSING_TRANSITION_TARGET (dangling targets, unreachable states), MISSING_END_STATE."""
    edges: dict[str, list[str]] = {}
    inner = machine.kind != "root"
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        edges[name] = []
        for path, target in _targets(state, (*machine.path, "States", str(name))):
            if target in states:
                edges[name].append(target)
            else:
                hint = (
                    " (a transition cannot leave its Parallel branch or Map processor)"
                    if inner
                    else ""
                )
                yield error(
                    path, f"Missing 'Next' target: {target}{hint}", "MISSING_TRANSITION_TARGET"
                )
    start = machine.body.get("StartAt")
    if isinstance(start, str) and start not in states:
        yield error(
            (*machine.path, "StartAt"),
            f"Missing 'StartAt' target: {start}",
            "MISSING_TRANSITION_TARGET",
        )
    if not any(
        isinstance(s, dict) and (s.get("End") is True or s.get("Type") in _TERMINAL_TYPES)
        for s in states.values()
    ):
        yield error(machine.path, "Workflow has no terminal state", "MISSING_END_STATE")
        return
    if isinstance(start, str) and start in states:
        reached = _reachable(start, edges)
        for name in states:
            if name not in reached:
                yield error(
                    (*machine.path, "States", str(name)),
                    f'State "{name}" is not reachable.',
                    "MISSING_TRANSITION_TARGET",
                )


def _reachable(start: str, edges: Mapping[str, list[str]]) -> set[str]:
    reached, todo = {start}, [start]
    while todo:
        for target in edges.get(todo.pop(), []):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    return reached
