"""The Task state: input, the handler call on simulated time, Lambda semantics, timeouts."""

from __future__ import annotations

import json
from collections.abc import Generator
from functools import lru_cache
from typing import Any

from aslrun._json import JSON, MAX_PAYLOAD_BYTES, deep_copy, dumps
from aslrun.definition.model import TaskState, Template
from aslrun.errors import StateFailure, StatesError
from aslrun.handlers.registry import (
    HandlerContext,
    ResourceInfo,
    ResourceRegistry,
    decode_result,
    describe_resource,
    lambda_error,
    lambda_invoke_response,
    lambda_log_tail,
    lambda_not_found,
    new_request_id,
    qualified_function_arn,
)
from aslrun.lang.paths import Path
from aslrun.lang.templates import Scope, apply_input_path, evaluate_typed, resolve_field
from aslrun.runtime.frame import Frame, StateRun
from aslrun.runtime.guarded import run_guarded
from aslrun.runtime.process import Sleep, StateGen

__all__ = ["run_task"]


_describe = lru_cache(maxsize=4096)(describe_resource)


def run_task(state: TaskState, frame: Frame, data: JSON) -> StateGen:
    run = frame.enter(state, data)

    def attempt() -> Generator[Any, Any, JSON]:
        # Built on every attempt: Parameters may read $$.State.RetryCount.
        params, timeout, heartbeat = _prepare(state, run, data)
        result = yield from _invoke(state, frame, run, params, timeout, heartbeat)
        if state.result_selector is not None and state.query_language == "JSONPath":
            result = state.result_selector.evaluate(Scope(result, run))
        return result

    return (yield from run_guarded(frame, run, state, attempt))


def _prepare(
    state: TaskState, run: StateRun, data: JSON
) -> tuple[JSON, float | None, float | None]:
    if state.resource.endswith(".waitForTaskToken"):
        # Each attempt gets its own token at $$.Task.Token. Until callbacks arrive, the
        # handler stands for the worker: its return value is the SendTaskSuccess output and
        # raising TaskFailed(error, cause) is SendTaskFailure.
        run.task_token = new_request_id(run.frame.rt.random)
    if state.query_language == "JSONata":
        effective = data
        params = (
            state.parameters.evaluate(Scope(data, run)) if state.parameters is not None else data
        )
    else:
        effective = apply_input_path(state.input_path, data, run)
        params = (
            state.parameters.evaluate(Scope(effective, run))
            if state.parameters is not None
            else effective
        )
    timeout = _seconds(
        state.timeout_seconds, state.timeout_seconds_path, "TimeoutSeconds", run, effective
    )
    heartbeat = _seconds(
        state.heartbeat_seconds, state.heartbeat_seconds_path, "HeartbeatSeconds", run, effective
    )
    return params, timeout, heartbeat


def _seconds(value: Any, path: Path | None, field: str, run: StateRun, data: JSON) -> float | None:
    if path is not None:
        got = resolve_field(path, Scope(data, run), f"{field}Path")
        if isinstance(got, bool) or not isinstance(got, int) or got <= 0:
            raise StateFailure(
                "States.Runtime",
                f'The {field}Path field refers to value "{got}" which is not a valid '
                f"positive integer: {path.text}",
            )
        return float(got)
    if isinstance(value, Template):
        got = evaluate_typed(value, run, field, "integer")
        return float(got)
    return None if value is None else float(value)


# ----------------------------------------------------------------------------------------------


def _invoke(
    state: TaskState,
    frame: Frame,
    run: StateRun,
    params: JSON,
    timeout: float | None,
    heartbeat: float | None,
) -> Generator[Any, Any, JSON]:
    rt = frame.rt
    info = _describe(state.resource)
    legacy = info.kind == "lambda"
    function_name = info.function_name
    if info.is_lambda_invoke and isinstance(params, dict):
        fn_param = params.get("FunctionName")
        function_name = fn_param if isinstance(fn_param, str) else None
    _scheduled(frame, info, state, params, timeout, heartbeat, legacy)
    handler = rt.registry.lookup(state.resource, function_name, state.name)
    if handler is None:
        err = _not_found(frame, state, info, function_name)
        if info.is_lambda_invoke:  # the task starts; Lambda answers 404 (test_no_such_function)
            frame.event("TaskStarted", {"resourceType": "lambda", "resource": info.resource})
        _failed(frame, info, legacy, err)
        raise err
    frame.event(
        "LambdaFunctionStarted" if legacy else "TaskStarted",
        None if legacy else {"resourceType": info.resource_type, "resource": info.resource},
    )
    started = rt.clock.now()
    request_id = new_request_id(rt.random)
    context = HandlerContext(
        function_name=_short_name(function_name or state.name),
        state_name=state.name,
        execution_arn=rt.execution_arn,
        invoked_function_arn=_function_arn(function_name or state.name, rt.region, rt.account),
        started=started,
        timeout=timeout,
        request_id=request_id,
    )
    result, error = _call_handler(rt.registry, handler, state, info, params, context)
    spent = context.spent
    if timeout is not None and spent > timeout:
        yield Sleep(started + timeout)
        err = StatesError("States.Timeout", "")
        frame.event(
            "LambdaFunctionTimedOut" if legacy else "TaskTimedOut",
            _error_details(info, legacy, err),
        )
        raise err
    if spent > 0:
        yield Sleep(started + spent)
    if error is not None:
        _failed(frame, info, legacy, error)
        raise error
    if info.is_lambda_invoke:
        text = json.dumps(result)  # the Python runtime's response body, spaces and all
        tail = isinstance(params, dict) and params.get("LogType") == "Tail"
        log = lambda_log_tail(request_id, spent * 1000) if tail else None
        result = lambda_invoke_response(result, request_id, len(text.encode("utf-8")), log)
    _succeeded(frame, info, legacy, result)
    return result


