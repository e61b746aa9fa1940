"""The Parallel state, and the child processes Parallel and Map share.

A Parallel branch and a Map iteration each run as their own process with their own frame
(variable scope and event chain); the state waits on a ``Join`` and gathers results in order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from typing import Any

from aslrun._json import JSON
from aslrun.definition.model import Machine, MapState, ParallelState
from aslrun.errors import StateFailure, StatesError
from aslrun.lang.templates import Scope, apply_input_path
from aslrun.runtime.frame import Frame, StateRun, Variables
from aslrun.runtime.guarded import run_guarded
from aslrun.runtime.history import Payload
from aslrun.runtime.machine import run_machine
from aslrun.runtime.process import Effect, Join, Proc, StateGen

__all__ = ["run_parallel"]


def _spawn(
    frame: Frame,
    machine: Machine,
    data: JSON,
    before: Callable[[Frame], None] | None = None,
    after: Callable[[Frame, str], None] | None = None,
    *,
    separate: bool = False,
) -> Proc:
    """A child process running ``machine``; ``separate``: as a child execution with its own
    history and no access to the parent's variables (Distributed Map).

    ``before(child)`` and ``after(child, outcome)`` frame the run; ``outcome`` is
    ``Succeeded``, ``Failed`` or ``Aborted`` (stopped because a sibling failed).
    """
    if separate:
        rt = frame.rt.child_execution()
        rt.history.add(rt.clock.now(), "ExecutionStarted", 0, {"input": Payload(data)})
        child = Frame(rt, machine, Variables(), 0)  # AWS: the first state entered has 0
    else:
        child = Frame(frame.rt, machine, Variables(frame.variables), frame.last)

    def body() -> Generator[Effect, Any, JSON]:
        if before is not None:
            before(child)
        try:
            result = yield from run_machine(child, data)
        except StatesError:
            if after is not None:
                after(child, "Failed")
            raise
        except GeneratorExit:
            if after is not None and child.aborting:
                after(child, "Aborted")
            raise
        if after is not None:
            after(child, "Succeeded")
        return result

    proc = Proc(frame.rt.clock, body())
    proc.frame = child
    return proc


# ----------------------------------------------------------------------------------------------
# Parallel


def run_parallel(state: ParallelState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)
    try:
        effective = _effective(state, run, data)
    except StateFailure as f:
        raise frame.located(run, f) from None

    def attempt(run: StateRun) -> Generator[Effect, Any, JSON]:
        frame.event("ParallelStateStarted")
        failure: list[StatesError] = []

        def on_done(index: int, value: JSON, error: StatesError | None) -> bool:
            if error is not None:
                failure.append(error)
                return True
            return False

        factories: list[Callable[[], Proc]] = [
            functools.partial(_spawn, frame, b, effective) for b in state.branches
        ]
        outcomes = yield Join(factories, 0, on_done)
        if failure:
            raise failure[0]
        result = [o[0] if o is not None else None for o in outcomes]
        return _select(state, run, result)

    return (yield from run_guarded(frame, run, state, attempt, "ParallelStateFailed"))


def _effective(state: ParallelState | MapState, run: StateRun, data: JSON) -> JSON:
    if state.jsonata:
        if isinstance(state, ParallelState) and state.parameters is not None:
            return state.parameters.evaluate(Scope(data, run))
        return data
    effective = apply_input_path(state.input_path, data, run)
    if isinstance(state, ParallelState) and state.parameters is not None:
        return state.parameters.evaluate(Scope(effective, run))
    return effective


def _select(state: ParallelState | MapState, run: StateRun, result: JSON) -> JSON:
    if state.result_selector is not None and not state.jsonata:
        return state.result_selector.evaluate(Scope(result, run))
    return result
