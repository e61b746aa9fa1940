"""The structural checker: every problem of a definition at once, with AWS's codes.

:func:`iter_diagnostics` walks a plain ASL dict (as :mod:`aslrun.definition.loader` returns it) and
yields :class:`~aslrun.errors.Diagnostic` values: errors (AWS refuses the definition) and
warnings (AWS deploys it, but it is probably a mistake).  It never raises on malformed input.
Codes are those of AWS's ValidateStateMachineDefinition where AWS has one
(``SCHEMA_VALIDATION_FAILED``, ``MISSING_TRANSITION_TARGET``, ``MISSING_END_STATE``,
``DUPLICATE_STATE_NAME``, ``INVALID_STATE_NAME``, ``INVALID_RESOURCE``, ``TOO_DEEPLY_NESTED``,
``NO_DOLLAR``, ``NO_PATH``, ``PASS_RESULT_IS_STATIC`` ...).

This module is the one load walk (:func:`load_model`): it enters each (sub)machine, runs the
machine rules (:mod:`.machine`: fields, names, transitions, terminal states), checks each
state with :data:`RULES` (:mod:`.states`, :mod:`.retry_catch`, :mod:`.payloads`,
:mod:`.choice`), which compile what they check, then builds the state from those compiled
pieces (:mod:`aslrun.definition.builders`).  Variables are checked last (:mod:`.variables`).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any, Final, Literal

from aslrun.definition.builders import Build, build_state
from aslrun.definition.loader import Source, load_definition
from aslrun.definition.model import Machine, State
from aslrun.definition.validate.checks import JSONATA, JSONPATH, StateContext, error
from aslrun.definition.validate.choice import rule_choice
from aslrun.definition.validate.machine import (
    Scope,
    graph,
    machine_fields,
    processor_config,
    state_name,
)
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
    walk = _machine(Scope(definition, (), language, 0, "root"), {})
    while True:
        try:
            found.append(next(walk))
        except StopIteration as done:
            machine: Machine = done.value
            break
    found.extend(rule_variables(definition))
    return machine, found


def _machine(machine: Scope, names: dict[str, Loc]) -> Generator[Diagnostic, None, Machine]:
    yield from machine_fields(machine)
    built: dict[str, State] = {}
    states = machine.body.get("States")
    if isinstance(states, dict):
        for name, state in states.items():
            model = yield from _state(machine, name, state, names)
            if model is not None:
                built[str(name)] = model
        yield from graph(machine, states)
    return _machine_model(machine, built)


def _state(
    machine: Scope, name: Any, state: Any, names: dict[str, Loc]
) -> Generator[Diagnostic, None, State | None]:
    """Check one state with every rule, then build it from what the rules compiled."""
    path = (*machine.path, "States", str(name))
    yield from state_name(name, path, names)
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
    build = Build(ctx.pieces, subs, JSONATA if ctx.jsonata else JSONPATH, ctx.expressions)
    model = build_state(str(name), state, path, build)
    if not errors:
        yield from build.problems  # what only building finds
    return model


def _machine_model(machine: Scope, states: dict[str, State]) -> Machine:
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


def _children(
    ctx: StateContext, machine: Scope, names: dict[str, Loc]
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
                yield from processor_config(sub.get("ProcessorConfig"), path)
            child = Scope(sub, path, machine.top_language, machine.depth + 1, kind)
            built[path] = yield from _machine(child, names)
    return built
