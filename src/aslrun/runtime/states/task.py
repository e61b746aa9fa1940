"""The Task state: its input and parameters, the ``Invoke`` it yields, the events it records.

The work itself is the invoker's (``aslrun.handlers.invoker`` calls a Python handler; a
service queues an activity's task for ``get_activity_task``); the state records TaskScheduled
before it (an activity's ActivityScheduled when the invoker takes it: a missing activity
records none) and TaskSucceeded/Failed/TimedOut (LambdaFunction* for a function ARN,
Activity* for an activity) from the answer.  ``.waitForTaskToken``: the answer is the
callback's, so the result is its output as sent, for every integration."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from aslrun._json import JSON, dumps
from aslrun.definition.model import TaskState
from aslrun.errors import StateFailure, StatesError
from aslrun.handlers.registry import (
    ResourceInfo,
    lambda_not_found,
    new_request_id,
    qualified_function_arn,
)
from aslrun.lang.templates import Scope, apply_input_path
from aslrun.runtime.frame import Frame, StateRun
from aslrun.runtime.guarded import run_guarded
from aslrun.runtime.history import Shape, shape
from aslrun.runtime.invoke import NO_HANDLER, SUCCEEDED, TIMED_OUT, Answer, Invocation, Invoke
from aslrun.runtime.process import Effect, StateGen

__all__ = ["run_task"]

_HEARTBEAT_PATTERNS = frozenset({".waitForTaskToken", ".sync", ".sync:2"})
"""Integration patterns whose worker must heartbeat (with activities); a request-response
call is timed by TimeoutSeconds only."""


def run_task(state: TaskState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)

    def attempt(run: StateRun) -> Generator[Effect, Any, JSON]:
        # Built on every attempt: Parameters may read $$.State.RetryCount and $$.Task.Token.
        params, timeout, heartbeat = _prepare(state, run, data)
        result = yield from _invoke(state, frame, run, params, timeout, heartbeat)
        if state.result_selector is not None and not state.jsonata:
            result = state.result_selector.evaluate(Scope(result, run))
        return result

    # .waitForTaskToken: each attempt gets its own token at $$.Task.Token.
    tokens = state.resource.endswith(".waitForTaskToken")
    return (yield from run_guarded(frame, run, state, attempt, task_tokens=tokens))


def _prepare(
    state: TaskState, run: StateRun, data: JSON
) -> tuple[JSON, float | None, float | None]:
    if state.jsonata:
        effective = data
        params = (
            state.parameters.evaluate(Scope(data, run)) if state.parameters is not None else data
        )
    else:
        path = state.input_path
        effective = data if path is None else apply_input_path(path, data, run)
        params = (
            state.parameters.evaluate(Scope(effective, run))
            if state.parameters is not None
            else effective
        )
    timeout = None if state.timeout is None else float(state.timeout.resolve(run, effective))
    heartbeat = None if state.heartbeat is None else float(state.heartbeat.resolve(run, effective))
    return params, timeout, heartbeat


# ----------------------------------------------------------------------------------------------


def _invoke(
    state: TaskState,
    frame: Frame,
    run: StateRun,
    params: JSON,
    timeout: float | None,
    heartbeat: float | None,
) -> Generator[Effect, Any, JSON]:
    """Schedule the work, yield it to the runtime's invoker, record how it ended."""
    info = state.info
    function_name = info.function_name
    if info.is_lambda_invoke and isinstance(params, dict):
        fn_param = params.get("FunctionName")
        function_name = fn_param if isinstance(fn_param, str) else None
    activity = info.kind == "activity"
    events = _TaskEvents(frame, info, state, params, timeout, heartbeat)
    beats = activity or info.pattern in _HEARTBEAT_PATTERNS
    invocation = Invocation(
        frame.rt,
        resource=state.resource,
        info=info,
        params=params,
        state_name=state.name,
        function_name=function_name,
        # an activity's worker gets a token from GetActivityTask ($$.Task.Token stays unset)
        token=new_request_id(frame.rt.random) if info.kind == "activity" else run.task_token,
        timeout_seconds=timeout,
        heartbeat_seconds=heartbeat if beats else None,
        events=events,
    )
    if not activity:  # TaskScheduled now, also when nothing serves the resource; an
        invocation.accept()  # activity's ActivityScheduled when the invoker queues it
    answer: Answer = yield Invoke(invocation)
    outcome = answer.outcome
    if outcome == SUCCEEDED:
        events.succeeded(answer.value)
        return answer.value
    err = answer.error
    if outcome == TIMED_OUT:
        assert err is not None
        events.timed_out(err)
        raise err
    if outcome == NO_HANDLER:
        if activity:  # nothing recorded: AWS fails the state (test_activity_task_on_deleted)
            if err is not None and err.cause:
                raise StateFailure("States.Runtime", err.cause)
            raise StatesError("States.Runtime", _no_handler(frame, state))
        err = _not_found(frame, state, info, function_name, params)
        if info.is_lambda_invoke or _starts_execution(info):
            events.started()  # the task starts; the service answers 404/400
    assert err is not None
    events.failed(err)
    raise err


