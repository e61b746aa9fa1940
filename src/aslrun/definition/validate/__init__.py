"""The structural checker: every problem of a definition at once, with AWS's codes.

:func:`iter_diagnostics` walks a plain ASL dict (as :mod:`aslrun.definition.loader` returns it) and
yields :class:`~aslrun.errors.Diagnostic` values: errors (AWS refuses the definition) and
warnings (AWS deploys it, but it is probably a mistake).  It never raises on malformed input.
Codes are those of AWS's ValidateStateMachineDefinition where AWS has one
(``SCHEMA_VALIDATION_FAILED``, ``MISSING_TRANSITION_TARGET``, ``MISSING_END_STATE``,
``DUPLICATE_STATE_NAME``, ``INVALID_STATE_NAME``, ``INVALID_RESOURCE``, ``TOO_DEEPLY_NESTED``,
``NO_DOLLAR``, ``NO_PATH``, ``PASS_RESULT_IS_STATIC`` ...).

The per-state rules live in :mod:`.states` and :mod:`.choice`; this module walks
(sub)machines and checks what spans states: transitions, reachability, terminal
states, unique names, nesting and variables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from aslrun.definition.loader import Source, load_definition
from aslrun.definition.validate.checks import check_int
from aslrun.definition.validate.choice import rule_choice
from aslrun.definition.validate.states import (
    JSONATA,
    JSONPATH,
    STATE_RULES,
    StateContext,
    error,
)
from aslrun.definition.validate.variables import rule_variables
from aslrun.errors import Diagnostic

__all__ = ["MAX_NESTING", "RULES", "Machine", "iter_diagnostics", "validate"]

Loc = tuple[str | int, ...]
MAX_NESTING: Final = 50
"""Parallel/Map nesting beyond this is TOO_DEEPLY_NESTED (AWS does not publish its limit)."""

RULES: Final[tuple[Callable[[StateContext], Iterator[Diagnostic]], ...]] = (
    *STATE_RULES,
    rule_choice,
)
"""Every per-state rule, in the order they report."""

_MACHINE_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "root": frozenset(
        {"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"}
    ),
    "branch": frozenset({"StartAt", "States", "Comment", "QueryLanguage"}),
    "processor": frozenset({"StartAt", "States", "Comment", "ProcessorConfig"}),
}
_TERMINAL_TYPES = ("Succeed", "Fail")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Machine:
    """A state machine or sub-machine (a Parallel branch, a Map processor)."""

    body: Mapping[str, Any]
    path: Loc
    top_language: str
    depth: int
    kind: Literal["root", "branch", "processor"]


def validate(source: Source, **load_options: Any) -> list[Diagnostic]:
    """Load ``source`` (see :func:`~aslrun.definition.loader.load_definition`); list problems.

    Load warnings come first.  Raises :class:`~aslrun.errors.LoadError` when the source
    cannot be read or parsed at all.
    """
    loaded = load_definition(source, **load_options)
    return [*loaded.warnings, *loaded.screen(iter_diagnostics(loaded.definition))]


def iter_diagnostics(definition: Mapping[str, Any]) -> Iterator[Diagnostic]:
    """Yield every error and warning of a plain ASL definition."""
    if not isinstance(definition, Mapping):
        yield error((), "A state machine definition must be a JSON object", "MISSING_DESCRIPTION")
        return
    top = definition.get("QueryLanguage", JSONPATH)
    language = JSONATA if top == JSONATA else JSONPATH
    names: dict[str, Loc] = {}
    yield from _machine(Machine(definition, (), language, 0, "root"), names)
    yield from rule_variables(definition)


def _machine(machine: Machine, names: dict[str, Loc]) -> Iterator[Diagnostic]:
    yield from _machine_fields(machine)
    states = machine.body.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        path = (*machine.path, "States", str(name))
        yield from _state_name(name, path, names)
        if not isinstance(state, dict):
            yield error(path, "A state must be an object")
            continue
        kind = state.get("Type")
        if "Type" not in state:
            yield error(path, "The field 'Type' is required")
            continue
        if kind not in ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"):
            yield error((*path, "Type"), f"Unknown state type {kind!r}")
            continue
        ctx = StateContext(
            str(name), state, path, _language(state, machine.top_language), machine.top_language
        )
        for rule in RULES:
            yield from rule(ctx)
        yield from _children(ctx, machine, names)
    yield from _graph(machine, states)


def _language(state: Mapping[str, Any], top: str) -> str:
    """A state's effective query language: its own, else the top level's (not the parent's)."""
    if "QueryLanguage" not in state:
        return top
    return JSONPATH if state["QueryLanguage"] == JSONPATH else JSONATA


def _machine_fields(machine: Machine) -> Iterator[Diagnostic]:
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


def _state_name(name: Any, path: Loc, names: dict[str, Loc]) -> Iterator[Diagnostic]:
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


def _children(ctx: StateContext, machine: Machine, names: dict[str, Loc]) -> Iterator[Diagnostic]:
    body = ctx.body
    subs: list[tuple[Any, Loc, Literal["branch", "processor"]]] = []
    if ctx.type == "Parallel" and isinstance(body.get("Branches"), list):
        subs = [(b, (*ctx.path, "Branches", i), "branch") for i, b in enumerate(body["Branches"])]
    elif ctx.type == "Map":
        subs = [
            (body[k], (*ctx.path, k), "processor")
            for k in ("ItemProcessor", "Iterator")
            if k in body
        ]
    for sub, path, kind in subs:
        if not isinstance(sub, dict):
            yield error(
                path, "A branch or item processor must be an object with StartAt and States"
            )
        elif machine.depth + 1 > MAX_NESTING:
            yield error(
                path, f"States are nested more than {MAX_NESTING} levels deep", "TOO_DEEPLY_NESTED"
            )
        else:
            if kind == "processor":
                yield from _processor_config(sub.get("ProcessorConfig"), path)
            child = Machine(sub, path, machine.top_language, machine.depth + 1, kind)
            yield from _machine(child, names)


def _processor_config(config: Any, path: Loc) -> Iterator[Diagnostic]:
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


def _graph(machine: Machine, states: Mapping[str, Any]) -> Iterator[Diagnostic]:
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
