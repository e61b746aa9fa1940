"""The Task state: its input and parameters, the ``Invoke`` it yields, the events it records.

The work itself is the invoker's (``aslrun.handlers.invoker`` calls a Python handler; a
service queues an activity's task for ``get_activity_task``); the state records TaskScheduled
before it (an activity's ActivityScheduled when the invoker takes it: a missing activity
records none) and TaskSucceeded/Failed/TimedOut (LambdaFunction* for a function ARN,
Activity* for an activity) from the answer.  ``.waitForTaskToken``: the answer is the
callback's, so the result is its output as sent, for every integration."""

from __future__ import annotations

import functools
from collections.abc import Generator
from typing import Any

from aslrun._json import JSON, dumps
from aslrun.definition.model import TaskState
from aslrun.errors import StateFailure, StatesError
from aslrun.handlers.lambda_wire import lambda_not_found, qualified_function_arn
from aslrun.handlers.registry import (
    ResourceInfo,
    new_request_id,
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
    plan = _PLANS.get(id(state))
    if plan is None or plan.state is not state:
        plan = _plan(state)
    # Each attempt is its own StateRun: Parameters may read $$.State.RetryCount and (with
    # .waitForTaskToken, a token per attempt) $$.Task.Token.
    body = functools.partial(_attempt, plan, frame, data)
    return (yield from run_guarded(frame, run, state, body, task_tokens=plan.tokens))


class _Plan:
    """What a Task state's invocations and events need that is the same on every run: the
    event names and fixed fields for its Resource, and the TaskScheduled shape last used
    (the same on every run when TimeoutSeconds/HeartbeatSeconds are written, not read)."""

    __slots__ = (
        "activity",
        "beats",
        "failed",
        "fields",
        "plain",
        "prefix",
        "scheduled",
        "started",
        "state",
        "submitted",
        "succeeded",
        "timed_out",
        "tokens",
    )

    def __init__(self, state: TaskState) -> None:
        info = state.info
        prefix = _EVENT_PREFIX.get(info.kind, "Task")
        self.state = state
        self.prefix = prefix
        self.activity = info.kind == "activity"
        self.beats = self.activity or info.pattern in _HEARTBEAT_PATTERNS
        self.tokens = state.resource.endswith(".waitForTaskToken")
        self.plain = (
            (state.jsonata or state.input_path is None)
            and state.parameters is None
            and state.timeout is None
            and state.heartbeat is None
        )
        fields: tuple[tuple[str, Any], ...] = ()
        if prefix == "Task":
            fields = (("resourceType", info.resource_type), ("resource", info.resource))
        self.fields = fields
        self.started = f"{prefix}Started"
        self.succeeded = shape(f"{prefix}Succeeded", fields, "output")
        self.submitted = shape("TaskSubmitted", fields, "output")
        self.failed = f"{prefix}Failed"
        self.timed_out = f"{prefix}TimedOut"
        self.scheduled: tuple[tuple[float | None, float | None, str], Shape] | None = None

    def scheduled_shape(self, timeout: float | None, heartbeat: float | None, region: str) -> Shape:
        """The scheduled event's ``Shape`` for these limits (remade only when they change)."""
        key = (timeout, heartbeat, region)
        last = self.scheduled  # one attribute: a thread reads a key with its own shape
        if last is not None and last[0] == key:
            return last[1]
        prefix = self.prefix
        after: tuple[tuple[str, Any], ...] = ()
        if timeout is not None:
            after = (("timeoutInSeconds", int(timeout)),)
        if heartbeat is not None and prefix != "LambdaFunction":
            after += (("heartbeatInSeconds", int(heartbeat)),)
        if prefix == "Task":
            fields = (*self.fields, ("region", region))
            found = shape("TaskScheduled", fields, "parameters", payload=False, after=after)
        else:
            fields = (("resource", self.state.resource),)
            found = shape(f"{prefix}Scheduled", fields, "input", after=after)
        self.scheduled = (key, found)
        return found


_PLANS: dict[int, _Plan] = {}
_MAX_PLANS = 4096  # a process that loads many machines makes them again, never unboundedly


def _plan(state: TaskState) -> _Plan:
    """The state's ``_Plan``, made on its first run (``run_task`` finds it in ``_PLANS`` by
    identity: the state is kept alive by its plan, so its id is never reused while there)."""
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    found = _PLANS[id(state)] = _Plan(state)
    return found


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


def _attempt(plan: _Plan, frame: Frame, data: JSON, run: StateRun) -> Generator[Effect, Any, JSON]:
    """One attempt: schedule the work, yield it to the runtime's invoker, record how it
    ended; the result (through ResultSelector)."""
    state = plan.state
    if plan.plain:  # no InputPath, Parameters or limits: the input as it is
        params, timeout, heartbeat = data, None, None
    else:
        params, timeout, heartbeat = _prepare(state, run, data)
    info = state.info
    rt = frame.rt
    function_name = info.function_name
    if info.is_lambda_invoke and isinstance(params, dict):
        fn_param = params.get("FunctionName")
        function_name = fn_param if isinstance(fn_param, str) else None
    activity = plan.activity
    events = _TaskEvents(frame, plan, params, timeout, heartbeat)
    invocation = Invocation(  # by position (see Invocation): this runs on every attempt
        rt,
        state.resource,
        info,
        params,
        state.name,
        function_name,
        # token: an activity's worker gets one from GetActivityTask ($$.Task.Token unset)
        new_request_id(rt.random) if activity else run.task_token,
        timeout,  # timeout_seconds
        heartbeat if plan.beats else None,  # heartbeat_seconds
        False,  # raw
        events,
    )
    if not activity:  # TaskScheduled now, also when nothing serves the resource; an
        invocation.accept()  # activity's ActivityScheduled when the invoker queues it
    answer: Answer = yield Invoke(invocation)
    outcome = answer.outcome
    if outcome == SUCCEEDED:
        value = answer.value
        frame.last = rt.history.shaped(rt.clock.now(), frame.last, plan.succeeded, value)
        if state.result_selector is not None and not state.jsonata:
            return state.result_selector.evaluate(Scope(value, run))
        return value
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

    __slots__ = ("frame", "heartbeat", "params", "plan", "timeout")

    def __init__(
        self,
        frame: Frame,
        plan: _Plan,
        params: JSON,
        timeout: float | None,
        heartbeat: float | None,
    ) -> None:
        self.frame = frame
        self.plan = plan
        self.params = params
        self.timeout = timeout
        self.heartbeat = heartbeat

    def _resource(self) -> dict[str, Any]:
        return dict(self.plan.fields)

    def scheduled(self) -> None:
        frame = self.frame
        rt = frame.rt
        plan = self.plan
        last = plan.scheduled
        timeout, heartbeat, region = self.timeout, self.heartbeat, rt.region
        if last is not None and last[0] == (timeout, heartbeat, region):
            kind = last[1]  # scheduled_shape's own test, without the call
        else:
            kind = plan.scheduled_shape(timeout, heartbeat, region)
        params = self.params
        value = dumps(params) if plan.prefix == "Task" else params
        frame.last = rt.history.shaped(rt.clock.now(), frame.last, kind, value)

    def started(self, worker_name: str | None = None) -> None:
        plan = self.plan
        prefix = plan.prefix
        if prefix == "LambdaFunction":
            self.frame.event(plan.started)
        elif prefix == "Activity":  # AWS records {} when the worker gave no name
            details = {} if worker_name is None else {"workerName": worker_name}
            self.frame.event(plan.started, details)
        else:
            self.frame.event(plan.started, self._resource())

    def submitted(self, output: JSON) -> None:
        self.frame.record(self.plan.submitted, output)

    def failed(self, err: StatesError) -> None:
        self.frame.event(self.plan.failed, self._error_details(err))

    def timed_out(self, err: StatesError) -> None:
        """AWS records a timeout's ``States.Timeout`` without a cause (test_heartbeats)."""
        self.frame.event(self.plan.timed_out, self._error_details(err, omit_empty=True))

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
