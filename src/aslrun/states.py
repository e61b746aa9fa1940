"""One runner per state type, and the loop that runs a (sub-)machine.

Each runner is a generator ``run_x(state, frame, data)`` returning ``(next_state, output)``
(``next_state`` None when the machine ends).  Runners yield only when time must pass or when
they wait for child processes; a chain of Pass states never touches the scheduler.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any, Final

from aslrun._json import JSON
from aslrun.dataflow import (
    Scope,
    apply_input_path,
    apply_output_path,
    apply_result_path,
    evaluate_typed,
    resolve_in,
)
from aslrun.engine import Frame, Sleep, StateGen, StateRun
from aslrun.errors import StateFailure, StatesError
from aslrun.model import (
    ChoiceState,
    FailState,
    PassState,
    State,
    SucceedState,
    Template,
    WaitState,
)
from aslrun.retry import UNCATCHABLE, find_catcher, next_retry
from aslrun.timing import wait_until

__all__ = ["RUNNERS", "complete", "located", "run_guarded", "run_machine"]


def run_machine(frame: Frame, data: JSON) -> Generator[Any, Any, JSON]:
    """Run a (sub-)machine from StartAt to its end; return its output."""
    machine = frame.machine
    states = machine.states
    runners = RUNNERS
    name: str | None = machine.start_at
    while name is not None:
        state = states[name]
        name, data = yield from runners[state.type](state, frame, data)
    return data


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
    result_path: Any = None,
) -> JSON:
    """Finish a state that produced ``result``: data flow, Assign, exit event; return output.

    JSONPath: Assign sees ``result``; ResultPath places it into the raw input (when the state
    has a result), then OutputPath.  JSONata: Output and Assign see ``$states.result``.
    """
    if state.query_language == "JSONata":
        scope = Scope(run.input, run, result=(result,) if has_result else None)
        assigned = state.assign.evaluate(scope) if state.assign is not None else None
        output = state.output.evaluate(scope) if state.output is not None else result
    else:
        assigned = _assign_jsonpath(state.assign, run, result)
        output = apply_result_path(result_path, run.input, result) if has_result else result
        output = apply_output_path(state.output_path, output, run)
    frame.exit(run, output, assigned)
    return output


def _effective_input(state: State, run: StateRun, data: JSON) -> JSON:
    if state.query_language == "JSONata":
        return data
    return apply_input_path(state.input_path, data, run)


# ----------------------------------------------------------------------------------------------
# Retry and Catch around the part of a state that can fail


def run_guarded(
    frame: Frame,
    run: StateRun,
    state: Any,
    body: Callable[[], Generator[Any, Any, JSON]],
    failed_event: str | None = None,
) -> StateGen:
    """The rest of a Task, Parallel or Map state: ``body`` under Retry and Catch, then
    ResultPath/OutputPath (or Output) and Assign; returns ``(next_state, output)``.

    A failure no retrier retries records ``failed_event`` (when given; AWS records
    ParallelStateFailed / MapStateFailed, caught or not), then goes to the catchers; one no
    catcher catches is raised.
    """
    counts = [0] * len(state.retry)
    rt = frame.rt
    while True:
        try:
            result = yield from body()
            break
        except GeneratorExit:
            _aborted(frame, state)
            raise
        except StatesError as raw:
            err = located(frame, run, raw)
            delay = (
                None
                if err.error in UNCATCHABLE
                else next_retry(state.retry, counts, err.error, rt.random)
            )
            if delay is None:
                if failed_event is not None:
                    frame.event(failed_event)
                return _catch(frame, run, state, err)
            run.retry_count += 1
            yield Sleep(rt.clock.now() + delay)
    try:
        out = complete(frame, run, state, result, has_result=True, result_path=state.result_path)
    except StateFailure as f:
        raise frame.located(run, f) from None
    return state.next, out


def _aborted(frame: Frame, state: Any) -> None:
    """Record ``<Type>StateAborted`` when a sibling's failure stops the state mid-way."""
    if frame.aborting:
        frame.event(f"{state.type}StateAborted")


def _catch(frame: Frame, run: StateRun, state: Any, err: StatesError) -> tuple[str | None, JSON]:
    catcher = None if err.error in UNCATCHABLE else find_catcher(state.catch, err.error)
    if catcher is None:
        raise err
    error_output: dict[str, JSON] = {"Error": err.error}
    if err.cause is not None:
        error_output["Cause"] = err.cause
    try:
        if state.query_language == "JSONata":
            scope = Scope(run.input, run, error_output=error_output)
            assigned = catcher.assign.evaluate(scope) if catcher.assign is not None else None
            output = catcher.output.evaluate(scope) if catcher.output is not None else error_output
        else:
            assigned = _assign_jsonpath(catcher.assign, run, error_output)
            output = apply_result_path(catcher.result_path, run.input, error_output)
    except StateFailure as f:
        raise frame.located(run, f) from None
    frame.exit(run, output, assigned)
    return catcher.next, output


# ----------------------------------------------------------------------------------------------
# Pass, Succeed, Fail, Choice, Wait


def run_pass(state: PassState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    try:
        if state.query_language == "JSONata":
            out = complete(frame, run, state, data, has_result=False)
        else:
            effective = apply_input_path(state.input_path, data, run)
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
    value: Any, path_template: Template | None, field: str, run: StateRun, data: JSON
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
    from aslrun import choice  # noqa: PLC0415

    run = frame.enter(state, data)
    try:
        effective = _effective_input(state, run, data)
        if state.query_language == "JSONata":
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
    if state.query_language == "JSONata":
        scope = Scope(run.input, run)
        assigned = assign.evaluate(scope) if assign is not None else None
        out = output.evaluate(scope) if output is not None else run.input
    else:
        assigned = _assign_jsonpath(assign, run, effective)
        out = apply_output_path(state.output_path, effective, run)
    frame.exit(run, out, assigned)
    return out


def run_wait(state: WaitState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    clock = frame.rt.clock
    try:
        effective = _effective_input(state, run, data)
        until = wait_until(state, run, effective, clock.now())
    except StateFailure as f:
        raise frame.located(run, f) from None
    if until > clock.now():
        try:
            yield Sleep(until)
        except GeneratorExit:
            _aborted(frame, state)
            raise
    try:
        out = complete(frame, run, state, effective, has_result=False)
    except StateFailure as f:
        raise frame.located(run, f) from None
    return state.next, out


def _task_runner(state: Any, frame: Frame, data: JSON) -> StateGen:
    from aslrun.tasks import run_task  # noqa: PLC0415

    return (yield from run_task(state, frame, data))


def _parallel_runner(state: Any, frame: Frame, data: JSON) -> StateGen:
    from aslrun.concurrency import run_parallel  # noqa: PLC0415

    return (yield from run_parallel(state, frame, data))


def _map_runner(state: Any, frame: Frame, data: JSON) -> StateGen:
    from aslrun.concurrency import run_map  # noqa: PLC0415

    return (yield from run_map(state, frame, data))


RUNNERS: Final[Mapping[str, Callable[[Any, Frame, JSON], StateGen]]] = {
    "Pass": run_pass,
    "Task": _task_runner,
    "Choice": run_choice,
    "Wait": run_wait,
    "Succeed": run_succeed,
    "Fail": run_fail,
    "Parallel": _parallel_runner,
    "Map": _map_runner,
}