class _TaskEvents:
    """A Task's history events, named as AWS names them for its Resource: LambdaFunction* for
    a function ARN, Activity* for an activity, Task* for a service integration."""

    __slots__ = ("frame", "heartbeat", "info", "params", "prefix", "state", "timeout")

    def __init__(
        self,
        frame: Frame,
        info: ResourceInfo,
        state: TaskState,
        params: JSON,
        timeout: float | None,
        heartbeat: float | None,
    ) -> None:
        self.frame = frame
        self.info = info
        self.prefix = _EVENT_PREFIX.get(info.kind, "Task")
        self.state = state
        self.params = params
        self.timeout = timeout
        self.heartbeat = heartbeat

    def _resource(self) -> dict[str, Any]:
        if self.prefix != "Task":
            return {}
        return {"resourceType": self.info.resource_type, "resource": self.info.resource}

    def scheduled(self) -> None:
        state, params, timeout, heartbeat = self.state, self.params, self.timeout, self.heartbeat
        prefix = self.prefix
        after: tuple[tuple[str, Any], ...] = ()
        if timeout is not None:
            after = (("timeoutInSeconds", int(timeout)),)
        if heartbeat is not None and prefix != "LambdaFunction":
            after += (("heartbeatInSeconds", int(heartbeat)),)
        if prefix == "Task":
            fields = (*self._fields(), ("region", self.frame.rt.region))
            kind = shape("TaskScheduled", fields, "parameters", payload=False, after=after)
            self._shaped(kind, dumps(params))
        else:
            fields = (("resource", state.resource),)
            self._shaped(shape(f"{prefix}Scheduled", fields, "input", after=after), params)

    def _fields(self) -> tuple[tuple[str, Any], ...]:
        """``_resource()`` as a ``Shape``'s fields."""
        if self.prefix != "Task":
            return ()
        return (("resourceType", self.info.resource_type), ("resource", self.info.resource))

    def _shaped(self, kind: Shape, value: JSON) -> None:
        frame = self.frame
        rt = frame.rt
        frame.last = rt.history.shaped(rt.clock.now(), frame.last, kind, value)

    def started(self, worker_name: str | None = None) -> None:
        prefix = self.prefix
        if prefix == "LambdaFunction":
            self.frame.event("LambdaFunctionStarted")
        elif prefix == "Activity":  # AWS records {} when the worker gave no name
            details = {} if worker_name is None else {"workerName": worker_name}
            self.frame.event("ActivityStarted", details)
        else:
            self.frame.event("TaskStarted", self._resource())

    def submitted(self, output: JSON) -> None:
        self._shaped(shape("TaskSubmitted", self._fields(), "output"), output)

    def succeeded(self, result: JSON) -> None:
        self._shaped(shape(f"{self.prefix}Succeeded", self._fields(), "output"), result)

    def failed(self, err: StatesError) -> None:
        self.frame.event(f"{self.prefix}Failed", self._error_details(err))

    def timed_out(self, err: StatesError) -> None:
        """AWS records a timeout's ``States.Timeout`` without a cause (test_heartbeats)."""
        self.frame.event(f"{self.prefix}TimedOut", self._error_details(err, omit_empty=True))

    def _error_details(self, err: StatesError, omit_empty: bool = False) -> dict[str, Any]:
        details = self._resource()
        if err.error:  # SendTaskFailure without an error: AWS leaves it out
            details["error"] = err.error
        if err.cause is not None and not (omit_empty and err.cause == ""):
            details["cause"] = err.cause
        return details


_EVENT_PREFIX = {"lambda": "LambdaFunction", "activity": "Activity"}


def _starts_execution(info: ResourceInfo) -> bool:
    return info.resource_type == "states" and info.resource.startswith("startExecution")


def _not_found(
    frame: Frame,
    state: TaskState,
    info: ResourceInfo,
    function_name: str | None,
    params: JSON,
) -> StatesError:
    rt = frame.rt
    if _starts_execution(info):  # outside a service there is no other state machine
        arn = params.get("StateMachineArn") if isinstance(params, dict) else None
        return StatesError(
            "StepFunctions.StateMachineDoesNotExistException",
            f"State Machine Does Not Exist: '{arn}' (Service: AWSStepFunctions; Status Code: "
            f"400; Error Code: StateMachineDoesNotExist; Request ID: "
            f"{new_request_id(rt.random)}; Proxy: null)",
        )
    if info.kind == "lambda" or info.is_lambda_invoke:
        named = state.resource if info.kind == "lambda" else function_name or ""
        arn = qualified_function_arn(named, rt.region, rt.account)
        return StatesError(*lambda_not_found(arn, new_request_id(rt.random)))
    return StatesError("States.Runtime", _no_handler(frame, state))


def _no_handler(frame: Frame, state: TaskState) -> str:
    keys = ", ".join(repr(k) for k in frame.rt.registry.registered_keys()) or "none"
    return (
        f"No handler for the Task state '{state.name}' (Resource '{state.resource}'). "
        f"Registered handler keys: {keys}. Register one under the Resource, the function "
        "name, the state name or a glob pattern."
    )
