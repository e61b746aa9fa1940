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
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from aslrun.definition.builders import Build, build_state
from aslrun.definition.loader import Source, load_definition
from aslrun.definition.model import Machine, State
from aslrun.definition.validate.checks import JSONATA, JSONPATH, StateContext, check_int, error
from aslrun.definition.validate.choice import rule_choice
from aslrun.definition.validate.payloads import (
    rule_assign,
    rule_jsonata,
    rule_no_path,
    rule_paths,
    rule_templates,
)
from aslrun.definition.validate.states import STATE_RULES
from aslrun.definition.validate.variables import rule_variables
from aslrun.errors import Diagnostic

__all__ = ["MAX_NESTING", "RULES", "iter_diagnostics", "load_model", "validate"]

Loc = tuple[str | int, ...]
MAX_NESTING: Final = 50
"""Parallel/Map nesting beyond this is TOO_DEEPLY_NESTED (AWS does not publish its limit)."""

RULES: Final[tuple[Callable[[StateContext], Iterator[Diagnostic]], ...]] = (
    *STATE_RULES,
    rule_paths,
    rule_templates,
    rule_no_path,
    rule_jsonata,
    rule_assign,
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
class _Scope:
    """Where the walk is: a state machine or sub-machine (a Parallel branch, a Map processor)."""

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
    yield from load_model(definition)[1]


def load_model(definition: Mapping[str, Any]) -> tuple[Machine, list[Diagnostic]]:
    """The one load walk: the model of ``definition`` and every diagnostic, in one pass.

    Each state is checked by the rules, then built from what they compiled; the model is
    meaningful only when no diagnostic is an error.  Never raises on malformed input.
    """
    if not isinstance(definition, Mapping):
        problem = error(
            (), "A state machine definition must be a JSON object", "MISSING_DESCRIPTION"
        )
        return Machine("", {}), [problem]
    top = definition.get("QueryLanguage", JSONPATH)
    language = JSONATA if top == JSONATA else JSONPATH
    found: list[Diagnostic] = []
    walk = _machine(_Scope(definition, (), language, 0, "root"), {})
    while True:
        try:
            found.append(next(walk))
        except StopIteration as done:
            machine: Machine = done.value
            break
    found.extend(rule_variables(definition))
    return machine, found


def _machine(machine: _Scope, names: dict[str, Loc]) -> Generator[Diagnostic, None, Machine]:
    yield from _machine_fields(machine)
    built: dict[str, State] = {}
    states = machine.body.get("States")
    if isinstance(states, dict):
        for name, state in states.items():
            model = yield from _state(machine, name, state, names)
            if model is not None:
                built[str(name)] = model
        yield from _graph(machine, states)
    return _machine_model(machine, built)


def _state(
    machine: _Scope, name: Any, state: Any, names: dict[str, Loc]
) -> Generator[Diagnostic, None, State | None]:
    """Check one state with every rule, then build it from what the rules compiled."""
    path = (*machine.path, "States", str(name))
    yield from _state_name(name, path, names)
    if not isinstance(state, dict):
        yield error(path, "A state must be an object")
        return None
    kind = state.get("Type")
    if "Type" not in state:
        yield error(path, "The field 'Type' is required")
        return None
    if kind not in ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"):
        yield error((*path, "Type"), f"Unknown state type {kind!r}")
        return None
    language = _language(state, machine.top_language)
    ctx = StateContext(str(name), state, path, language, machine.top_language)
    errors = 0
    for rule in RULES:
        for diagnostic in rule(ctx):
            errors += diagnostic.severity == "ERROR"
            yield diagnostic
    subs = yield from _children(ctx, machine, names)
    build = Build(ctx.pieces, subs, JSONATA if ctx.jsonata else JSONPATH)
    model = build_state(str(name), state, path, build)
    if not errors:
        yield from build.problems  # what only building finds
    return model


def _machine_model(machine: _Scope, states: dict[str, State]) -> Machine:
    body = machine.body
    start, timeout, comment = body.get("StartAt"), body.get("TimeoutSeconds"), body.get("Comment")
    return Machine(
        start if isinstance(start, str) else "",
        states,
        JSONATA if machine.top_language == JSONATA else JSONPATH,
        timeout if isinstance(timeout, int) and not isinstance(timeout, bool) else None,
        comment if isinstance(comment, str) else None,
        machine.path,
    )


def _language(state: Mapping[str, Any], top: str) -> str:
    """A state's effective query language: its own, else the top level's (not the parent's)."""
    if "QueryLanguage" not in state:
        return top
    return JSONPATH if state["QueryLanguage"] == JSONPATH else JSONATA


def _machine_fields(machine: _Scope) -> Iterator[Diagnostic]:
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


def _children(
    ctx: StateContext, machine: _Scope, names: dict[str, Loc]
) -> Generator[Diagnostic, None, dict[Loc, Machine]]:
    """Check and build a Parallel's branches or a Map's item processor."""
    built: dict[Loc, Machine] = {}
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
            child = _Scope(sub, path, machine.top_language, machine.depth + 1, kind)
            built[path] = yield from _machine(child, names)
    return built


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


def _graph(machine: _Scope, states: Mapping[str, Any]) -> Iterator[Diagnostic]:
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
