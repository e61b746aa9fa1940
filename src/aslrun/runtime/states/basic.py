"""Pass, Succeed, Fail and Choice: the states that never yield, so a chain of them never
touches the scheduler."""

from __future__ import annotations

from typing import Any, cast

from aslrun._json import JSON
from aslrun.definition.model import (
    ChoiceState,
    FailState,
    PassState,
    SucceedState,
    Template,
)
from aslrun.errors import StateFailure, StatesError
from aslrun.lang.templates import (
    Scope,
    apply_input_path,
    apply_output_path,
    evaluate_typed,
    resolve_in,
)
from aslrun.runtime.frame import Frame, StateRun
from aslrun.runtime.guarded import _assign_jsonpath, _effective_input, complete
from aslrun.runtime.process import StateGen

__all__ = ["run_choice", "run_fail", "run_pass", "run_succeed"]


def run_pass(state: PassState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    try:
        if state.jsonata:
            out = complete(frame, run, state, data, has_result=False)
        else:
            path = state.input_path
            effective = data if path is None else apply_input_path(path, data, run)
            if state.has_result:
                if state.result_too_large:
                    raise StatesError(
                        "States.DataLimitExceeded",
                        f"The state/task '{state.name}' returned a result with a size "
                        "exceeding the maximum number of bytes service limit.",
                    )
                result = state.result
            elif state.parameters is not None:
                result = state.parameters.evaluate(Scope(effective, run))
            else:
                result = effective
            out = complete(
                frame, run, state, result, has_result=True, result_path=state.result_path
            )
    except StateFailure as f:
        raise frame.located(run, f) from None
    return state.next, out
    yield  # a generator that never waits


def run_succeed(state: SucceedState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    try:
        out = complete(frame, run, state, _effective_input(state, run, data), has_result=False)
    except StateFailure as f:
        raise frame.located(run, f) from None
    return None, out
    yield


def run_fail(state: FailState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    try:
        error = _fail_field(state.error, state.error_path, "Error", run, data)
        cause = _fail_field(state.cause, state.cause_path, "Cause", run, data)
    except StateFailure as f:
        raise frame.located(run, f) from None
    raise StatesError(error, cause)  # type: ignore[arg-type]
    yield


def _fail_field(
    value: str | Template | None,
    path_template: Template | None,
    field: str,
    run: StateRun,
    data: JSON,
) -> str | None:
    if path_template is not None:
        got = path_template.evaluate(Scope(data, run))
        if not isinstance(got, str):
            raise StateFailure(
                "States.Runtime",
                f"The {field}Path field must resolve to a string, but was: "
                f"{'null' if got is None else got}",
            )
        return got
    if isinstance(value, Template):
        got = evaluate_typed(value, run, field, "string")
        return str(got)
    return value if isinstance(value, str) else None


def run_choice(state: ChoiceState, frame: Frame, data: JSON) -> StateGen:
    from aslrun.lang import choice  # noqa: PLC0415  (loads on the first Choice state run)

    run = frame.enter(state, data)
    try:
        effective = _effective_input(state, run, data)
        if state.jsonata:
            rule = choice.choose(
                state.choices, lambda p: None, condition=lambda c: _condition(c, run)
            )
        else:
            scope = Scope(effective, run)
            rule = choice.choose(state.choices, lambda p: resolve_in(p, scope))
        if rule is None:
            if state.default is None:
                raise StatesError("States.NoChoiceMatched", "No Matches!")
            nxt = state.default
            assign, output = state.assign, state.output
        else:
            nxt = rule.next
            assign = rule.assign if rule.assign is not None else state.assign  # type: ignore[assignment]
            output = rule.output if rule.output is not None else state.output  # type: ignore[assignment]
        out = _complete_choice(frame, run, state, effective, assign, output)
    except StateFailure as f:
        raise frame.located(run, f) from None
    return nxt, out
    yield


def _condition(condition: Any, run: StateRun) -> bool:

    value = evaluate_typed(condition, run, "Condition", "boolean")
    return bool(value)


def _complete_choice(
    frame: Frame,
    run: StateRun,
    state: ChoiceState,
    effective: JSON,
    assign: Template | None,
    output: Template | None,
) -> JSON:
    if state.jsonata:
        scope = Scope(run.input, run)
        assigned = cast(
            "dict[str, JSON] | None", assign.evaluate(scope) if assign is not None else None
        )
        out = output.evaluate(scope) if output is not None else run.input
    else:
        assigned = _assign_jsonpath(assign, run, effective)
        out = apply_output_path(state.output_path, effective, run)
    frame.exit(run, out, assigned)
    return out