def _succeeded(frame: Frame, info: ResourceInfo, legacy: bool, result: JSON) -> None:
    if legacy:
        frame.event("LambdaFunctionSucceeded", {"output": _payload(result)})
        return
    details = {"resourceType": info.resource_type, "resource": info.resource}
    frame.event("TaskSucceeded", {**details, "output": _payload(result)})


def _call_handler(
    registry: ResourceRegistry,
    handler: Any,
    state: TaskState,
    info: ResourceInfo,
    params: JSON,
    context: HandlerContext,
) -> tuple[JSON, StatesError | None]:
    """Call the handler as the service would: its value marshalled, or its failure named."""
    legacy = info.kind == "lambda"
    lambda_like = legacy or info.is_lambda_invoke
    event = _lambda_payload(params) if info.is_lambda_invoke else params
    request_id = context.aws_request_id
    try:
        raw = registry.call(handler, deep_copy(event), context)
    except StatesError as e:
        return None, StatesError(e.error, e.cause)
    except Exception as exc:  # a handler's failure is the task's failure, never a crash
        if lambda_like:
            return None, StatesError(*lambda_error(exc, request_id, compact=not legacy))
        return None, StatesError(type(exc).__name__, str(exc))
    name = state.resource if legacy else info.resource_type
    return _marshal(raw, name, request_id, lambda_like)


def _payload(value: JSON) -> Any:
    from aslrun.runtime.history import Payload  # noqa: PLC0415

    return Payload(value)


def _scheduled(
    frame: Frame,
    info: ResourceInfo,
    state: TaskState,
    params: JSON,
    timeout: float | None,
    heartbeat: float | None,
    legacy: bool,
) -> None:
    if legacy:
        details: dict[str, Any] = {"resource": state.resource, "input": _payload(params)}
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        frame.event("LambdaFunctionScheduled", details)
        return
    details = {
        "resourceType": info.resource_type,
        "resource": info.resource,
        "region": frame.rt.region,
        "parameters": dumps(params),
    }
    if timeout is not None:
        details["timeoutInSeconds"] = int(timeout)
    if heartbeat is not None:
        details["heartbeatInSeconds"] = int(heartbeat)
    frame.event("TaskScheduled", details)


def _error_details(info: ResourceInfo, legacy: bool, err: StatesError) -> dict[str, Any]:
    details: dict[str, Any] = (
        {} if legacy else {"resourceType": info.resource_type, "resource": info.resource}
    )
    details["error"] = err.error
    if err.cause is not None:
        details["cause"] = err.cause
    return details


def _failed(frame: Frame, info: ResourceInfo, legacy: bool, err: StatesError) -> None:
    frame.event(
        "LambdaFunctionFailed" if legacy else "TaskFailed", _error_details(info, legacy, err)
    )


def _lambda_payload(params: JSON) -> JSON:
    """What the function receives from lambda:invoke: the Payload; text is sent as it is."""
    payload = params.get("Payload") if isinstance(params, dict) else None
    if payload is None:
        return {}
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError:
            return payload
    return payload


def _marshal(
    raw: Any, name: str, request_id: str, lambda_like: bool
) -> tuple[JSON, StatesError | None]:
    """The handler's value as the service returns it: JSON round trip, size limit."""
    value = decode_result(raw)
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        cause = json.dumps(
            {
                "errorMessage": message,
                "errorType": "Runtime.MarshalError",
                "requestId": request_id,
                "stackTrace": [],
            }
        )
        return None, StatesError(
            "Runtime.MarshalError" if lambda_like else "States.Runtime",
            cause if lambda_like else message,
        )
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        return None, StatesError(
            "States.DataLimitExceeded",
            f"The state/task '{name}' returned a result with a size exceeding the maximum "
            "number of bytes service limit.",
        )
    return json.loads(text), None


def _not_found(
    frame: Frame, state: TaskState, info: ResourceInfo, function_name: str | None
) -> StatesError:
    rt = frame.rt
    if info.kind == "lambda" or info.is_lambda_invoke:
        named = state.resource if info.kind == "lambda" else function_name or ""
        arn = qualified_function_arn(named, rt.region, rt.account)
        return StatesError(*lambda_not_found(arn, new_request_id(rt.random)))
    keys = ", ".join(repr(k) for k in rt.registry.registered_keys()) or "none"
    return StatesError(
        "States.Runtime",
        f"No handler for the Task state '{state.name}' (Resource '{state.resource}'). "
        f"Registered handler keys: {keys}. Register one under the Resource, the function "
        "name, the state name or a glob pattern.",
    )


def _short_name(function_name: str) -> str:
    from aslrun.handlers.registry import function_name_of  # noqa: PLC0415

    return function_name_of(function_name) or function_name


def _function_arn(function_name: str, region: str, account: str) -> str:
    if function_name.startswith("arn:"):
        return function_name
    return f"arn:aws:lambda:{region}:{account}:function:{_short_name(function_name)}"
