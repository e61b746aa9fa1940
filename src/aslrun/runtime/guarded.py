"""The shared tail of a state: data flow and Assign on completion; Retry and Catch around
the part of a Task, Parallel or Map state that can fail."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, cast

from aslrun._json import JSON
from aslrun.definition.model import (
    State,
    Template,
)
from aslrun.errors import HeartbeatTimeout, StateFailure, StatesError
from aslrun.handlers.registry import new_request_id
from aslrun.lang.templates import (
    OptPath,
    Scope,
    apply_input_path,
    apply_output_path,
    apply_result_path,
)
from aslrun.runtime.frame import Frame, StateRun
from aslrun.runtime.process import Effect, StateGen, sleep
from aslrun.runtime.retry import UNCATCHABLE, find_catcher, next_retry


def located(frame: Frame, run: StateRun, err: StatesError) -> StatesError:
    return frame.located(run, err) if isinstance(err, StateFailure) else err


# ----------------------------------------------------------------------------------------------
# Completing a state: Assign, ResultPath/OutputPath or Output, and the exit event


def _assign_jsonpath(
    template: Template | None, run: StateRun, data: JSON
) -> dict[str, JSON] | None:
    if template is None:
        return None
    value = template.evaluate(Scope(data, run))
    assert isinstance(value, dict)
    return value


def complete(
    frame: Frame,
    run: StateRun,
    state: State,
    result: JSON,
    *,
    has_result: bool,
    result_path: OptPath = None,
) -> JSON:
    """Finish a state that produced ``result``: data flow, Assign, exit event; return output.

    JSONPath: Assign sees ``result``; ResultPath places it into the raw input (when the state
    has a result), then OutputPath.  JSONata: Output and Assign see ``$states.result``.
    """
    if state.jsonata:
        scope = Scope(run.input, run, result=(result,) if has_result else None)
        # Assign is an object in the definition, so its value is a dict (not checked per state)
        assigned = cast(
            "dict[str, JSON] | None",
            state.assign.evaluate(scope) if state.assign is not None else None,
        )
        output = state.output.evaluate(scope) if state.output is not None else result
    else:  # (the None checks inline: this runs on every JSONPath state)
        assign = state.assign
        assigned = None if assign is None else _assign_jsonpath(assign, run, result)
        if has_result:
            output = (
                result if result_path is None else apply_result_path(result_path, run.input, result)
            )
        else:
            output = result
        if state.output_path is not None:
            output = apply_output_path(state.output_path, output, run)
    frame.exit(run, output, assigned)
    return output


def _effective_input(state: State, run: StateRun, data: JSON) -> JSON:
    if state.jsonata or state.input_path is None:
        return data
    return apply_input_path(state.input_path, data, run)


# ----------------------------------------------------------------------------------------------
# Retry and Catch around the part of a state that can fail


def run_guarded(
    frame: Frame,
    run: StateRun,
    state: Any,
    body: Callable[[StateRun], Generator[Effect, Any, JSON]],
    failed_event: str | None = None,
    *,
    task_tokens: bool = False,
) -> StateGen:
    """The rest of a Task, Parallel or Map state: ``body`` under Retry and Catch, then
    ResultPath/OutputPath (or Output) and Assign; returns ``(next_state, output)``.

    ``body`` gets each attempt as its own ``StateRun`` (``$$.State.RetryCount``; with
    ``task_tokens``, a fresh ``$$.Task.Token``).  A failure no retrier retries records
    ``failed_event`` (when given; AWS records ParallelStateFailed / MapStateFailed, caught or
    not), then goes to the catchers; one no catcher catches is raised.
    """
    counts = [0] * len(state.retry)
    rt = frame.rt
    attempt = run.with_token(new_request_id(rt.random)) if task_tokens else run
    while True:
        try:
            result = yield from body(attempt)
            break
        except GeneratorExit:
            _aborted(frame, state)
            raise
        except StatesError as raw:
            err = located(frame, attempt, raw)
            delay = (
                None
                if err.error in UNCATCHABLE
                else next_retry(
                    state.retry, counts, err.error, rt.random, isinstance(err, HeartbeatTimeout)
                )
            )
            if delay is None:
                if failed_event is not None:
                    frame.event(failed_event)
                return _catch(frame, attempt, state, err)
            attempt = attempt.attempt(attempt.retry_count + 1)
            yield sleep(rt, rt.clock.now() + delay)
            if task_tokens:
                attempt = attempt.with_token(new_request_id(rt.random))
    try:
        out = complete(
            frame, attempt, state, result, has_result=True, result_path=state.result_path
        )
    except StateFailure as f:
        raise frame.located(attempt, f) from None
    return state.next, out


def _aborted(frame: Frame, state: Any) -> None:
    """Record ``<Type>StateAborted`` when a sibling's failure stops the state mid-way."""
    if frame.aborting:
        frame.event(f"{state.type}StateAborted")


def _catch(frame: Frame, run: StateRun, state: Any, err: StatesError) -> tuple[str | None, JSON]:
    heartbeat = isinstance(err, HeartbeatTimeout)
    catcher = None if err.error in UNCATCHABLE else find_catcher(state.catch, err.error, heartbeat)
    if catcher is None:
        raise err
    error_output: dict[str, JSON] = {"Error": err.error}
    if err.cause is not None:
        error_output["Cause"] = err.cause
    try:
        if state.jsonata:
            scope = Scope(run.input, run, error_output=error_output)
            assigned = cast(
                "dict[str, JSON] | None",
                catcher.assign.evaluate(scope) if catcher.assign is not None else None,
            )
            output = catcher.output.evaluate(scope) if catcher.output is not None else error_output
        else:
            assigned = _assign_jsonpath(catcher.assign, run, error_output)
            output = apply_result_path(catcher.result_path, run.input, error_output)
    except StateFailure as f:
        raise frame.located(run, f) from None
    frame.exit(run, output, assigned)
    return catcher.next, output
